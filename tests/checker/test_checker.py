"""The workshop checker, on good, broken and unusable files.

`check` runs the learner's code in child processes, whose lines coverage does
not see; the child's side (`run_in_child`, `_child_main`, `cap_memory`) is also
called here, in-process, and `check_module` runs the same cases in-process.
The full printed reports are compared in `test_recorded_runs.py`. Time limits
here are short (the helpers that hang are stopped after half a second); no
test asserts on time.
"""

from __future__ import annotations

import ctypes
import importlib
import multiprocessing
import os
import re
import resource
import runpy
import signal
import subprocess
import sys
import textwrap
import time
import types
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference import checker, interrupt
from llm_cache_reference.cases import CASES, CASES_BY_NAME, Case
from llm_cache_reference.checker import CheckError, check, check_module, judge, kinds, releases
from llm_cache_reference.checker import candidate as checker_candidate
from llm_cache_reference.checker import child as checker_child
from llm_cache_reference.checker import layout as checker_text
from llm_cache_reference.checker.candidate import Observed, Place, Raised
from llm_cache_reference.checker.child import Loaded, LoadFailed, Message, run_in_child
from llm_cache_reference.checker.cli import main
from llm_cache_reference.harness import CacheContents, observe
from site_build.hooks.learner_steps import step_lines

ROOT = Path(__file__).resolve().parents[2]
INPUTS = "tests/checker_inputs"
STARTER = "tutorials/exercises/my_cache_helpers.py"
SOLUTION = "tutorials/exercises/solutions/solved_cache_helpers.py"
REFERENCE = "reference/llm_cache_reference/cache_helpers.py"
SHORT = 0.5  # seconds: the time limit for the helpers here that hang
SMALL = 128 << 20  # bytes: the memory headroom for the helper here that runs away

# A stand-in for a learner's file: the reference's helpers, under the names given.
DELEGATES = "import llm_cache_reference as reference\n"
UPDATE_PARAMETERS = "cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts"


@pytest.fixture(autouse=True)
def _from_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


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


def _cases(*names: str) -> tuple[Case, ...]:
    return tuple(CASES_BY_NAME[name] for name in names)


def _step_sizes() -> dict[int, int]:
    return {step: sum(case.step == step for case in CASES) for step in checker.STEPS}


def _longest_line(text: str) -> int:
    return max(len(line) for line in text.splitlines())


# What good and broken files get.


@pytest.mark.parametrize("path", [REFERENCE, SOLUTION])
def test_the_reference_and_the_solution_pass_every_case(path: str) -> None:
    report = check(path)
    assert [row.case for row in report.rows] == sorted(CASES, key=lambda case: case.step)
    assert _with_status(report, "pass") == [row.case.name for row in report.rows]
    assert report.exit_status == 0


@pytest.mark.parametrize("step", sorted(checker.STEPS))
def test_the_starter_fails_every_case_of_every_step(step: int) -> None:
    report = check(STARTER, step=step)
    assert [row.case.step for row in report.rows] == [step] * _step_sizes()[step]
    for row in report.rows:
        assert row.status == "FAIL"
        assert row.observed is not None
        assert row.observed.outcome is not None
        assert row.observed.outcome.raised == "NotImplementedError"
        assert row.expected.raised != "NotImplementedError"
        assert row.observed.raised is not None
        assert row.observed.raised.where is not None
        assert row.observed.raised.where.file == STARTER
    assert report.exit_status == 1
    shown = checker_text.render(report, width=400)  # wide enough for side by side
    assert shown.count("| langchain-core did") == len(report.rows)
    # The lookup helpers return their existing_prompts, so no outcome shows one apart.
    assert ("existing_prompts:" in shown) == (step != 4)


def test_a_truthiness_check_fails_only_the_falsy_cache_case() -> None:
    report = check(f"{INPUTS}/broken_truthiness.py")
    # An empty global cache is falsy too: the truthiness check misses it as well.
    falsy = ["falsy-cache-still-written[update_cache]", "falsy-global-cache[update_cache]"]
    assert _with_status(report, "FAIL") == falsy
    assert len(_with_status(report, "pass")) == _step_sizes()[1] + _step_sizes()[2] - 2
    assert {
        CASES_BY_NAME[name].scenario.function for name in _with_status(report, "not attempted")
    } == {"aupdate_cache", "get_prompts", "aget_prompts"}
    row = next(row for row in report.rows if row.status == "FAIL")
    assert row.observed is not None
    assert row.observed.outcome is not None
    assert row.observed.outcome.calls == ()
    assert row.observed.outcome.cached == (CacheContents("cache", ()),)
    assert row.expected.differing(row.observed.outcome) == ("calls", "cached")
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
    shown = checker_text.render(report, width=80)
    assert "Python warned (2x): coroutine 'AsyncRecordingCache.aupdate' was never" in shown
    # Where nothing would have been written anyway, forgetting the await goes unnoticed.
    assert "none-without-global[aupdate_cache]" in _with_status(report, "pass")


