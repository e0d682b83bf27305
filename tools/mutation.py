"""Mutation testing of the helpers and the experiment: every mutant killed, or justified.

mutmut only mutates code under `./`, `src/` or `source/`, so the package, the
experiment's code and the tests that judge them are staged into a scratch folder with a
`src/` layout, and mutmut runs there. The hypothesis differential test is left out: it
would multiply the run time by ten, and the behaviour cases kill every mutant without it.

Run: `make mutation` (part of `make test`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTATED = ["llm_cache_reference/cache_helpers.py", "experiment/experimental.py"]
JUDGES = [
    "tests/reference/test_cases.py",
    "tests/reference/test_drop_in.py",
    "tests/reference/test_messages.py",
    "experiment/tests/test_experimental.py",
]

# Mutant name -> why no test can tell it from the original.
EQUIVALENT: dict[str, str] = {
    "experiment.experimental.x_aupdate_cache_concurrent__mutmut_7": (
        "passes None for llm_string to the walk over the generation lists; the walk writes"
        " to a cache that only notes prompts and values, so llm_string goes nowhere"
    ),
}

CONFTEST = """
from collections.abc import Iterator

import pytest
from langchain_core.globals import set_llm_cache


@pytest.fixture(autouse=True)
def no_global_cache() -> Iterator[None]:
    set_llm_cache(None)
    yield
    set_llm_cache(None)
"""

PYPROJECT = f"""
[tool.pytest.ini_options]
addopts = "-p no:langsmith_plugin -p no:doctest -q"
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"

[tool.mutmut]
source_paths = ["src/llm_cache_reference/", "src/experiment/"]
only_mutate = {[f"src/{name}" for name in MUTATED]!r}
pytest_add_cli_args_test_selection = ["tests/"]
"""


def stage(scratch: Path) -> None:
    """Copy the package, the experiment's code and their judges into a src/ layout."""
    shutil.copytree(
        ROOT / "reference" / "llm_cache_reference",
        scratch / "src" / "llm_cache_reference",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (scratch / "src" / "experiment").mkdir()
    # page.py holds the rules the experiment's calls are judged by (`page.verdict`).
    for name in ("__init__.py", "experimental.py", "page.py"):
        shutil.copy(ROOT / "experiment" / name, scratch / "src" / "experiment" / name)
    (scratch / "tests").mkdir()
    for path in JUDGES:
        shutil.copy(ROOT / path, scratch / "tests" / Path(path).name)
    (scratch / "conftest.py").write_text(CONFTEST)
    (scratch / "pyproject.toml").write_text(PYPROJECT)


def main() -> int:
    """Run mutmut, print the score, and fail on any unexplained survivor."""
    mutmut = Path(sys.executable).parent / "mutmut"
    with tempfile.TemporaryDirectory(prefix="mutation-") as folder:
        scratch = Path(folder)
        stage(scratch)
        run = subprocess.run(
            [mutmut, "run"], cwd=scratch, capture_output=True, text=True, check=False
        )
        results = subprocess.run(
            [mutmut, "results", "--all", "true"],
            cwd=scratch,
            capture_output=True,
            text=True,
            check=False,
        )
        statuses = dict(re.findall(r"^\s*(\S+__mutmut_\d+): (\S+)", results.stdout, re.MULTILINE))
        survivors = [name for name, status in statuses.items() if status != "killed"]
        diffs = {
            name: subprocess.run(
                [mutmut, "show", name], cwd=scratch, capture_output=True, text=True, check=False
            ).stdout
            for name in survivors
            if name not in EQUIVALENT
        }
    if run.returncode != 0 or not statuses:
        print(run.stdout[-3000:], run.stderr[-3000:], results.stdout[-3000:], sep="\n")
        print("mutation: mutmut did not run to the end")
        return 1
    killed = [name for name, status in statuses.items() if status == "killed"]
    justified = [name for name in statuses if name in EQUIVALENT]
    unexplained = sorted(set(statuses) - set(killed) - set(justified))
    for name in justified:
        print(f"  equivalent: {name}: {EQUIVALENT[name]}")
    for name in unexplained:
        print(f"  NOT KILLED: {name} ({statuses[name]}):\n{diffs[name]}")
    score = len(killed) / len(statuses)
    print(
        f"mutation: {len(statuses)} mutants of {', '.join(MUTATED)}: {len(killed)} killed, "
        f"{len(justified)} equivalent (justified), {len(unexplained)} unexplained; "
        f"score {score:.0%}"
    )
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
