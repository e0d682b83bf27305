"""The instructor's guide's set-up without make: the plain commands, run in a fresh clone.

They must do what `make setup` does (the same uv, the same locked sync) and leave a clone
in which the set-up check passes. The PowerShell tab is the same steps with Windows paths;
this machine has no Windows to run it on, so it is held to the same uv version only.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "workshop" / "index.md").read_text()
UV_VERSION = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)


def _tab(title: str) -> str:
    """The code of a content tab of the guide's set-up section, as a reader copies it."""
    found = re.search(rf'=== "{re.escape(title)}"\n\n    ```\w+\n(.*?)    ```', GUIDE, re.S)
    assert found, title
    return textwrap.dedent(found[1])


def test_every_tab_installs_the_uv_the_makefile_pins() -> None:
    assert UV_VERSION
    for tab in ("Without make", "Windows (PowerShell)"):
        assert re.findall(r"uv==(\S+)", _tab(tab)) == [UV_VERSION[1]]


def test_the_commands_without_make_set_up_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    ran = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _tab("Without make")],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.endswith("All set.\n")