def test_an_unexpected_exception_shows_its_message_and_the_learners_line() -> None:
    path = f"{INPUTS}/raises_unexpectedly.py"
    source = Path(path).read_text().splitlines()
    report = check(
        path, cases=_cases("hits-and-misses[update_cache]", "lookup-hits-and-misses[get_prompts]")
    )
    assert [row.status for row in report.rows] == ["FAIL", "FAIL"]
    details = [row.observed.raised if row.observed else None for row in report.rows]
    assert [d.type_name if d else None for d in details] == ["AttributeError", "NameError"]
    assert details[0] is not None
    assert details[0].message == "'LLMResult' object has no attribute 'llm_outputs'"
    assert details[1] is not None
    assert details[1].message == "name 'promt' is not defined"
    for detail, slip in zip(details, ["llm_outputs", "promt)"], strict=True):
        assert detail is not None
        assert detail.where is not None
        assert detail.where.file == path
        assert slip in source[detail.where.line - 1]
    shown = checker_text.render(report, width=80)
    assert "your helper raised NameError: name 'promt' is not defined (at" in shown
    assert _longest_line(shown) <= 80


def test_a_helper_that_never_returns_is_stopped_once_and_its_other_cases_are_not_run() -> None:
    path = f"{INPUTS}/hangs_update_cache.py"
    progress: list[checker.Report] = []
    report = check(path, step=1, time_limit=SHORT, on_progress=progress.append)
    first, *rest = report.rows
    assert first.observed is not None
    assert first.observed.problem == "Your helper did not finish within 0.5 s, so it was stopped"
    assert first.status == "ERROR"
    for row in rest:
        assert row.status == "ERROR"
        assert row.observed is not None
        assert row.observed.stopped_in == first.case.name
    # Once loaded (no rows yet), then once per row, each with the rows so far.
    assert [len(r.rows) for r in progress] == list(range(len(report.rows) + 1))
    assert progress[-1] == report
    shown = checker_text.render(report, width=80)
    assert shown.count(f"not run: update_cache was stopped in {first.case.name}") == len(rest)


def test_when_all_four_helpers_hang_each_is_stopped_once() -> None:
    report = check(f"{INPUTS}/all_four_hang.py", time_limit=SHORT)
    assert report.count("ERROR") == len(CASES)
    timed_out = [row for row in report.rows if row.observed and row.observed.stopped_in is None]
    assert sorted(row.case.scenario.function for row in timed_out) == sorted(
        ["update_cache", "aupdate_cache", "get_prompts", "aget_prompts"]
    )
    for row in report.rows:
        assert row.observed is not None
        assert row.observed.stopped_in in (None, *(r.case.name for r in timed_out))


def test_a_helper_that_ends_the_process_is_stopped_and_the_other_helpers_still_run(
    tmp_path: Path,
) -> None:
    path = _learner_file(
        tmp_path,
        f"""
        import os, sys
        get_prompts = reference.get_prompts

        def update_cache({UPDATE_PARAMETERS}):
            os._exit(3)

        async def aget_prompts(params, prompts, cache=None):
            sys.exit("done")
        """,
        delegating=True,
    )
    names = (
        "hits-and-misses[update_cache]",
        "lookup-hits-and-misses[aget_prompts]",
        "no-generations[update_cache]",
        "lookup-hits-and-misses[get_prompts]",
    )
    report = check(path, cases=_cases(*names))
    line = Path(path).read_text().splitlines().index('    sys.exit("done")') + 1
    observed = [row.observed for row in report.rows]
    assert [o.problem if o else None for o in observed] == [
        "Your helper ended the checking process (exit code 3)",
        "SystemExit escaped",
        "not run",
        None,
    ]
    assert observed[1] is not None
    assert observed[1].raised == Raised("SystemExit", "done", Place(path, line))
    assert observed[2] is not None
    assert observed[2].stopped_in == names[0]
    assert [row.status for row in report.rows] == ["ERROR", "ERROR", "ERROR", "pass"]
    shown = checker_text.render(report, width=250)  # the temporary path is long
    assert f"your helper raised SystemExit: done (at {path}:{line})" in shown


def test_a_runaway_allocation_runs_out_of_memory_in_the_child_only() -> None:
    path = f"{INPUTS}/runaway_allocation.py"
    report = check(path, step=1, memory_headroom=SMALL, time_limit=30)
    assert _with_status(report, "ERROR") == ["more-generations-than-indices[update_cache]"]
    [row] = [row for row in report.rows if row.status == "ERROR"]
    assert row.observed is not None
    assert row.observed.problem == "ran out of the memory the checker allows (MemoryError)"
    assert row.observed.raised is not None
    assert row.observed.raised.type_name == "MemoryError"
    assert report.count("pass") == len(report.rows) - 1  # the cases after it still ran


