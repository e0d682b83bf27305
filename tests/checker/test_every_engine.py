"""Python in the page in each engine a learner may have: Chromium, Firefox ESR and WebKitGTK.

Each engine opens the first exercise of the built site once and, on that one runtime, checks
every held-out learner's file (async twins included), a helper that spins after its first
await, the solution, and runs the tutorials; each result is held to what the command line
prints (or the tutorial's recorded output). Nothing here may depend on WebAssembly stack
switching, which WebKit lacks. What each engine took is written to
build/engine-measurements.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from llm_cache_reference.checker import in_browser
from tests.checker.test_blocking_loop import SPINS_AFTER_AWAIT
from tests.checker.test_in_browser_python import (
    BROKEN,
    EXPECTED,
    ROOT,
    SITE,
    SOLUTION,
    STARTER,
)
from tests.engines import ENGINES, Call, Session, run
from tests.served_site import serve

MEASUREMENTS = ROOT / "build" / "engine-measurements.json"
# A child's memory cap is the command line's answer to it; a page has none to set.
LEARNERS = sorted(path.name for path in BROKEN.glob("*.py") if path.name != "runaway_allocation.py")
TUTORIALS = [
    "01_cache_in_one_call",
    "02_update_cache_by_hand",
    "03_async_twin",
    "04_resolving_cache",
    "05_when_things_go_wrong",
    "07_drop_in",
]
THREADS = "update() ran in: a worker thread, a worker thread"
IN_PLACE = "update() ran in: the main thread, the main thread"
LIMIT = 0.5
CALLS = [
    *(Call("check", ((BROKEN / name).read_text(), {"timeLimit": LIMIT})) for name in LEARNERS),
    Call("check", (SPINS_AFTER_AWAIT, {"step": 3, "timeLimit": LIMIT})),
    Call("check", (SOLUTION.read_text(), {})),
    *(Call("runFile", (f"tutorials/{name}.py", [])) for name in TUTORIALS),
    # The set-up check checks the exercise file where the page keeps it: the starter first.
    Call("check", (STARTER.read_text(), {"step": 1})),
    Call("runFile", ("tutorials/00_setup_check.py", [])),
]
_measured: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module", params=ENGINES)
def session(request: pytest.FixtureRequest) -> Session:
    if not (SITE / "assets" / "pyodide" / "manifest.json").is_file():
        pytest.fail("build/site has no in-browser Python: build it with `make docs-build`")
    with serve(SITE) as served:
        ran = run(request.param, served.origin + "/workshop/exercise-1-write-back/", CALLS)
    _measured[ran.engine] = {"seconds to ready": round(ran.ready_seconds, 1), **ran.info}
    MEASUREMENTS.write_text(json.dumps(_measured, indent=1) + "\n")
    return ran


def _result(session: Session, call: Call) -> Any:
    result = session.results[CALLS.index(call)]
    assert "thrown" not in result, result["thrown"]
    return result["value"]


@pytest.fixture(scope="module")
def command_line(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, int]]:
    """What the command line says of each learner's file saved where the page saves it.

    A file that cannot be checked is said so on stderr, with nothing on stdout.
    """
    said = {}
    for name in LEARNERS:
        folder = tmp_path_factory.mktemp(name)
        path = folder / in_browser.EXERCISE_PATH
        path.parent.mkdir(parents=True)
        path.write_text((BROKEN / name).read_text())
        command = [sys.executable, "-m", "llm_cache_reference", "check", in_browser.EXERCISE_PATH]
        ran = subprocess.run(
            [*command, f"--time-limit={LIMIT}"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        said[name] = (ran.stdout or ran.stderr, ran.returncode)
    return said


def test_the_engine_runs_the_pages_python(session: Session) -> None:
    assert session.info["python"].startswith("3.")


@pytest.mark.parametrize("learner", LEARNERS)
def test_every_learners_file_gets_the_command_lines_report(
    session: Session, command_line: dict[str, tuple[str, int]], learner: str
) -> None:
    checked = _result(session, CALLS[LEARNERS.index(learner)])
    assert (checked["report"] + "\n", checked["exitStatus"]) == command_line[learner]


def test_a_helper_that_spins_after_its_first_await_is_stopped_at_the_limit(
    session: Session,
) -> None:
    checked = _result(session, CALLS[len(LEARNERS)])
    assert checked["errors"] > 1
    assert checked["report"].count(f"Your helper did not finish within {LIMIT} s") == 1
    assert "restarted" not in checked["report"]


def test_the_solution_passes_every_case(session: Session) -> None:
    checked = _result(session, CALLS[len(LEARNERS) + 1])
    assert (checked["failed"], checked["errors"], checked["notAttempted"]) == (0, 0, 0)
    assert checked["report"].endswith(" pass; all agree with langchain-core.")


def test_the_setup_check_runs_and_prints_what_it_prints_here(session: Session) -> None:
    ran = _result(session, CALLS[-1])
    expected = (EXPECTED / "00_setup_check.txt").read_text()
    assert ran == {"stdout": expected, "stderr": "", "error": None}


@pytest.mark.parametrize("name", TUTORIALS)
def test_every_tutorial_prints_what_it_prints_here(session: Session, name: str) -> None:
    ran = _result(session, CALLS[len(LEARNERS) + 2 + TUTORIALS.index(name)])
    expected = (EXPECTED / f"{name}.txt").read_text()
    # The page has no threads: its page says so, and tests/checker/test_in_browser_python.py
    # holds the page to saying it.
    expected = expected.replace(THREADS, IN_PLACE)
    assert ran == {"stdout": expected, "stderr": "", "error": None}
