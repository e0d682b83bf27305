"""The workshop checker, on good, broken and unusable files.

`check` runs the learner's code in a child process, whose lines coverage does
not see; the child's side (`run_in_child`, `_child_main`) is also called here,
in-process. The full printed reports are compared in `test_recorded_runs.py`.
"""

from __future__ import annotations

import multiprocessing
import re
import runpy
import sys
import textwrap
import types
from dataclasses import replace
from pathlib import Path

import pytest
from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference import checker
from llm_cache_reference.__main__ import main
from llm_cache_reference.cases import CASES, CASES_BY_NAME
from llm_cache_reference.checker import (
    CheckError,
    Loaded,
    LoadFailed,
    Message,
    Observed,
    check,
    run_in_child,
)
from llm_cache_reference.harness import CacheContents, observe

INPUTS = "tests/checker_inputs"
STARTER = "tutorials/exercises/my_cache_helpers.py"
SOLUTION = "tutorials/exercises/solutions/solved_cache_helpers.py"
REFERENCE = "reference/llm_cache_reference/cache_helpers.py"

# A stand-in for a learner's file: the reference's helpers, under the names given.
DELEGATES = "import llm_cache_reference as reference\n"


@pytest.fixture(autouse=True)
def _from_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)


def _with_status(report: checker.Report, status: str) -> list[str]:
    return [row.case.name for row in report.rows if row.status == status]


def _learner_file(tmp_path: Path, source: str, *, delegating: bool = False) -> str:
    path = tmp_path / "learner.py"
    path.write_text((DELEGATES if delegating else "") + textwrap.dedent(source))
    return str(path)


def _cannot_check(path: str, time_limit: float = checker.DEFAULT_TIME_LIMIT) -> str:
    with pytest.raises(CheckError) as raised:
        check(path, time_limit=time_limit)
    return str(raised.value)


@pytest.mark.parametrize("path", [REFERENCE, SOLUTION])
def test_the_reference_and_the_solution_pass_every_case(path: str) -> None:
    report = check(path)
    assert [row.case for row in report.rows] == sorted(CASES, key=lambda case: case.step)
    assert _with_status(report, "pass") == [row.case.name for row in report.rows]
    assert report.exit_status == 0


@pytest.mark.parametrize("step", sorted(checker.STEPS))
def test_the_starter_fails_every_case_of_every_step(step: int) -> None:
    report = check(STARTER, step=step)
    assert [row.case for row in report.rows] == [case for case in CASES if case.step == step]
    assert report.rows
    for row in report.rows:
        assert row.status == "FAIL"
        assert row.observed is not None
        assert row.observed.outcome is not None
        assert row.observed.outcome.raised == "NotImplementedError"
        assert row.expected.raised != "NotImplementedError"
    assert report.exit_status == 1
    shown = checker.render(report)
    assert shown.count("| langchain-core did") == len(report.rows)
    # The lookup helpers return their existing_prompts, so no outcome shows one apart.
    assert ("existing_prompts:" in shown) == (step != 4)


def test_a_truthiness_check_fails_only_the_falsy_cache_case() -> None:
    report = check(f"{INPUTS}/broken_truthiness.py")
    assert _with_status(report, "FAIL") == ["falsy-cache-still-written[update_cache]"]
    assert _with_status(report, "pass") == [
        row.case.name
        for row in report.rows
        if row.case.scenario.function == "update_cache" and row.status != "FAIL"
    ]
    assert {
        CASES_BY_NAME[name].scenario.function for name in _with_status(report, "not attempted")
    } == {
        "aupdate_cache",
        "get_prompts",
        "aget_prompts",
    }
    [row] = [row for row in report.rows if row.status == "FAIL"]
    assert row.observed is not None
    assert row.observed.outcome is not None
    assert row.observed.outcome.calls == ()
    assert row.observed.outcome.cached == (CacheContents("cache", ()),)
    assert report.exit_status == 1