def test_each_cases_printed_output_is_kept_with_that_case() -> None:
    report = check(f"{INPUTS}/prints_as_it_goes.py", step=1)
    assert report.exit_status == 0
    assert report.import_output == "loading my helpers\n"
    by_name = {row.case.name: row.observed for row in report.rows}
    first = by_name["hits-and-misses[update_cache]"]
    assert first is not None
    assert first.output == "2 new, missing [0, 2]\nwriting 'a'\nwriting 'c'\n"
    nothing = by_name["no-generations[update_cache]"]
    assert nothing is not None
    assert nothing.output == "0 new, missing [0, 2]\n"
    shown = checker_text.render(report, width=80)
    assert "Your file printed while it was imported:\n> loading my helpers\n" in shown
    row_and_output = "1     no-generations[update_cache]                  pass\n"
    assert row_and_output + "      printed:\n      > 0 new, missing [0, 2]\n" in shown


def test_long_output_is_cut_and_says_how_much_was_left_out(tmp_path: Path) -> None:
    path = _learner_file(
        tmp_path,
        f"""
        print("x" * 5000)

        def update_cache({UPDATE_PARAMETERS}):
            for n in range(20):
                print(n)
            print("y" * 5000)
            return reference.update_cache({UPDATE_PARAMETERS})
        """,
        delegating=True,
    )
    report = check(path, cases=_cases("hits-and-misses[update_cache]"))
    assert (len(report.import_output), report.import_output_cut) == (
        checker_candidate.OUTPUT_LIMIT,
        5001 - checker_candidate.OUTPUT_LIMIT,
    )
    [row] = report.rows
    assert row.observed is not None
    assert len(row.observed.output) == checker_candidate.OUTPUT_LIMIT
    shown = checker_text.render(report, width=60)
    assert "      > 4\n      (16 more lines and 3051 more characters not shown)" in shown
    assert _longest_line(shown) <= 60


def test_the_expected_column_cannot_be_reached_from_the_learners_file() -> None:
    honest = check(SOLUTION, step=1)
    tampering = check(f"{INPUTS}/tampers_at_import.py", step=1)
    assert [row.expected for row in tampering.rows] == [row.expected for row in honest.rows]
    assert tampering.count("pass") < len(tampering.rows)
    # And in this process, nothing was replaced.
    assert langchain_llms.update_cache is kinds._LANGCHAIN_HELPERS["update_cache"]


# Files of the wrong kind: refused, once per helper, before any case runs.


def test_helpers_of_the_wrong_kind_get_one_paragraph_each() -> None:
    message = _cannot_check(f"{INPUTS}/wrong_kinds.py")
    paragraphs = message.split("\n\n")
    assert [p.split(" is ")[0] for p in paragraphs] == [
        "update_cache",
        "aupdate_cache",
        "get_prompts",
        "aget_prompts",
    ]
    assert "update_cache is a generator function: it contains `yield`" in paragraphs[0]
    assert "aupdate_cache is an async generator" in paragraphs[1]
    assert "get_prompts is defined with `async def`" in paragraphs[2]
    assert paragraphs[3].startswith("aget_prompts is a plain function, but langchain-core's is")
    assert "`async def aget_prompts(params, prompts, cache):`" in paragraphs[3]


def test_parameters_unlike_langchain_cores_are_refused() -> None:
    assert _cannot_check(f"{INPUTS}/wrong_parameters.py") == (
        "update_cache takes (cache, existing, llm_string, missing_prompt_idxs, new_results,"
        f" prompts), but langchain-core's takes ({UPDATE_PARAMETERS}). Use the same names in"
        " the same order: callers may pass any of them by name.\n\n"
        "get_prompts takes (prompts, params, cache), but langchain-core's takes (params,"
        " prompts, cache). Use the same names in the same order: callers may pass any of"
        " them by name."
    )


def test_langchain_cores_own_helpers_are_refused() -> None:
    paragraphs = _cannot_check(f"{INPUTS}/reexports_langchain.py").split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0] == (
        "update_cache is langchain-core's own helper (from langchain_core.language_models.llms),"
        " so checking it would compare langchain-core with itself. Write your own update_cache"
        f" in the file: `def update_cache({UPDATE_PARAMETERS}):`."
    )


class _NoSignature:
    __signature__ = 42  # inspect.signature cannot read it

    def __call__(self, *args: object) -> None:
        return None


