"""Python in the page: `llm_cache_reference.checker.in_browser`, here and in the built site.

The first tests run `in_browser` on the local Python and hold it to the command line:
the same report, byte for byte, for the same file. The rest open the built site in
Debian's Chromium (Playwright), where the same module runs on Pyodide's Python 3.14 in a
Web Worker, through the page API `window.llmCacheReference`; one page, and so one load
of the runtime, serves them all. Without Chromium they skip, except under CI.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, sync_playwright

from llm_cache_reference.checker import in_browser
from llm_cache_reference.checker.cli import main as checker_main
from llm_cache_reference.checker.deadline import Deadline, OutOfTime
from tests.checker.test_blocking_loop import SLEEPS, SPINS_AFTER_AWAIT
from tests.chromium import FLAGS as CHROMIUM_FLAGS
from tests.chromium import executable as chromium_executable
from tests.served_site import Served, serve

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
EXPECTED = ROOT / "tutorials" / "expected"
SOLUTION = ROOT / "tutorials" / "exercises" / "solutions" / "solved_cache_helpers.py"
STARTER = ROOT / "tutorials" / "exercises" / "my_cache_helpers.py"
BROKEN = ROOT / "tests" / "checker_inputs"
SCREENSHOTS = ROOT / "build" / "screenshots"
MEASUREMENTS = ROOT / "build" / "in-browser-measurements.json"

# Step 1's no-generations case loops for ever; the other step 1 cases pass.
HANGS_ON_NO_GENERATIONS = """
from llm_cache_reference import update_cache as reference_update_cache


def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts):
    while not new_results.generations:  # a loop whose condition never changes
        pass
    return reference_update_cache(
        cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts
    )
"""
# Every step 3 case awaits something that never happens: no line of it runs meanwhile.
AWAITS_FOR_EVER = """
import asyncio


async def aupdate_cache(
    cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts
):
    await asyncio.Event().wait()  # nothing will ever set it
"""


def command_line(path: Path, *args: str) -> tuple[int, str, str]:
    """What `python -m llm_cache_reference check PATH ARGS` prints, run in-process."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = checker_main(["check", str(path), *args])
    return status, stdout.getvalue(), stderr.getvalue()


def counts(report: str) -> tuple[int, int, int, int]:
    """How many rows of a printed report pass, fail, could not run, were not attempted."""
    rows = re.findall(r"^\d +\S+ +(pass|FAIL|ERROR|not attempted)$", report, re.MULTILINE)
    statuses = ("pass", "FAIL", "ERROR", "not attempted")
    passed, failed, errors, not_attempted = (rows.count(status) for status in statuses)
    return passed, failed, errors, not_attempted


def _type_into_editor(page: Page, text: str) -> None:
    """Replace the exercise's file, as an edit does, without focusing the editor (which
    would load this tab's runtime): through the editor the widget holds (widget.editor)."""
    page.locator(".llmcr-exercise .llmcr-editor").wait_for()
    page.evaluate(
        "(text) => { document.querySelector('.llmcr-exercise').editor.value = text; }", text
    )


def _editor_text(page: Page) -> str:
    """The file the exercise's editor holds."""
    page.locator(".llmcr-exercise .llmcr-editor").wait_for()
    text: str = page.evaluate("() => document.querySelector('.llmcr-exercise').editor.value")
    return text


# --- On the local Python ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "step"),
    [
        (SOLUTION, None),
        (STARTER, 1),
        (BROKEN / "broken_truthiness.py", 1),
        (BROKEN / "broken_truthiness.py", None),
        (BROKEN / "broken_forgets_existing_prompts.py", 1),
        (BROKEN / "broken_missing_await.py", 3),
        (BROKEN / "wrong_kinds.py", None),
        (BROKEN / "raises_unexpectedly.py", None),
        (BROKEN / "prints_as_it_goes.py", None),
    ],
)
def test_check_reports_what_the_command_line_prints(
    tmp_path: Path, source: Path, step: int | None
) -> None:
    path = tmp_path / source.name
    checked = in_browser.check(source.read_text(), step=step, path=str(path))
    status, stdout, stderr = command_line(path, *([f"--step={step}"] if step else []))
    # A file that cannot be checked at all gets its reason on stderr, and no table.
    assert (checked.report + "\n", checked.exit_status) == (stdout or stderr, status)
    assert "" in (stdout, stderr)
    found = (checked.passed, checked.failed, checked.errors, checked.not_attempted)
    assert found == counts(stdout)
    assert sum(found) > 0 or status == 2