def test_forgetting_existing_prompts_fails_wherever_something_is_written() -> None:
    report = check(f"{INPUTS}/broken_forgets_existing_prompts.py", step=1)
    assert _with_status(report, "pass") == ["no-generations[update_cache]"]
    for row in report.rows:
        if row.status == "pass":
            continue
        # Left as the call found it: as langchain-core leaves it when there is nothing to write.
        untouched = observe(replace(row.case.scenario, generations=0), langchain_llms)
        assert row.observed is not None
        assert row.observed.outcome is not None
        assert row.observed.outcome.existing_prompts == untouched.existing_prompts
        assert row.expected.existing_prompts != untouched.existing_prompts


def test_a_missing_await_writes_nothing_and_python_says_so() -> None:
    report = check(f"{INPUTS}/broken_missing_await.py", step=3)
    # As the workshop guide says: the cases that write fail, the others pass.
    writing = [row.case.name for row in report.rows if row.expected.calls]
    assert writing
    assert _with_status(report, "FAIL") == writing
    assert report.count("pass") == len(report.rows) - len(writing)
    row = next(row for row in report.rows if row.case.name == "hits-and-misses[aupdate_cache]")
    assert row.status == "FAIL"
    assert row.observed is not None
    assert row.observed.outcome is not None
    assert row.observed.outcome.calls == ()
    assert (
        row.observed.warnings == ("coroutine 'AsyncRecordingCache.aupdate' was never awaited",) * 2
    )
    assert "Python warned (2x): coroutine 'AsyncRecordingCache.aupdate' was never awaited" in (
        checker.render(report)
    )
    # Where nothing would have been written anyway, forgetting the await goes unnoticed.
    assert "none-without-global[aupdate_cache]" in _with_status(report, "pass")


def test_helpers_of_the_wrong_kind_are_errors_that_say_how_to_define_them(
    tmp_path: Path,
) -> None:
    path = _learner_file(
        tmp_path,
        """
        aupdate_cache = reference.update_cache
        get_prompts = reference.aget_prompts
        update_cache = 42
        """,
        delegating=True,
    )
    report = check(
        path,
        cases=(
            CASES_BY_NAME["hits-and-misses[aupdate_cache]"],
            CASES_BY_NAME["lookup-falsy-cache[get_prompts]"],
            CASES_BY_NAME["hits-and-misses[update_cache]"],
        ),
    )
    problems = [row.observed.problem if row.observed else None for row in report.rows]
    assert problems == [
        "update_cache should be an async function: define it with async def",
        "aget_prompts should be a plain (sync) function: define it with def, not async def",
        "update_cache is a int, not a function",
    ]
    assert [row.status for row in report.rows] == ["ERROR"] * 3
    assert report.exit_status == 1


def test_a_helper_that_never_returns_is_stopped_and_the_rest_still_run(tmp_path: Path) -> None:
    path = _learner_file(
        tmp_path,
        """
        import asyncio

        def update_cache(cache, existing_prompts, llm_string, idxs, new_results, prompts):
            while not new_results.generations:  # a loop whose condition never changes
                pass
            return reference.update_cache(
                cache, existing_prompts, llm_string, idxs, new_results, prompts
            )

        async def aupdate_cache(*args):
            await asyncio.Event().wait()  # nothing will ever set it
        """,
        delegating=True,
    )
    names = (
        "no-generations[update_cache]",
        "hits-and-misses[aupdate_cache]",
        "hits-and-misses[update_cache]",
    )
    report = check(path, time_limit=1, cases=tuple(CASES_BY_NAME[name] for name in names))
    assert [row.status for row in report.rows] == ["ERROR", "ERROR", "pass"]
    assert {row.observed.problem for row in report.rows[:2] if row.observed} == {
        "Your helper did not finish within 1 s, so it was stopped"
    }
    pattern = r"^ {6}\| returned: +llm_output +\| Your helper did not finish within 1 s, so it"
    assert len(re.findall(pattern, checker.render(report), re.MULTILINE)) == 2