def test_kinds_are_judged_in_process_too() -> None:
    async def aupdate_cache(*args: object) -> None:
        return None

    def wrapped(*args: object) -> None:
        return None

    wrapped.__module__ = "langchain_core.language_models.llms"
    learner = types.SimpleNamespace(
        update_cache=42,
        aupdate_cache=aupdate_cache,
        get_prompts=wrapped,
        aget_prompts=langchain_llms.aget_prompts,
    )
    assert kinds.kind_problems(learner) == (
        kinds.KindProblem("update_cache", "not a function", "int"),
        kinds.KindProblem("aupdate_cache", "parameters", "*args"),
        kinds.KindProblem(
            "get_prompts", "langchain-core's own", "langchain_core.language_models.llms"
        ),
        kinds.KindProblem(
            "aget_prompts", "langchain-core's own", "langchain_core.language_models.llms"
        ),
    )
    with pytest.raises(CheckError) as raised:
        check_module(learner, label="the sandbox")
    assert str(raised.value).startswith(
        "update_cache is a int, not a function. Define it with `def update_cache("
    )
    # A callable whose signature cannot be read is left to the cases.
    assert kinds.kind_problems(types.SimpleNamespace(update_cache=_NoSignature())) == ()


# Files that cannot be checked at all.


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


def test_an_import_error_from_another_file_names_no_line(tmp_path: Path) -> None:
    path = _learner_file(tmp_path, "import json\njson.loads('{')\n")
    assert _cannot_check(path).startswith(f"Importing {path} raised JSONDecodeError at line 2:")
    long = "x" * 400
    path = _learner_file(tmp_path, f"exec('raise ValueError(\"{long}\")', {{}})\n")
    message = _cannot_check(path)
    assert message.startswith(f"Importing {path} raised ValueError at line 1: {'x' * 290}")
    assert f"{'x' * 293}...." in message  # cut to a few hundred characters


def test_a_file_that_never_finishes_importing_is_stopped(tmp_path: Path) -> None:
    path = _learner_file(tmp_path, "while True:\n    pass\n")
    assert _cannot_check(path, time_limit=SHORT) == (
        f"Importing {path} did not finish within 0.5 s, so it was stopped. Does the file run"
        " a loop, wait for input or exit at the top level? Put such code under"
        " `if __name__ == '__main__':`."
    )


def test_a_directory_is_called_a_directory() -> None:
    assert _cannot_check("tests") == (
        "tests is a directory, not a file. Give the path of the Python file in it that"
        f" defines your helpers, for example {STARTER}."
    )


def test_a_missing_file_says_where_it_is_from_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "tutorials" / "exercises")
    here = Path.cwd()
    # A path from the project's root, given from inside tutorials/exercises.
    assert _cannot_check(STARTER) == (
        f"There is no file at {STARTER}, looking from {here}. From here it is my_cache_helpers.py."
    )
    # A path from the project's root, given from a sibling folder.
    monkeypatch.chdir(ROOT / "docs")
    assert _cannot_check(STARTER).endswith(f"From here it is ../{STARTER}.")
    # Nothing like it anywhere: the example, never the path that just failed.
    monkeypatch.chdir(ROOT)
    assert _cannot_check("no/such/file.py") == (
        f"There is no file at no/such/file.py, looking from {ROOT}. Give the path, from this"
        f" folder, of the Python file that defines your helpers, for example {STARTER}."
    )
    gone = STARTER.replace("my_", "your_")
    assert _cannot_check(gone).endswith(
        f"the Python file that defines your helpers, for example {STARTER}."
    )
    monkeypatch.setattr(judge, "_EXAMPLE", ROOT / gone)
    assert _cannot_check(gone).endswith("the Python file that defines your helpers.")
    assert _cannot_check("/no/such/file.py").endswith("the Python file that defines your helpers.")


# The child's side, in this process.


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

    sent.clear()
    run_in_child(f"{INPUTS}/wrong_parameters.py", names, sent.append)
    [loaded] = sent  # no case runs
    assert isinstance(loaded, Loaded)
    assert [problem.function for problem in loaded.problems] == ["update_cache", "get_prompts"]


def test_the_childs_main_ignores_ctrl_c_caps_memory_and_closes_its_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caps: list[int] = []
    monkeypatch.setattr(checker_child, "cap_memory", caps.append)
    monkeypatch.setattr(checker_child, "die_with_parent", lambda: caps.append(0))
    previous = signal.getsignal(signal.SIGINT)
    receiver, sender = multiprocessing.Pipe(duplex=False)
    names = ("hits-and-misses[update_cache]", "lookup-falsy-cache[get_prompts]")
    try:
        checker_child._child_main(f"{INPUTS}/broken_truthiness.py", names, sender, 12345)
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
    assert caps == [0, 12345]
    assert receiver.recv() == Loaded(("update_cache",))
    observed = receiver.recv()
    assert isinstance(observed, Observed)
    assert observed.case_name == names[0]
    with pytest.raises(EOFError):  # the lookup case is not run: no get_prompts
        receiver.recv()


