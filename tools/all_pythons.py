"""Run `make quick` on every CPython 3.11+ this machine has, each in its own environment.

    python -m tools.all_pythons        # what `make quick-all-pythons` (and CI) runs

The package says it installs on Python 3.11 and newer (`pyproject.toml`), and
`make test` runs on one interpreter, so this keeps the claim tested on the
others. The interpreters are found at run time by uv (`uv python list
--only-installed`, never a download), with pyenv's versions added to its search
path where pyenv keeps any. Of each minor version the newest patch release runs
the lint, the types and the case tests (`make quick`) in `build/pythons/3.X/`,
synced from `uv.lock` like `.venv`. One older than the tools need (`TOOLS_NEED`)
installs the package alone and runs every case against langchain-core. A minor
version not on the machine is skipped, with a line saying so.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINORS = range(11, 15)
"""The minor versions of Python 3 the package claims, and that uv.lock is resolved for."""
TOOLS_NEED = (3, 11, 5)
"""The oldest Python `make setup`'s tools install on (pymdown-extensions 13.1.2 needs it)."""
CASES_AGREE = (
    "import llm_cache_reference as r; from llm_cache_reference.cases import CASES;"
    " from llm_cache_reference.harness import run_cases;"
    " bad = [x.case.name for x in run_cases(r, CASES) if not x.agree];"
    " print(f'{len(CASES)} cases, {len(bad)} disagree', *bad); raise SystemExit(bool(bad))"
)
"""Run by the package alone: every case against langchain-core, a line saying how many agree."""
JSON = ("--output-format", "json")


@dataclass(frozen=True)
class Python:
    """One interpreter uv found: its version and where it is."""

    version: tuple[int, int, int]
    path: str

    @property
    def shown(self) -> str:
        """The version as it is written, `3.12.1`."""
        return ".".join(map(str, self.version))


def search_path() -> str:
    """`PATH`, with the `bin` folder of every Python pyenv keeps in front, if there are any."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    kept = sorted(str(p / "bin") for p in root.glob("*") if (p / "bin").is_dir())
    return os.pathsep.join([*kept, os.environ.get("PATH", "")])


def found_by(uv: str) -> list[Python]:
    """Every CPython 3 uv finds on this machine, without downloading any."""
    listed = subprocess.run(
        [uv, "python", "list", "--only-installed", "--no-python-downloads", *JSON],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PATH": search_path(), "UV_PYTHON_DOWNLOADS": "never"},
    ).stdout
    return [
        Python(version, entry["path"])
        for entry in json.loads(listed)
        if entry["implementation"] == "cpython" and (version := _version(entry["version"]))[0] == 3
    ]


def _version(text: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in text.split("+", maxsplit=1)[0].split(".")[:3])
    return major, minor, patch


def plan(found: list[Python], here: tuple[int, int, int]) -> list[tuple[str, Python | None, str]]:
    """What to do for each minor version: `quick`, `package`, or `skip`, with the reason.

    Args:
        found: Every CPython found.
        here: The version `make test` runs on (not run again).

    Returns:
        For each minor version in `MINORS`, in order: the action, the
        interpreter (`None` for a version not found) and the words for it.
    """
    steps: list[tuple[str, Python | None, str]] = []
    for minor in MINORS:
        # uv lists each interpreter under every name it finds it by: keep the first.
        first = {p.version: p for p in reversed(found) if p.version[1] == minor}
        ours = sorted(first.values(), key=_key)
        if not ours:
            steps.append(("skip", None, f"Python 3.{minor}: not on this machine, skipped"))
            continue
        newest, oldest = ours[-1], ours[0]
        if oldest.version < TOOLS_NEED:
            words = f"Python {oldest.shown} ({oldest.path}): the package alone, every case"
            steps.append(("package", oldest, words))
        if newest.version < TOOLS_NEED:
            continue
        if newest.version == here:
            words = f"Python {newest.shown}: `make test` runs on it, not run again here"
            steps.append(("skip", newest, words))
        else:
            steps.append(("quick", newest, f"Python {newest.shown} ({newest.path}): make quick"))
    return steps


def _key(python: Python) -> tuple[int, int, int]:
    return python.version


def _run(action: str, python: Python, uv: str) -> int:
    if action == "quick":
        env = f"VENV=build/pythons/3.{python.version[1]}"
        command = ["make", "--no-print-directory", "quick", env, f"PYTHON={python.path}"]
        command.append("COMPILE_BYTECODE=")  # only what the checks import is ever compiled
        return subprocess.run(command, cwd=ROOT, check=False).returncode
    with tempfile.TemporaryDirectory(prefix="package-alone-") as scratch:
        # A fresh environment with the package alone, run outside the working tree so
        # only what was installed can be imported.
        alone = Path(scratch) / "env"
        python_alone = str(alone / "bin" / "python")
        steps = (
            ([uv, "venv", "--quiet", "--no-python-downloads", "--python", python.path, str(alone)]),
            ([uv, "pip", "install", "--quiet", "--python", python_alone, str(ROOT)]),
            ([python_alone, "-c", CASES_AGREE]),
        )
        for step in steps:
            if code := subprocess.run(step, cwd=scratch, check=False).returncode:
                return code
    return 0


def main() -> int:
    """Carry out the plan, a line for each Python run or skipped; fail if any failed."""
    uv = str(Path(sys.executable).parent / "uv")
    here = _version(platform.python_version())
    failed = []
    for action, python, words in plan(found_by(uv), here):
        print(words, flush=True)
        if action == "skip" or python is None:
            continue
        started = time.monotonic()
        code = _run(action, python, uv)
        verdict = "passed" if code == 0 else "FAILED"
        print(f"Python {python.shown}: {verdict} in {time.monotonic() - started:.0f} s", flush=True)
        if code:
            failed.append(python.shown)
    if failed:
        print(f"failed on Python {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