def test_a_helper_that_ends_the_process_is_reported_and_the_rest_still_run(
    tmp_path: Path,
) -> None:
    path = _learner_file(
        tmp_path,
        """
        import os, sys
        get_prompts = reference.get_prompts

        def update_cache(*args):
            os._exit(3)

        async def aget_prompts(*args):
            sys.exit("done")
        """,
        delegating=True,
    )
    names = (
        "hits-and-misses[update_cache]",
        "lookup-hits-and-misses[aget_prompts]",
        "lookup-hits-and-misses[get_prompts]",
    )
    report = check(path, cases=tuple(CASES_BY_NAME[name] for name in names))
    assert [row.observed.problem if row.observed else None for row in report.rows] == [
        "Your helper ended the checking process (exit code 3)",
        "SystemExit escaped: done",
        None,
    ]
    assert [row.status for row in report.rows] == ["ERROR", "ERROR", "pass"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def update_cache(:\n",
            "{path} is not valid Python: invalid syntax (line 1). Fix that line, then run the"
            " check again.",
        ),
        (
            "x = 1\nraise RuntimeError('no network here')\n",
            "Importing {path} raised RuntimeError at line 2: no network here. The checker"
            " imports your file before it runs anything in it, so code at the top level must"
            " run without errors; put experiments under `if __name__ == '__main__':`.",
        ),
        (
            "import sys\nsys.exit(0)\n",
            "Importing {path} raised SystemExit at line 2: 0. The checker imports your file"
            " before it runs anything in it, so code at the top level must run without"
            " errors; put experiments under `if __name__ == '__main__':`.",
        ),
        (
            "import os\nos._exit(4)\n",
            "Importing {path} ended the checking process (exit code 4). Does the file run a"
            " loop, wait for input or exit at the top level? Put such code under"
            " `if __name__ == '__main__':`.",
        ),
        (
            "def update(): pass\n",
            "{path} defines none of update_cache, aupdate_cache, get_prompts, aget_prompts,"
            " so there is nothing to check. The checker looks for functions with exactly"
            " these names at the top level.",
        ),
    ],
    ids=["syntax-error", "raises-on-import", "exits-on-import", "dies-on-import", "no-helpers"],
)
def test_a_file_that_cannot_be_checked_gets_one_paragraph(
    tmp_path: Path, source: str, message: str
) -> None:
    path = _learner_file(tmp_path, source)
    assert _cannot_check(path) == message.format(path=path)


def test_a_file_that_never_finishes_importing_is_stopped(tmp_path: Path) -> None:
    path = _learner_file(tmp_path, "while True:\n    pass\n")
    assert _cannot_check(path, time_limit=1) == (
        f"Importing {path} did not finish within 1 s, so it was stopped. Does the file run a"
        " loop, wait for input or exit at the top level? Put such code under"
        " `if __name__ == '__main__':`."
    )


@pytest.mark.parametrize("path", ["no/such/file.py", "tests"])
def test_a_path_that_is_not_a_file_is_refused(path: str) -> None:
    assert _cannot_check(path).startswith(f"There is no file at {path}. Give the path")


def test_the_child_side_runs_in_process_too(tmp_path: Path) -> None:
    sent: list[Message] = []
    names = ["hits-and-misses[update_cache]", "lookup-falsy-cache[get_prompts]"]
    run_in_child(SOLUTION, names, sent.append)
    assert [type(message) for message in sent] == [Loaded, Observed, Observed]
    assert isinstance(sent[0], Loaded)
    assert sent[0].defined == ("update_cache", "aupdate_cache", "get_prompts", "aget_prompts")
    assert [m.case_name for m in sent[1:] if isinstance(m, Observed)] == names

    sent.clear()
    run_in_child(_learner_file(tmp_path, "("), names, sent.append)
    assert len(sent) == 1
    assert isinstance(sent[0], LoadFailed)

    receiver, sender = multiprocessing.Pipe(duplex=False)
    checker._child_main(f"{INPUTS}/broken_truthiness.py", tuple(names), sender)
    assert receiver.recv() == Loaded(("update_cache",))
    observed = receiver.recv()
    assert isinstance(observed, Observed)
    assert observed.case_name == names[0]
    with pytest.raises(EOFError):  # the lookup case is not run: no get_prompts
        receiver.recv()


def test_the_report_names_the_step_and_the_missing_helpers() -> None:
    text = checker.render(check(f"{INPUTS}/broken_truthiness.py", step=2))
    assert text.splitlines()[0] == (
        f"Checking {INPUTS}/broken_truthiness.py against langchain-core, step 2 (resolving cache)."
    )
    step_2 = sum(case.step == 2 for case in CASES)
    assert text.splitlines()[-1] == f"{step_2} cases: {step_2} pass; all agree with langchain-core."
    text = checker.render(check(f"{INPUTS}/broken_missing_await.py", step=4))
    step_4 = sum(case.step == 4 for case in CASES)
    assert text.splitlines()[-1] == (
        f"{step_4} cases: 0 pass, {step_4} not attempted (no get_prompts, no aget_prompts in"
        " the file); not there yet."
    )