def test_a_child_is_killed_when_its_parent_dies(tmp_path: Path) -> None:
    # The checker (the parent here) is killed outright while its child spins.
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, sys
            from llm_cache_reference import checker
            checker.check({str(ROOT / INPUTS / "all_four_hang.py")!r}, time_limit=60,
                          on_progress=lambda report: print(os.getpid(), flush=True))
            """
        )
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    parent.stdout.readline()  # loaded: the child is running the first case
    children = Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split()
    assert len(children) == 1
    parent.kill()
    parent.wait()
    parent.stdout.close()  # (the child holds the pipe too: reading it to its end could hang)
    child = Path(f"/proc/{children[0]}")

    def gone() -> bool:
        return not child.exists() or "zombie" in (child / "status").read_text()

    try:
        # At once, in fact; the wait is only a bound so that a failure cannot hang the suite.
        deadline = time.monotonic() + 30
        while not gone() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert gone()
    finally:
        if not gone():
            os.kill(int(children[0]), signal.SIGKILL)


def test_dying_with_the_parent_is_asked_of_the_kernel_where_there_is_prctl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[tuple[int, int]] = []
    monkeypatch.setattr(
        ctypes,
        "CDLL",
        lambda *args, **kwargs: types.SimpleNamespace(prctl=lambda *a: asked.append(a)),
    )
    checker_child.die_with_parent()
    assert asked == [(1, signal.SIGKILL)]
    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: types.SimpleNamespace())
    checker_child.die_with_parent()  # no prctl (not Linux): nothing to ask
    assert len(asked) == 1


def test_the_memory_cap_adds_headroom_to_what_is_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    set_to: list[tuple[int, int]] = []
    monkeypatch.setattr(resource, "setrlimit", lambda kind, limits: set_to.append(limits))
    checker_child.cap_memory(1 << 30)
    [(soft, hard)] = set_to
    assert hard == resource.getrlimit(resource.RLIMIT_AS)[1]
    in_use = soft - (1 << 30)
    assert 10 << 20 < in_use < soft  # this process holds more than 10 MiB
    # Never above a hard limit, and no cap where /proc/self/statm cannot be read.
    monkeypatch.setattr(resource, "getrlimit", lambda kind: (-1, 1 << 20))
    checker_child.cap_memory(1 << 30)
    assert set_to[-1] == (1 << 20, 1 << 20)
    monkeypatch.setattr(checker_child, "_STATM", "/no/such/file")
    checker_child.cap_memory(1 << 30)
    assert len(set_to) == 2


def test_the_learners_side_reports_problems_in_process_too(tmp_path: Path) -> None:
    def update_cache(*args: object) -> None:
        raise MemoryError

    def get_prompts(*args: object) -> None:
        sys.exit("bye")

    learner = types.SimpleNamespace(update_cache=update_cache, get_prompts=get_prompts)
    ran_out = checker_candidate.observe_candidate(
        CASES_BY_NAME["no-generations[update_cache]"], learner
    )
    assert (ran_out.outcome, ran_out.problem) == (
        None,
        "ran out of the memory the checker allows (MemoryError)",
    )
    assert ran_out.raised == Raised("MemoryError", "", None)  # no file: no line
    exited = checker_candidate.observe_candidate(
        CASES_BY_NAME["lookup-falsy-cache[get_prompts]"], learner
    )
    assert (exited.problem, exited.raised) == (
        "SystemExit escaped",
        Raised("SystemExit", "bye", None),
    )
    with pytest.raises(CheckError, match=r"raised ZeroDivisionError at line 2: division by zero"):
        checker_candidate.load_candidate(_learner_file(tmp_path, "x = 1\nx / 0\n"))


# The in-process entry point (for the in-browser checker).


def test_check_module_gives_the_same_report_as_check_for_a_file() -> None:
    from_file = check(f"{INPUTS}/broken_truthiness.py", step=1)
    module = checker_candidate.load_candidate(f"{INPUTS}/broken_truthiness.py")
    progress: list[checker.Report] = []
    in_process = check_module(
        module,
        step=1,
        label=f"{INPUTS}/broken_truthiness.py",
        on_progress=progress.append,
    )
    assert in_process == from_file
    assert len(progress) == len(in_process.rows) + 1
    assert checker_text.render(in_process) == checker_text.render(from_file)
    expected = checker.expected_outcomes(checker.cases_for(1))
    assert check_module(module, step=1, expected=expected).rows == from_file.rows


def test_the_in_process_checker_imports_no_process_machinery() -> None:
    code = (
        "import sys\n"
        "from llm_cache_reference.checker import layout\n"
        "print('llm_cache_reference.checker.child' in sys.modules)\n"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout == "False\n"


def test_check_module_refuses_a_module_with_no_helpers() -> None:
    with pytest.raises(CheckError, match=r"^the sandbox defines none of update_cache"):
        check_module(types.SimpleNamespace(), label="the sandbox")


def test_check_module_runs_every_kind_of_helper_in_process(tmp_path: Path) -> None:
    module = checker_candidate.load_candidate(SOLUTION)

    def outcomes(report: checker.Report) -> list[object]:
        return [(row.status, row.observed and row.observed.outcome) for row in report.rows]

    # (Exception messages may differ: one names an object by its address.)
    assert outcomes(check_module(module, label=SOLUTION)) == outcomes(check(SOLUTION))
    wrong = checker_candidate.load_candidate(f"{INPUTS}/wrong_kinds.py")
    assert [p.kind for p in kinds.kind_problems(wrong)] == [
        "generator",
        "async generator",
        "async, should be sync",
        "sync, should be async",
    ]
    chatty = checker_candidate.load_candidate(
        _learner_file(
            tmp_path,
            f"""
            def update_cache({UPDATE_PARAMETERS}):
                print("x" * 3000)
                print("more")
                raise ValueError("y" * 400)
            """,
        )
    )
    [row] = check_module(chatty, cases=_cases("hits-and-misses[update_cache]")).rows
    assert row.observed is not None
    assert (row.observed.output, row.observed.output_cut) == ("x" * 2000, 1006)
    assert row.observed.raised is not None
    assert row.observed.raised.message == "y" * 297 + "..."


def test_a_file_run_yields_one_observation_per_attempted_case() -> None:
    cases = checker.cases_for(1) + checker.cases_for(4)
    with checker_child.FileRun(f"{INPUTS}/hangs_update_cache.py", cases, SHORT) as run:
        observed = list(run.observations())
    assert len(observed) == len(checker.cases_for(1))  # no lookup helpers in the file


# The report's layout.


@pytest.mark.parametrize("width", [60, 80, 100, 120, 250])
def test_no_line_of_the_report_is_wider_than_the_terminal(width: int) -> None:
    report = check(f"{INPUTS}/broken_truthiness.py")
    shown = checker_text.render(report, width)
    assert _longest_line(shown) <= width
    assert ("| langchain-core did" in shown) == (width >= 120)
    assert ("      langchain-core did:\n" in shown) == (width < 120)


def test_long_values_wrap_under_their_label() -> None:
    report = check(STARTER, cases=_cases("awaits-each-write[aupdate_cache]"))
    shown = checker_text.render(report, 60)
    assert _longest_line(shown) <= 60
    assert "        existing_prompts: {1: hit[1], 0: new[0], 2: new[1],\n" in shown
    assert "\n                            3: new[2]}\n" in shown


def test_a_too_narrow_terminal_gets_each_result_under_its_case_and_values_under_labels() -> None:
    report = check(f"{INPUTS}/broken_truthiness.py", step=1)
    shown = checker_text.render(report, 40)
    assert _longest_line(shown) <= 40
    assert "\nstep  case\n      result\n1     hits-and-misses[update_cache]\n      pass\n" in shown
    assert "\n1     falsy-cache-still-\n      written[update_cache]\n      FAIL\n" in shown
    assert "\n        cache calls:\n          cache.update('a',\n            'llm-string'," in shown


def test_the_report_names_the_step_and_the_missing_helpers() -> None:
    text = checker_text.render(check(f"{INPUTS}/broken_truthiness.py", step=2), width=100)
    assert text.splitlines()[0] == (
        f"Checking {INPUTS}/broken_truthiness.py against langchain-core, step 2 (resolving cache)."
    )
    step_2, step_4 = _step_sizes()[2], _step_sizes()[4]
    assert text.splitlines()[-1] == f"{step_2} cases: {step_2 - 1} pass, 1 fail; not there yet."
    text = checker_text.render(check(f"{INPUTS}/broken_missing_await.py", step=4), width=100)
    assert text.splitlines()[-1] == (
        f"{step_4} cases: 0 pass, {step_4} not attempted (no get_prompts, no aget_prompts in"
        " the file); not there yet."
    )


def test_the_summary_has_one_line_per_step_counted_from_the_run() -> None:
    report = check(f"{INPUTS}/broken_truthiness.py")
    sizes = _step_sizes()
    assert checker_text.summary(report) == [
        f"step 1: {sizes[1] - 1} of {sizes[1]} agree (1 fail)",
        f"step 2: {sizes[2] - 1} of {sizes[2]} agree (1 fail)",  # falsy-global-cache
        f"step 3: 0 of {sizes[3]} agree ({sizes[3]} not attempted)",
        f"step 4: 0 of {sizes[4]} agree ({sizes[4]} not attempted)",
    ]


# The command line.


def test_the_command_line_exits_2_with_a_message_for_bad_input(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "missing.py"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Cannot check: There is no file at missing.py, looking from")


def test_the_command_line_wraps_each_paragraph_of_a_refusal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "70")
    assert main(["check", f"{INPUTS}/reexports_langchain.py"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Cannot check: update_cache is langchain-core's own helper")
    assert err.count("\n\n") == 3
    assert _longest_line(err) <= 70
    assert "langchain-core with itself" in err.replace("\n", " ")  # not cut at its hyphen


@pytest.mark.parametrize("value", ["inf", "1e9", "abc", "0", "-1", "nan", "301"])
def test_the_command_line_refuses_a_time_limit_out_of_bounds_in_one_plain_line(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", SOLUTION, f"--time-limit={value}"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "python -m llm_cache_reference check: argument --time-limit: give a number of seconds"
        f" above 0 and at most 300, such as 2; not {value!r}\n"
    )


def test_python_dash_m_runs_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["llm_cache_reference", "check", "missing.py"])
    monkeypatch.delitem(sys.modules, "llm_cache_reference.__main__", raising=False)
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("llm_cache_reference", run_name="__main__")
    assert exited.value.code == 2
    assert "There is no file at missing.py" in capsys.readouterr().err


def test_the_command_line_prints_the_report_and_exits_1_when_a_case_fails(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["check", f"{INPUTS}/broken_truthiness.py", "--step=1", "--time-limit=5"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^1 +falsy-cache-still-written\[update_cache\] +FAIL$", out, re.MULTILINE)
    step_1 = _step_sizes()[1]
    assert out.endswith(f"{step_1} cases: {step_1 - 1} pass, 1 fail; not there yet.\n")
    assert out == checker_text.render(check(f"{INPUTS}/broken_truthiness.py", step=1)) + "\n"


def test_the_command_line_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", SOLUTION, "--summary"]) == 0
    sizes = _step_sizes()
    assert capsys.readouterr().out == "".join(
        f"step {step}: {size} of {size} agree\n" for step, size in sizes.items()
    )


def test_the_command_line_prints_each_row_as_it_is_made(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    printed_before: list[str] = []
    real_check = checker.check

    def watching(*args: Any, **kwargs: Any) -> checker.Report:
        show = kwargs["on_progress"]

        def on_progress(report: checker.Report) -> None:
            show(report)
            printed_before.append(capsys.readouterr().out)

        kwargs["on_progress"] = on_progress
        return real_check(*args, **kwargs)

    monkeypatch.setattr(checker, "check", watching)
    assert main(["check", SOLUTION, "--step=1"]) == 0
    assert printed_before[0].startswith("Checking ")
    assert [text.split()[1] for text in printed_before[1:]] == [
        case.name for case in checker.cases_for(1)
    ]


def test_ctrl_c_ends_the_command_line_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> checker.Report:
        raise KeyboardInterrupt

    monkeypatch.setattr(checker, "check", interrupted)
    assert main(["check", SOLUTION]) == 130
    assert capsys.readouterr().err == "Check interrupted.\n"


def test_the_early_ctrl_c_handler_gives_way_to_keyboard_interrupt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        checker, "check", lambda *args, **kwargs: (_ for _ in ()).throw(KeyboardInterrupt)
    )
    previous = signal.signal(signal.SIGINT, interrupt.exit_quietly)
    try:
        assert main(["check", SOLUTION]) == 130
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_early_handler_is_installed_only_for_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    previous = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(sys, "argv", ["-m"])
    monkeypatch.setattr(sys, "orig_argv", ["python", "-X", "dev", "-m", "llm_cache_reference"])
    assert interrupt.running_as_command()
    try:
        importlib.reload(llm_cache_reference)
        assert signal.getsignal(signal.SIGINT) is interrupt.exit_quietly
    finally:
        signal.signal(signal.SIGINT, previous)
    monkeypatch.setattr(sys, "orig_argv", ["python", "-m", "pytest"])
    assert not interrupt.running_as_command()
    monkeypatch.setattr(sys, "argv", ["-c"])
    monkeypatch.setattr(sys, "orig_argv", ["python", "-c", "import llm_cache_reference"])
    assert not interrupt.running_as_command()


def test_the_early_handler_writes_one_line_and_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[tuple[int, bytes]] = []

    def exit_(status: int) -> None:
        raise SystemExit(status)

    monkeypatch.setattr(os, "write", lambda fd, data: written.append((fd, data)))
    monkeypatch.setattr(os, "_exit", exit_)
    with pytest.raises(SystemExit) as exited:
        interrupt.exit_quietly(signal.SIGINT, None)
    assert (exited.value.code, written) == (130, [(2, b"Check interrupted.\n")])


class _ClosedPipe:
    """A stdout whose reader has gone, on a file descriptor of its own."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str) -> int:
        raise BrokenPipeError

    def flush(self) -> None:
        return None

    def fileno(self) -> int:
        return self.fd