def test_a_second_check_given_what_the_first_showed_failing_answers_as_the_command_line_does(
    tmp_path: Path,
) -> None:
    path = tmp_path / "broken_forgets_existing_prompts.py"
    source = (BROKEN / path.name).read_text()
    first = in_browser.check(source, step=1, path=str(path))
    assert set(first.differing) <= set(first.failing)
    assert first.differing
    second = in_browser.check(source, step=1, path=str(path), seen_before=first.differing)
    command_line(path, "--step=1")  # the command line's first check, remembered
    status, stdout, _ = command_line(path, "--step=1")
    assert (second.report + "\n", second.exit_status) == (stdout, status)
    assert second.report.count("why it matters") == len(first.differing)
    assert "think first" in first.report
    assert "think first" not in second.report


@pytest.mark.parametrize(
    "source", [BROKEN / "broken_truthiness.py", BROKEN / "reexports_langchain.py"]
)
def test_check_lays_the_report_out_at_any_width_as_a_terminal_that_wide_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path
) -> None:
    path = tmp_path / source.name
    checked = in_browser.check(source.read_text(), step=1, path=str(path), width=44)
    monkeypatch.setenv("COLUMNS", "44")
    status, stdout, stderr = command_line(path, "--step=1")
    assert (checked.report + "\n", checked.exit_status) == (stdout or stderr, status)
    assert max(map(len, checked.report.splitlines())) <= 44


@pytest.mark.parametrize(
    ("source", "step"), [(BROKEN / "broken_truthiness.py", None), (STARTER, 1), (SOLUTION, 2)]
)
def test_check_gives_the_progress_line_check_summary_prints(
    tmp_path: Path, source: Path, step: int | None
) -> None:
    path = tmp_path / source.name
    checked = in_browser.check(source.read_text(), step=step, path=str(path))
    status, stdout, _ = command_line(path, "--summary", *([f"--step={step}"] if step else []))
    assert checked.summary + "\n" == stdout
    assert checked.exit_status == status


def test_check_saves_the_source_where_the_workshop_command_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    checked = in_browser.check(STARTER.read_text(), step=1)
    assert (tmp_path / in_browser.EXERCISE_PATH).read_text() == STARTER.read_text()
    assert checked.report + "\n" == (EXPECTED / "check-starter-step1.txt").read_text()


def test_a_helper_that_loops_gets_the_command_lines_verdict(tmp_path: Path) -> None:
    path = tmp_path / "loops.py"
    checked = in_browser.check(HANGS_ON_NO_GENERATIONS, step=1, path=str(path), time_limit=1)
    status, stdout, _ = command_line(path, "--step=1", "--time-limit=1")
    assert (checked.report + "\n", checked.exit_status) == (stdout, status)
    assert checked.report.count("Your helper did not finish within 1 s, so it was stopped") == 1


def test_a_helper_that_awaits_for_ever_is_stopped(tmp_path: Path) -> None:
    path = str(tmp_path / "awaits.py")
    checked = in_browser.check(AWAITS_FOR_EVER, step=3, path=path, time_limit=0.3)
    assert checked.errors == counts(checked.report)[2] > 1
    assert checked.report.count("Your helper did not finish within 0.3 s, so it was") == 1
    assert checked.report.count("not run: aupdate_cache was stopped in") == checked.errors - 1


def test_a_file_that_loops_at_the_top_level_cannot_be_checked(tmp_path: Path) -> None:
    path = tmp_path / "top_level.py"
    checked = in_browser.check("while True:\n    pass\n", path=str(path), time_limit=0.3)
    status, stdout, stderr = command_line(path, "--time-limit=0.3")
    assert (checked.report + "\n", checked.exit_status, "") == (stderr, status, stdout)
    in_words = " ".join(checked.report.split())
    assert in_words.startswith("Cannot check: Importing")
    assert "did not finish within 0.3 s, so it was stopped" in in_words


@pytest.mark.parametrize(
    "source", ["def update_cache(:\n", "x = 1\n", "raise RuntimeError('no')\n"]
)
def test_a_file_that_cannot_be_checked_says_why_as_the_command_line_does(
    tmp_path: Path, source: str
) -> None:
    path = tmp_path / "cannot.py"
    checked = in_browser.check(source, path=str(path))
    status, stdout, stderr = command_line(path)
    assert (checked.report + "\n", checked.exit_status, "") == (stderr, status, stdout)
    assert (checked.exit_status, checked.passed, checked.errors) == (2, 0, 0)


