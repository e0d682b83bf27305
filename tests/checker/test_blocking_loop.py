"""`checker.blocking_loop`, the page's event loop, held to asyncio's own on the local Python.

The page runs every coroutine on it (no WebAssembly stack switching needed), so what
matters is that nothing the cases or the checker can see differs from asyncio's loop:
the same outcome for every case, the same report for every learner's file, the same
hand-over of a function run "in a thread", and hangs stopped at the time limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference.cases import CASES
from llm_cache_reference.checker import blocking_loop, in_browser
from llm_cache_reference.checker.cli import main as checker_main
from llm_cache_reference.checker.deadline import Deadline, OutOfTime, bounded
from llm_cache_reference.harness import observe

BROKEN = Path(__file__).resolve().parents[1] / "checker_inputs"
# Every step 3 case spins once it has awaited: only a trace of each callback stops it.
SPINS_AFTER_AWAIT = """
import asyncio


async def aupdate_cache(
    cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts
):
    await asyncio.sleep(0)
    while True:
        pass
"""
# Every step 1 case sleeps far longer than the time limit.
SLEEPS = """
import time


def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts):
    time.sleep(30)
"""


@contextlib.contextmanager
def _installed() -> Iterator[None]:
    """asyncio.run on a BlockingLoop inside the block, asyncio's own loop after."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # policies, from Python 3.14
        before = asyncio.get_event_loop_policy()
        blocking_loop.install()
        try:
            yield
        finally:
            asyncio.set_event_loop_policy(before)


@pytest.fixture
def on_the_blocking_loop() -> Iterator[None]:
    with _installed():
        yield


def _on_each_loop(make: Callable[[], object]) -> tuple[object, object]:
    """What `make` gives on asyncio's loop, then on the blocking loop."""
    on_asyncio = make()
    with _installed():
        return on_asyncio, make()


def test_install_makes_asyncio_run_use_it(on_the_blocking_loop: None) -> None:
    async def which_loop() -> type[asyncio.AbstractEventLoop]:
        return type(asyncio.get_running_loop())

    assert asyncio.run(which_loop()) is blocking_loop.BlockingLoop


@pytest.mark.parametrize("implementation", [llm_cache_reference, langchain_llms])
def test_every_case_has_the_same_outcome_on_either_loop(implementation: ModuleType) -> None:
    def outcomes() -> list[object]:
        return [observe(case.scenario, implementation) for case in CASES]

    on_asyncio, on_blocking = _on_each_loop(outcomes)
    assert on_asyncio == on_blocking


def _command_line(path: Path, *args: str) -> tuple[str, int]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = checker_main(["check", str(path), *args])
    return stdout.getvalue() or stderr.getvalue(), status


@pytest.mark.parametrize(
    "learner",
    sorted(path.name for path in BROKEN.glob("*.py") if path.name != "runaway_allocation.py"),
)
def test_every_learners_file_gets_the_command_lines_report_on_it(
    tmp_path: Path, learner: str
) -> None:
    path = tmp_path / learner
    source = (BROKEN / learner).read_text()
    path.write_text(source)
    command_line = _command_line(path, "--time-limit=1")  # on asyncio's loop, as it always is
    with _installed():
        checked = in_browser.check(source, path=str(path), time_limit=1)
    assert (checked.report + "\n", checked.exit_status) == command_line


def test_a_helper_that_spins_after_its_first_await_is_stopped(
    on_the_blocking_loop: None, tmp_path: Path
) -> None:
    path = str(tmp_path / "spins.py")
    checked = in_browser.check(SPINS_AFTER_AWAIT, step=3, path=path, time_limit=0.3)
    assert checked.errors > 1
    assert checked.report.count("Your helper did not finish within 0.3 s, so it was") == 1


def test_a_helper_that_sleeps_is_stopped(on_the_blocking_loop: None, tmp_path: Path) -> None:
    checked = in_browser.check(SLEEPS, step=1, path=str(tmp_path / "s.py"), time_limit=0.3)
    assert checked.errors > 1
    assert checked.report.count("Your helper did not finish within 0.3 s, so it was") == 1


def test_a_sleep_wakes_at_the_deadline_and_is_stopped_there() -> None:
    slept: list[float] = []
    short = Deadline(60, "learner.py")
    short.sleep_for_real = slept.append
    short.bounded_sleep(0.25)
    assert (slept, short.expired) == ([0.25], False)
    over = Deadline(0, "learner.py")
    over.sleep_for_real = slept.append
    with pytest.raises(OutOfTime):
        over.bounded_sleep(30)
    assert (slept[1], over.expired) == (0.0, True)


def test_bounded_gives_asyncio_run_and_time_sleep_back() -> None:
    run, sleep = asyncio.run, time.sleep
    inside = []
    with pytest.raises(OutOfTime), bounded(Deadline(0, "learner.py")):  # noqa: PT012
        inside.append((asyncio.run, time.sleep))
        time.sleep(1)
    assert inside != [(run, sleep)]
    assert (asyncio.run, time.sleep) == (run, sleep)


def test_timers_wait_for_their_time(on_the_blocking_loop: None) -> None:
    async def nap() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.sleep(0.05)
        return loop.time() - started

    assert asyncio.run(nap()) >= 0.05


def test_with_nothing_ready_and_no_timer_it_waits_for_ever_as_asyncio_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(blocking_loop, "_sleep", slept.append)
    loop = blocking_loop.BlockingLoop()
    loop._selector.select(None)
    loop._selector.select(0.5)
    loop.close()
    assert slept == [365 * 24 * 3600, 0.5]


def _raises_stop_iteration() -> None:
    raise StopIteration


def _doubles(number: int) -> int:
    return 2 * number


@pytest.mark.parametrize(
    ("function", "args"), [(_doubles, (21,)), (_raises_stop_iteration, ()), (int, ("x",))]
)
def test_run_in_executor_hands_over_what_a_thread_would(
    function: Callable[..., object], args: tuple[object, ...]
) -> None:
    async def in_executor() -> str:
        loop = asyncio.get_running_loop()
        # A StopIteration cannot cross into an asyncio future: on asyncio's own loop the
        # awaiting coroutine then waits for ever, so each wait is bounded.
        waiting = loop.run_in_executor(None, function, *args)
        try:
            return repr(await asyncio.wait_for(waiting, 0.5))
        except Exception as error:
            return type(error).__name__

    on_asyncio, on_blocking = _on_each_loop(lambda: asyncio.run(in_executor()))
    assert on_asyncio == on_blocking
    assert on_asyncio in ("42", "TimeoutError", "ValueError")