def test_a_closed_pipe_ends_the_command_line_silently(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fd = os.open(tmp_path / "out", os.O_WRONLY | os.O_CREAT)
    try:
        monkeypatch.setattr(sys, "stdout", _ClosedPipe(fd))
        assert main(["check", SOLUTION, "--step=1"]) == 141
        assert os.path.samefile(f"/proc/self/fd/{fd}", os.devnull)
    finally:
        os.close(fd)


def _command(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "llm_cache_reference", "check", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_head_reading_three_lines_leaves_no_traceback(tmp_path: Path) -> None:
    # The helper waits for a file the test makes once the reader has gone, so that
    # the rows are certainly written to a closed pipe.
    go = tmp_path / "go"
    path = _learner_file(
        tmp_path,
        f"""
        import os, time

        def update_cache({UPDATE_PARAMETERS}):
            while not os.path.exists({str(go)!r}):
                time.sleep(0.01)
            return reference.update_cache({UPDATE_PARAMETERS})
        """,
        delegating=True,
    )
    command = _command(path, "--step=1", "--time-limit=60")
    assert command.stdout is not None
    lines = [command.stdout.readline() for _ in range(3)]  # the header: no case has ended
    command.stdout.close()
    go.touch()
    _, err = command.communicate()
    assert lines[0].startswith("Checking")
    assert (command.returncode, err) == (141, "")


@pytest.mark.parametrize("moment", ["while it starts", "while it checks"])
def test_ctrl_c_at_any_moment_gives_one_line_and_exit_130(moment: str) -> None:
    command = _command(f"{INPUTS}/hangs_update_cache.py", "--time-limit=60")
    assert command.stdout is not None
    if moment == "while it checks":
        assert command.stdout.readline().startswith("Checking ")
    else:  # langchain-core is being imported: pydantic's compiled core is loaded by then
        maps = Path(f"/proc/{command.pid}/maps")
        while "pydantic_core" not in maps.read_text():
            assert command.poll() is None
    command.send_signal(signal.SIGINT)
    _, err = command.communicate(timeout=60)
    assert (command.returncode, err) == (130, "Check interrupted.\n")


def test_a_learner_file_can_import_the_module_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))  # the import adds the file's folder
    (tmp_path / "my_helpers.py").write_text(DELEGATES + "update_cache = reference.update_cache\n")
    path = _learner_file(tmp_path, "from my_helpers import update_cache\n")
    report = check(path, step=1)
    assert (report.count("pass"), report.count("FAIL"), report.exit_status) == (
        _step_sizes()[1],
        0,
        0,
    )
    for _ in range(2):  # in this process too, and the folder goes on sys.path only once
        module = checker_candidate.load_candidate(path)
        assert module.update_cache is llm_cache_reference.update_cache
    assert sys.path.count(str(tmp_path.resolve())) == 1