def test_a_file_that_tampers_at_import_changes_no_later_check(tmp_path: Path) -> None:
    from langchain_core.language_models import llms

    update_cache = llms.update_cache
    tampering = (BROKEN / "tampers_at_import.py").read_text()
    in_browser.check(tampering, path=str(tmp_path / "tampers.py"))
    assert llms.update_cache is update_cache
    checked = in_browser.check(SOLUTION.read_text(), path=str(tmp_path / "solved.py"))
    assert (checked.failed, checked.errors, checked.exit_status) == (0, 0, 0)


def test_names_a_file_adds_at_import_are_taken_away_but_modules(tmp_path: Path) -> None:
    from langchain_core.language_models import llms

    adds = (
        "import types\n"
        "from langchain_core.language_models import llms\n"
        "llms.added_by_the_learner = 1\n"
        "llms.BaseLLM.added_by_the_learner = 2\n"
        # As importing a submodule does: a module bound in its package, which stays.
        "llms.submodule_of_the_learner = types.ModuleType('submodule_of_the_learner')\n"
    )
    try:
        in_browser.check(adds, path=str(tmp_path / "adds.py"))
        assert not hasattr(llms, "added_by_the_learner")
        assert not hasattr(llms.BaseLLM, "added_by_the_learner")
        assert isinstance(vars(llms)["submodule_of_the_learner"], ModuleType)
    finally:
        vars(llms).pop("submodule_of_the_learner", None)


def test_the_deadline_leaves_the_trace_function_and_asyncio_run_as_they_were(
    tmp_path: Path,
) -> None:
    import asyncio

    trace, run = sys.gettrace(), asyncio.run
    in_browser.check(HANGS_ON_NO_GENERATIONS, step=1, path=str(tmp_path / "x.py"), time_limit=1)
    assert (sys.gettrace(), asyncio.run) == (trace, run)


def _learner_frame(filename: str) -> FrameType:
    namespace: dict[str, Any] = {}
    exec(compile("import sys\nframe = sys._getframe()\n", filename, "exec"), namespace)
    frame: FrameType = namespace["frame"]
    return frame


def test_the_deadline_traces_only_the_learners_frames_and_stops_them_when_time_is_up() -> None:
    learner = _learner_frame("learner.py")
    running = Deadline(60, "learner.py")
    assert running.trace(sys._getframe(), "call", None) is None
    assert running.trace(learner, "call", None) == running.local_trace
    assert running.local_trace(learner, "line", None) == running.local_trace
    assert not running.expired
    over = Deadline(0, "learner.py")
    assert over.trace(sys._getframe(), "call", None) is None
    assert not over.expired
    with pytest.raises(OutOfTime):
        over.local_trace(learner, "line", None)
    assert over.expired


def test_the_deadline_bounds_asyncio_run() -> None:
    import asyncio

    async def three() -> int:
        return 3

    assert Deadline(60, "learner.py").bounded_run(three()) == 3
    over = Deadline(0.05, "learner.py")
    with pytest.raises(OutOfTime):
        over.bounded_run(asyncio.Event().wait())
    assert over.expired


def test_run_runs_source_as_main_and_keeps_what_it_prints(tmp_path: Path) -> None:
    (tmp_path / "beside.py").write_text("WORD = 'beside'\n")
    source = textwrap.dedent(
        """
        import sys
        from beside import WORD
        print(__name__, WORD, sys.argv[1:])
        print("to stderr", file=sys.stderr)
        """
    )
    argv, path, main = list(sys.argv), list(sys.path), sys.modules["__main__"]
    ran = in_browser.run(source, str(tmp_path / "script.py"), ["a", "b"])
    assert ran == in_browser.Ran("__main__ beside ['a', 'b']\n", "to stderr\n", None)
    assert (sys.argv, sys.path, sys.modules["__main__"]) == (argv, path, main)


def test_run_reports_a_traceback_from_the_scripts_own_frame() -> None:
    ran = in_browser.run("print('before')\n\n1 / 0\n", "page.py")
    assert ran.stdout == "before\n"
    assert ran.error is not None
    assert ran.error.splitlines() == [
        "Traceback (most recent call last):",
        '  File "page.py", line 3, in <module>',
        *ran.error.splitlines()[2:-1],
        "ZeroDivisionError: division by zero",
    ]
    assert "in_browser" not in ran.error