def test_the_command_line_exits_2_with_a_message_for_bad_input(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "missing.py"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Cannot check: There is no file at missing.py.")


def test_the_command_line_refuses_a_time_limit_that_is_not_positive(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", SOLUTION, "--time-limit", "0"])
    assert exited.value.code == 2
    assert "must be a number of seconds above 0, not 0" in capsys.readouterr().err


def test_python_dash_m_runs_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["llm_cache_reference", "check", "missing.py"])
    monkeypatch.delitem(sys.modules, "llm_cache_reference.__main__")  # imported above
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("llm_cache_reference", run_name="__main__")
    assert exited.value.code == 2
    assert "There is no file at missing.py" in capsys.readouterr().err


def test_the_command_line_prints_the_report_and_exits_1_when_a_case_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", f"{INPUTS}/broken_truthiness.py", "--step=1", "--time-limit=5"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^1 +falsy-cache-still-written\[update_cache\] +FAIL$", out, re.MULTILINE)
    step_1 = sum(case.step == 1 for case in CASES)
    assert out.endswith(f"{step_1} cases: {step_1 - 1} pass, 1 fail; not there yet.\n")


def test_the_child_side_reports_problems_in_process_too(tmp_path: Path) -> None:
    learner = types.SimpleNamespace(
        update_cache=42,
        aupdate_cache=llm_cache_reference.update_cache,
        get_prompts=lambda *args: sys.exit("bye"),
    )
    problems = [
        checker.observe_candidate(CASES_BY_NAME[name], learner).problem
        for name in (
            "hits-and-misses[update_cache]",
            "hits-and-misses[aupdate_cache]",
            "lookup-falsy-cache[get_prompts]",
        )
    ]
    assert problems == [
        "update_cache is a int, not a function",
        "update_cache should be an async function: define it with async def",
        "SystemExit escaped: bye",
    ]
    with pytest.raises(CheckError, match=r"raised ZeroDivisionError at line 2: division by zero"):
        checker.load_candidate(_learner_file(tmp_path, "x = 1\nx / 0\n"))


def _section(path: str, name: str) -> str:
    text = Path(path).read_text()
    start = text.index(f"# --8<-- [start:{name}]")
    return text[start : text.index(f"# --8<-- [end:{name}]")]


def test_after_step_1_the_stand_in_passes_the_step_2_cases_the_exercise_page_says(
    tmp_path: Path,
) -> None:
    header = "from __future__ import annotations\nfrom typing import Any\n"
    header += "from langchain_core.caches import BaseCache\n"
    header += "from langchain_core.outputs import Generation, LLMResult\n"
    path = tmp_path / "learner.py"
    path.write_text(header + _section(SOLUTION, "step1") + _section(STARTER, "step2"))
    report = check(str(path), step=2)
    assert _with_status(report, "pass") == [
        "instance-beats-global[update_cache]",
        "none-without-global[update_cache]",
        "false-ignores-global[update_cache]",
    ]
    assert check(str(path), step=1).exit_status == 0


def test_ctrl_c_ends_the_command_line_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> checker.Report:
        raise KeyboardInterrupt

    monkeypatch.setattr(checker, "check", interrupted)
    assert main(["check", SOLUTION]) == 130
    assert capsys.readouterr().err == "Check interrupted.\n"


def test_a_learner_file_can_import_the_module_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))  # the import adds the file's folder
    (tmp_path / "my_helpers.py").write_text(DELEGATES + "update_cache = reference.update_cache\n")
    path = _learner_file(tmp_path, "from my_helpers import update_cache\n")
    report = check(path, step=1)
    assert report.count("pass") == len(report.rows) == sum(case.step == 1 for case in CASES)
    assert report.exit_status == 0
    for _ in range(2):  # in this process too, and the folder goes on sys.path only once
        assert checker.load_candidate(path).update_cache is llm_cache_reference.update_cache
    assert sys.path.count(str(tmp_path.resolve())) == 1