def _learner_step(step: int) -> str:
    """A step of the learner's file, as its exercise page shows it (site_build's hook)."""
    first, last = step_lines(Path(STARTER).read_text())[step]
    return "\n".join(Path(STARTER).read_text().splitlines()[first - 1 : last]) + "\n"


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
    path.write_text(header + _section(SOLUTION, "step1") + _learner_step(2))
    report = check(str(path), step=2)
    assert _with_status(report, "pass") == [
        "instance-beats-global[update_cache]",
        "none-without-global[update_cache]",
        "false-ignores-global[update_cache]",
        "langchain-global-ignored[update_cache]",
    ]
    assert check(str(path), step=1).exit_status == 0


# What langchain-core's releases did (checker/releases.py, from the version history).


def test_a_mistake_langchain_core_once_made_is_told_which_releases_made_it() -> None:
    shown = checker_text.render(check(f"{INPUTS}/broken_truthiness.py", step=2), 80)
    assert (
        "      langchain-core itself did exactly this in 0.0.1 to 1.0.0a6 (221 releases);\n"
        "        1.0.0a7 changed it.\n"
    ) in shown


def test_the_async_truthiness_mistake_is_told_it_was_langchain_cores_until_1_5_5() -> None:
    shown = checker_text.render(check(f"{INPUTS}/broken_truthiness_async.py", step=3), 80)
    assert shown.count("1.5.5 changed it.") == 2  # an empty cache, and an empty global one
    assert (
        "3     falsy-cache-still-written[aupdate_cache]       FAIL\n"
        in shown.split("langchain-core itself did exactly this in 0.1.41 to 1.5.4")[0]
    )


def test_an_outcome_no_release_had_is_told_nothing() -> None:
    case = CASES_BY_NAME["hits-and-misses[update_cache]"]
    outcome = observe(case.scenario, langchain_llms)
    assert releases.behaved_so(case.name, outcome)[-1].changed_in is None  # today's, too
    assert releases.behaved_so(case.name, replace(outcome, returned="something else")) == ()
    assert releases.behaved_so("no-such-case", outcome) == ()


def test_the_history_line_says_each_run_of_releases() -> None:
    runs = (releases.Run("0.1", "0.1", 1, "0.2"), releases.Run("0.5", "0.9", 4, None))
    assert checker_text.history_line(runs) == (
        "langchain-core itself did exactly this in 0.1; 0.2 changed it; and in 0.5 to 0.9 "
        "(4 releases), and still does."
    )