@pytest.mark.parametrize(("code", "error"), [("0", None), ("None", None), ("3", "SystemExit: 3")])
def test_run_treats_sys_exit_as_python_does(code: str, error: str | None) -> None:
    assert in_browser.run(f"import sys\nsys.exit({code})\n").error == error


def test_run_file_prints_what_the_tutorial_prints() -> None:
    ran = in_browser.run_file(str(ROOT / "tutorials" / "02_update_cache_by_hand.py"))
    assert ran == in_browser.Ran((EXPECTED / "02_update_cache_by_hand.txt").read_text(), "", None)


# --- In the built site, in Chromium ---------------------------------------------------------


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """Serve build/site, counting what it sends: the browser's cache shows as bytes not sent."""
    if not (SITE / "assets" / "pyodide" / "manifest.json").is_file():
        pytest.fail("build/site has no in-browser Python: build it with `make docs-build`")
    with serve(SITE) as served:
        yield served


@dataclass
class Browser:
    """One Chromium page on the first exercise, its runtime loaded once for every test."""

    page: Page
    served: Served
    outside: list[str]
    measured: dict[str, object]

    def check(self, source: str, **options: object) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate(
            "([source, options]) => window.llmCacheReference.check(source, options)",
            [source, options],
        )
        return result

    def run_file(self, path: str, argv: tuple[str, ...] = ()) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate(
            "([path, argv]) => window.llmCacheReference.runFile(path, argv)", [path, list(argv)]
        )
        return result

    def visit(self, path: str) -> None:
        """Open a page that runs Python and wait until its runtime is ready."""
        self.page.goto(self.served.origin + path, wait_until="load")
        self.page.evaluate("() => window.llmCacheReference.ready()")


@pytest.fixture(scope="module")
def browser(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = chromium_executable("Python in the page")
    outside: list[str] = []

    def note_if_outside(request: Request) -> None:
        if urlsplit(request.url).scheme in ("http", "https", "ws", "wss") and not (
            request.url.startswith(served.origin + "/")
        ):
            outside.append(request.url)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        # A profile of its own, as a person's browser has: its HTTP cache is on disk, and
        # keeps the 9.6 MB runtime (a context without one caches in memory, and not that).
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            executable_path=chromium,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        # Watched, not routed: Playwright turns the HTTP cache off when it routes requests,
        # and the later visits measure that cache.
        context.on("request", note_if_outside)
        page = context.pages[0]
        # Loading the runtime takes 9-40 s on a busy 2-core machine; a check, under a second.
        page.set_default_timeout(180_000)
        started = time.monotonic()
        page.goto(served.origin + "/workshop/exercise-1-write-back/", wait_until="load")
        _screenshot(page, "exercise-1-before-check")
        page.evaluate("() => window.llmCacheReference.ready()")
        measured: dict[str, object] = {
            "first visit: seconds to ready": round(time.monotonic() - started, 1),
            "first visit: bytes sent": served.total(),
        }
        yield Browser(page, served, outside, measured)
        context.close()
    MEASUREMENTS.write_text(json.dumps(measured, indent=1) + "\n")


def _screenshot(page: Page, name: str) -> None:
    page.locator(".llmcr-exercise").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / f"{name}.png", animations="disabled")


def _command_line_report(tmp_path: Path, source: str, *args: str) -> tuple[int, str]:
    """What the command line prints for this source saved where the exercise page saves it.

    In a process of its own: while Playwright's sync API runs, this process has an event
    loop running, so here asyncio.run, and with it every async case, would fail.
    """
    path = tmp_path / in_browser.EXERCISE_PATH
    path.parent.mkdir(parents=True)
    path.write_text(source)
    command = [sys.executable, "-m", "llm_cache_reference", "check", in_browser.EXERCISE_PATH]
    ran = subprocess.run(
        [*command, *args], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert ran.stderr == ""
    return ran.returncode, ran.stdout


def test_the_exercise_page_checks_the_solution_as_the_command_line_does(
    browser: Browser, tmp_path: Path
) -> None:
    page = browser.page
    _type_into_editor(page, SOLUTION.read_text())
    started = time.monotonic()
    page.get_by_role("button", name="Check step 1").click()
    report = page.locator(".llmcr-output[data-verdict] pre")
    report.wait_for()
    browser.measured["a step 1 check in the page, seconds"] = round(time.monotonic() - started, 2)
    started = time.monotonic()
    status, stdout = _command_line_report(tmp_path, SOLUTION.read_text(), "--step=1")
    browser.measured["the same check on the command line, seconds"] = round(
        time.monotonic() - started, 2
    )
    assert f"{report.text_content()}\n" == stdout
    assert stdout.endswith(" pass; all agree with langchain-core.\n")
    assert status == 0
    assert page.locator(".llmcr-output").get_attribute("data-verdict") == "agree"
    progress = page.locator(".llmcr-exercise .llmcr-progress")
    assert progress.text_content() == (
        "Your progress line (as check --summary prints it): step 1: "
        f"{counts(stdout)[0]} of {counts(stdout)[0]} agree"
    )
    _screenshot(page, "exercise-1-after-check")


def test_the_page_api_checks_every_step_of_the_solution(browser: Browser) -> None:
    checked = browser.check(SOLUTION.read_text())
    assert (checked["failed"], checked["errors"], checked["notAttempted"]) == (0, 0, 0)
    total = checked["passed"]
    assert total == counts(checked["report"])[0] >= 50
    assert checked["report"].endswith(
        f"{total} cases: {total} pass; all agree with langchain-core."
    )


@pytest.mark.parametrize(
    ("broken", "step"),
    [
        ("broken_truthiness.py", 1),
        ("broken_forgets_existing_prompts.py", 1),
        ("broken_missing_await.py", 3),
    ],
)
def test_a_broken_file_fails_in_the_page_as_on_the_command_line(
    browser: Browser, tmp_path: Path, broken: str, step: int
) -> None:
    source = (BROKEN / broken).read_text()
    checked = browser.check(source, step=step)
    status, stdout = _command_line_report(tmp_path, source, f"--step={step}")
    assert (checked["report"] + "\n", checked["exitStatus"]) == (stdout, status)
    assert status == 1
    found = (checked["passed"], checked["failed"], checked["errors"], checked["notAttempted"])
    assert found == counts(stdout)
    assert checked["failed"] + checked["errors"] > 0


@pytest.mark.parametrize(
    ("hanging", "step"), [("hangs_update_cache.py", 1), ("all_four_hang.py", None)]
)
def test_a_helper_that_hangs_gets_the_command_lines_verdict_in_the_page(
    browser: Browser, tmp_path: Path, hanging: str, step: int | None
) -> None:
    source = (BROKEN / hanging).read_text()
    checked = browser.check(source, step=step, timeLimit=0.5)
    steps = [f"--step={step}"] if step else []
    status, stdout = _command_line_report(tmp_path, source, *steps, "--time-limit=0.5")
    assert (checked["report"] + "\n", checked["exitStatus"]) == (stdout, status)
    assert "Your helper did not finish within 0.5 s, so it was stopped" in stdout


def test_a_helper_that_awaits_for_ever_gets_a_verdict_in_the_page(browser: Browser) -> None:
    checked = browser.check(AWAITS_FOR_EVER, step=3, timeLimit=0.3)
    assert checked["errors"] == counts(checked["report"])[2] > 1
    assert checked["report"].count("Your helper did not finish within 0.3 s, so it was") == 1


def test_a_helper_that_spins_after_its_first_await_is_stopped_in_the_page(
    browser: Browser,
) -> None:
    checked = browser.check(SPINS_AFTER_AWAIT, step=3, timeLimit=0.5)
    assert checked["errors"] == counts(checked["report"])[2] > 1
    assert checked["report"].count("Your helper did not finish within 0.5 s, so it was") == 1
    assert "restarted" not in checked["report"]


def test_a_helper_that_sleeps_is_stopped_at_the_limit_in_the_page(browser: Browser) -> None:
    checked = browser.check(SLEEPS, step=1, timeLimit=0.5)
    assert checked["errors"] == counts(checked["report"])[2] > 1
    assert checked["report"].count("Your helper did not finish within 0.5 s, so it was") == 1
    assert "restarted" not in checked["report"]


def test_a_file_that_tampers_at_import_changes_no_later_check_in_the_page(
    browser: Browser,
) -> None:
    browser.check((BROKEN / "tampers_at_import.py").read_text())
    checked = browser.check(SOLUTION.read_text())
    assert (checked["failed"], checked["errors"], checked["exitStatus"]) == (0, 0, 0)


def test_the_status_names_the_pages_python(browser: Browser) -> None:
    # A page of its own: the shared page's status line says what its last check did.
    page = browser.page.context.new_page()
    try:
        page.goto(browser.served.origin + "/tutorials/01-cache-in-one-call/", wait_until="load")
        page.evaluate("() => window.llmCacheReference.ready()")
        version = page.evaluate("() => window.llmCacheReference.info.python")
        status = page.locator(".llmcr-status").first.text_content() or ""
    finally:
        page.close()
    assert re.fullmatch(r"3\.1[4-9]\.\d+", version)
    assert status.startswith(f"Python {version} is ready (loaded in ")
    assert status.endswith(" s), in your browser.")


@pytest.mark.parametrize(
    "name",
    [
        "01_cache_in_one_call",
        "02_update_cache_by_hand",
        "04_resolving_cache",
        "05_when_things_go_wrong",
        "07_drop_in",
    ],
)
def test_a_tutorial_prints_in_the_page_what_it_prints_here(browser: Browser, name: str) -> None:
    ran = browser.run_file(f"tutorials/{name}.py")
    assert ran == {"stdout": (EXPECTED / f"{name}.txt").read_text(), "stderr": "", "error": None}


def test_the_sqlite_tutorial_remembers_across_runs_in_the_page(browser: Browser) -> None:
    runs = [browser.run_file("tutorials/06_sqlite_cache.py", ("llm-cache.sqlite3",)) for _ in "12"]
    assert [run["stdout"] for run in runs] == [
        (EXPECTED / "06_sqlite_cache.txt").read_text(),
        (EXPECTED / "06_sqlite_cache.run2.txt").read_text(),
    ]


def test_the_async_tutorial_differs_in_the_page_only_where_its_page_says(
    browser: Browser,
) -> None:
    ran = browser.run_file("tutorials/03_async_twin.py")
    expected = (EXPECTED / "03_async_twin.txt").read_text()
    threads = "    update() ran in: a worker thread, a worker thread\n"
    in_place = "    update() ran in: the main thread, the main thread\n"
    assert threads in expected
    assert ran["stdout"] == expected.replace(threads, in_place)
    page = (ROOT / "docs" / "tutorials" / "03-async-twin.md").read_text()
    assert f"`{in_place.strip()}`" in page


def test_the_setup_check_runs_in_the_page_and_prints_what_it_prints_here(
    browser: Browser,
) -> None:
    # It checks the exercise file where the page keeps it: the starter, as in a fresh clone.
    browser.check(STARTER.read_text(), step=1)
    ran = browser.run_file("tutorials/00_setup_check.py")
    expected = (EXPECTED / "00_setup_check.txt").read_text()
    assert ran == {"stdout": expected, "stderr": "", "error": None}


def test_the_editor_indents_highlights_and_lets_the_keyboard_leave(browser: Browser) -> None:
    page = browser.page
    browser.visit("/workshop/exercise-1-write-back/")
    _type_into_editor(page, "")
    page.locator(".llmcr-exercise .cm-content").click()
    page.keyboard.type("def f():")
    page.keyboard.press("Enter")
    page.keyboard.type("x = 1")
    typed = _editor_text(page)
    page.keyboard.press("Shift+Tab")
    dedented = _editor_text(page)
    page.keyboard.press("Tab")
    indented = _editor_text(page)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    left = page.evaluate("() => document.activeElement.closest('.cm-editor') === null")
    numbers = page.locator(".llmcr-exercise .cm-lineNumbers .cm-gutterElement").all_text_contents()
    keyword = page.locator(".llmcr-exercise .cm-line span", has_text="def").first
    colour = keyword.evaluate("(span) => getComputedStyle(span).color")
    plain = page.locator(".llmcr-exercise .cm-content").evaluate(
        "(content) => getComputedStyle(content).color"
    )
    assert (typed, dedented, indented) == (
        "def f():\n    x = 1",
        "def f():\nx = 1",
        "def f():\n    x = 1",
    )
    assert left
    assert {"1", "2"} <= set(numbers)
    assert colour != plain  # `def` is highlighted as a keyword


def test_code_run_in_the_page_cannot_open_the_solutions(browser: Browser) -> None:
    ran = browser.page.evaluate(
        "(source) => window.llmCacheReference.run(source)",
        "from pathlib import Path\n"
        "print(Path('tutorials/exercises/my_cache_helpers.py').is_file())\n"
        "print(list(Path('tutorials/exercises').glob('solutions/*')))\n",
    )
    assert ran == {"stdout": "True\n[]\n", "stderr": "", "error": None}


def test_the_exercise_editor_downloads_the_learners_file(browser: Browser) -> None:
    page = browser.page
    _type_into_editor(page, "# mine\n")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my_cache_helpers.py").click()
    assert download.value.suggested_filename == "my_cache_helpers.py"
    assert Path(download.value.path()).read_text() == "# mine\n"


def test_the_learners_code_survives_a_reload(browser: Browser) -> None:
    page = browser.page
    _type_into_editor(page, SOLUTION.read_text() + "# survived\n")
    before = browser.served.total()
    started = time.monotonic()
    browser.visit("/workshop/exercise-1-write-back/")
    browser.measured["later visit: seconds to ready"] = round(time.monotonic() - started, 1)
    browser.measured["later visit: bytes sent"] = browser.served.total() - before
    assert _editor_text(page).endswith("# survived\n")
    page.once("dialog", lambda dialog: dialog.accept())  # "Replace your code?"
    page.get_by_role("button", name="Start again from the starter file").click()
    assert _editor_text(page) == STARTER.read_text().rstrip("\n") + "\n"


def test_a_tutorial_page_runs_its_script_with_its_button(browser: Browser) -> None:
    page = browser.page
    page.goto(browser.served.origin + "/tutorials/01-cache-in-one-call/", wait_until="load")
    page.get_by_role("button", name="Run in the browser").click()
    page.locator(".llmcr-run[data-ran='1']").wait_for()
    shown = page.locator(".llmcr-run .llmcr-output pre").text_content()
    assert shown == (EXPECTED / "01_cache_in_one_call.txt").read_text()


def test_the_home_page_runs_its_thirty_second_example(browser: Browser) -> None:
    page = browser.page
    page.goto(browser.served.origin + "/", wait_until="load")
    page.get_by_role("button", name="Run in the browser").click()
    page.locator(".llmcr-run[data-ran='1']").wait_for()
    shown = page.locator(".llmcr-run .llmcr-output pre").text_content()
    home = (ROOT / "docs" / "index.md").read_text()
    outputs = [
        textwrap.dedent(output)
        for output in re.findall(r'```text title="Output"\n(.*?) *```', home, re.DOTALL)
    ]
    assert shown == "".join(outputs)  # both tabs run, as the suite runs them


def _requests(page: Page) -> list[str]:
    """The paths `page` asks for from now on, from the cache or not, as they are asked."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    return asked


def test_the_runtime_is_fetched_only_when_python_runs(browser: Browser) -> None:
    page = browser.page.context.new_page()
    asked = _requests(page)
    try:
        for path in ("/explanation/cache-key/", "/workshop/exercise-2-resolving-cache/"):
            page.goto(browser.served.origin + path, wait_until="load")
        page.locator(".llmcr-exercise .llmcr-editor").wait_for()
    finally:
        page.close()
    assert "/assets/js/python-in-page.js" in asked
    assert [path for path in asked if path.startswith("/assets/pyodide/")] == []


def test_a_link_to_the_next_exercise_keeps_the_loaded_runtime(browser: Browser) -> None:
    page = browser.page
    browser.visit("/workshop/exercise-1-write-back/")
    page.evaluate("() => { window.stillTheSameDocument = true; }")
    asked = _requests(page)
    started = time.monotonic()
    page.locator(".md-footer__link--next").click()  # to exercise 2, by the theme's own link
    page.wait_for_url("**/workshop/exercise-2-resolving-cache/")
    page.locator(".llmcr-exercise .llmcr-editor").wait_for()
    page.evaluate("() => window.llmCacheReference.ready()")
    browser.measured["next page by a link: seconds to ready"] = round(time.monotonic() - started, 2)
    assert page.evaluate("() => window.stillTheSameDocument") is True
    assert [path for path in asked if path.startswith("/assets/pyodide/")] == []
    status = page.locator(".llmcr-exercise .llmcr-status").text_content() or ""
    assert re.fullmatch(
        r"Python 3\.\d+\.\d+ is ready \(loaded in [\d.]+ s\), in your browser\.", status
    )
    checked = page.get_by_role("button", name="Check step 2")
    checked.click()
    page.locator(".llmcr-exercise .llmcr-output[data-verdict]").wait_for()


def test_two_exercise_tabs_keep_their_own_code(browser: Browser) -> None:
    context = browser.page.context
    origin = browser.served.origin
    tabs = {step: context.new_page() for step in ("1", "2", "1 again")}
    try:
        pages = {
            "1": "/workshop/exercise-1-write-back/",
            "2": "/workshop/exercise-2-resolving-cache/",
            "1 again": "/workshop/exercise-1-write-back/",
        }
        for step, tab in tabs.items():
            tab.goto(origin + pages[step], wait_until="load")
            tab.locator(".llmcr-exercise[data-set-up] .llmcr-editor").wait_for()
        _type_into_editor(tabs["1"], "# exercise 1\n")
        _type_into_editor(tabs["2"], "# exercise 2\n")
        # The same exercise open twice: the other tab shows the change, nothing is lost.
        tabs["1 again"].wait_for_function(
            "() => document.querySelector('.llmcr-exercise').editor?.value === '# exercise 1\\n'"
        )
        for tab in tabs.values():
            tab.reload(wait_until="load")
            tab.locator(".llmcr-exercise[data-set-up] .llmcr-editor").wait_for()
        values = {step: _editor_text(tab) for step, tab in tabs.items()}
    finally:
        for tab in tabs.values():
            tab.close()
    assert values == {"1": "# exercise 1\n", "2": "# exercise 2\n", "1 again": "# exercise 1\n"}


def test_all_exercise_files_download_and_restore_at_once(browser: Browser, tmp_path: Path) -> None:
    page = browser.page.context.new_page()
    origin = browser.served.origin
    try:
        for number, path in enumerate(
            ("/workshop/exercise-1-write-back/", "/workshop/exercise-2-resolving-cache/"), 1
        ):
            page.goto(origin + path, wait_until="load")
            page.locator(".llmcr-exercise .llmcr-editor").wait_for()
            _type_into_editor(page, f"# mine, exercise {number}\n")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download all my exercise files").click()
        bundle = tmp_path / download.value.suggested_filename
        download.value.save_as(bundle)
        page.evaluate("() => localStorage.clear()")
        page.reload(wait_until="load")
        page.locator(".llmcr-exercise .llmcr-editor").wait_for()
        starter = _editor_text(page)
        page.locator(".llmcr-exercise input[type=file]").set_input_files(bundle)
        page.wait_for_function(
            "() => document.querySelector('.llmcr-exercise').editor.value.startsWith('# mine')"
        )
        restored = _editor_text(page)
        status = page.locator(".llmcr-exercise .llmcr-status").text_content()
    finally:
        page.close()
    assert bundle.name == "llm-cache-reference-exercises.json"
    assert json.loads(bundle.read_text()) == {
        "files": {
            "exercise-1/my_cache_helpers.py": "# mine, exercise 1\n",
            "exercise-2/my_cache_helpers.py": "# mine, exercise 2\n",
        }
    }
    assert starter.startswith('"""')
    assert restored == "# mine, exercise 2\n"
    assert status == f"Restored 2 exercise files from {bundle.name}."


def test_at_390_px_the_report_fits_its_box(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = browser.page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        browser.visit("/workshop/exercise-1-write-back/")
        source = (BROKEN / "broken_truthiness.py").read_text()
        _type_into_editor(page, source)
        page.get_by_role("button", name="Check step 1").click()
        report = page.locator(".llmcr-output[data-verdict] pre")
        report.wait_for()
        box = report.evaluate(
            "(pre) => ({scroll: pre.scrollWidth, client: pre.clientWidth,"
            " right: pre.getBoundingClientRect().right, page: innerWidth})"
        )
        text = report.text_content() or ""
        columns = int(
            page.locator(".llmcr-output[data-verdict]").get_attribute("data-columns") or 0
        )
        _screenshot(page, "exercise-1-after-failing-check-390")
        # The same file checked again: the page remembers what it showed failing.
        page.get_by_role("button", name="Check step 1").click()
        page.locator(".llmcr-output[data-verdict] pre").wait_for()
        again = report.text_content() or ""
        _screenshot(page, "exercise-1-after-second-failing-check-390")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    assert 30 <= columns < 60
    monkeypatch.chdir(tmp_path)  # the report names the file where the page saves it
    first = in_browser.check(source, step=1, width=columns)
    assert text == first.report
    assert " FAIL" in text
    assert "think first" in text
    assert (
        again == in_browser.check(source, step=1, width=columns, seen_before=first.differing).report
    )
    assert "think first" not in again
    assert "why it matters" in again
    assert box["scroll"] <= box["client"]
    assert box["right"] <= box["page"]


def test_no_request_left_127_0_0_1(browser: Browser) -> None:
    assert browser.outside == []
    assert browser.served.sent["/assets/pyodide/pyodide.asm.wasm"] > 1_000_000
