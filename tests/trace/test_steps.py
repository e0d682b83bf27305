"""The line-by-line trace (`llm_cache_reference.trace.steps`), on learners' files.

The file traced most is the workshop's solution, which does what the reference does, line
for line: a learner's file like any other, and one that mutation testing leaves alone (it
rewrites the reference, trampolines and all, so a trace of the reference would show those).
The reference's own traces are recorded in tutorials/expected/traces/ and checked there.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Coroutine
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import pytest

from llm_cache_reference import harness
from llm_cache_reference.cases import CASES, CASES_BY_NAME, Case
from llm_cache_reference.checker.candidate import load_candidate
from llm_cache_reference.trace import steps
from llm_cache_reference.trace.steps import Step, Trace, trace

INPUTS = Path(__file__).resolve().parents[1] / "checker_inputs"
SOLUTION = (
    Path(__file__).resolve().parents[2] / "tutorials/exercises/solutions/solved_cache_helpers.py"
)


def _solution(name: str) -> Trace:
    module = load_candidate(str(SOLUTION))
    return trace(CASES_BY_NAME[name].scenario, module, str(SOLUTION))


def _events(trace: Trace, step: Step) -> list[str]:
    return [trace.timeline[index].text() for index in step.events]


def _file(tmp_path: Path, source: str) -> ModuleType:
    path = tmp_path / "learner.py"
    path.write_text(textwrap.dedent(source))
    return load_candidate(str(path))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_traced_helper_does_what_it_does_untraced(case: Case) -> None:
    module = load_candidate(str(SOLUTION))
    traced = trace(case.scenario, module, str(SOLUTION))
    recorded = harness.record(case.scenario, module)
    assert (traced.outcome, traced.timeline, traced.stopped) == (
        recorded.outcome,
        recorded.timeline,
        None,
    )
    # Every event but the ending is caused by exactly one step, in order.
    caused = [index for step in traced.steps for index in step.events]
    assert caused == list(range(len(traced.timeline) - 1))
    assert traced.steps[0].kind == "call"
    assert traced.steps[0].function == case.scenario.function
    assert traced.steps[-1].kind == ("raise" if recorded.outcome.raised else "return")


def test_each_line_of_update_cache_is_a_step_with_its_changes_and_events() -> None:
    traced = _solution("write-fails-halfway[update_cache]")
    update = next(n for n, s in enumerate(traced.steps) if "llm_cache.update(" in s.source)
    first_write = next(s for s in traced.steps if "existing_prompts[index] = " in s.source)
    assert _events(traced, first_write) == ["existing_prompts[0] = new[0]"]
    assert first_write.state.existing_prompts == "{1: hit[1], 0: new[0]}"
    assert first_write.state.cached == (harness.CacheContents("cache", ()),)
    assert first_write.state.events == 1
    assert first_write.kind == "line"
    assert first_write.source == "        existing_prompts[index] = generations"
    assert first_write.depth == 0
    written = traced.steps[update]
    assert _events(traced, written) == ["cache.update('a', 'llm-string', new[0])"]
    assert written.state.cached == (harness.CacheContents("cache", (("a", "new[0]"),)),)
    loop = [step for step in traced.steps if step.source.strip().startswith("for i, ")]
    assert [step.changed for step in loop] == [
        (("i", "0"), ("generations", "new[0]")),
        (("i", "1"), ("generations", "new[1]")),
    ]
    assert dict(loop[1].state.locals)["prompt"] == "'a'"
    failing = [s for s in traced.steps if s.kind == "line" and "llm_cache.update(" in s.source][-1]
    assert failing.raised_here == "CacheWriteError"
    assert traced.steps[-1].kind == "raise"
    assert traced.steps[-1].result == "CacheWriteError"
    assert traced.steps[-1].line == failing.line


def test_a_call_into_the_same_file_is_traced_one_level_deeper_and_returns() -> None:
    traced = _solution("hits-and-misses[update_cache]")
    kinds = [(step.kind, step.function, step.depth) for step in traced.steps[:8]]
    assert kinds[:2] == [("call", "update_cache", 0), ("line", "update_cache", 0)]
    assert kinds[2] == ("call", "resolve_cache", 1)
    ending = next(n for n, s in enumerate(traced.steps) if s.kind == "return")
    assert traced.steps[ending].result == "cache"
    assert traced.steps[ending].function == "resolve_cache"
    back = traced.steps[ending + 1]
    assert (back.kind, back.function, back.depth) == ("back", "update_cache", 0)
    assert back.changed == (("llm_cache", "cache"),)
    assert back.line == traced.steps[1].line
    assert traced.steps[0].changed[:2] == (("cache", "cache"), ("existing_prompts", "{1: hit[1]}"))


def test_an_error_raised_deeper_ends_both_frames_with_a_raise() -> None:
    traced = _solution("true-without-global-raises[update_cache]")
    ends = [(s.kind, s.function, s.result) for s in traced.steps if s.kind in ("return", "raise")]
    assert ends == [
        ("raise", "resolve_cache", "ValueError"),
        ("raise", "update_cache", "ValueError"),
    ]
    assert traced.steps[-2].kind == "back"
    assert traced.steps[-2].raised_here == "ValueError"


def test_an_await_that_suspends_is_one_step_with_both_ends_of_the_write() -> None:
    traced = _solution("awaits-each-write[aupdate_cache]")
    awaits = [step for step in traced.steps if "await llm_cache.aupdate" in step.source]
    assert next(_events(traced, step) for step in awaits) == [
        "cache.aupdate('a', 'llm-string', new[0]) begins",
        "cache.aupdate('a', 'llm-string', new[0]) ends",
    ]
    assert len(awaits) == 3
    assert all(step.raised_here is None for step in traced.steps)  # no StopIteration noise
    assert traced.steps[-1].kind == "return"
    assert traced.steps[-1].result == "llm_output"


def test_only_the_frames_of_the_traced_file_are_steps(tmp_path: Path) -> None:
    module = _file(
        tmp_path,
        """
        from llm_cache_reference import update_cache as reference


        def update_cache(*args):
            return reference(*args)
        """,
    )
    traced = trace(
        CASES_BY_NAME["hits-and-misses[update_cache]"].scenario, module, str(module.__file__)
    )
    assert [(step.kind, step.line) for step in traced.steps] == [
        ("call", 5),
        ("line", 6),
        ("return", 6),
    ]
    assert len(traced.steps[1].events) == 4  # the reference's lines made them, untraced


def test_an_exception_caught_inside_the_helper_is_noted_and_the_call_goes_on(
    tmp_path: Path,
) -> None:
    module = _file(
        tmp_path,
        """
        def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs, new_results,
                         prompts):
            try:
                prompts[99]
            except IndexError:
                pass
            return new_results.llm_output
        """,
    )
    traced = trace(harness.Scenario("update_cache"), module, str(module.__file__))
    looked = next(step for step in traced.steps if "prompts[99]" in step.source)
    assert looked.raised_here == "IndexError"
    assert traced.steps[-1].kind == "return"
    assert traced.outcome is not None
    assert traced.outcome.returned == "llm_output"


def test_a_helper_that_loops_for_ever_is_stopped_and_its_trace_kept(tmp_path: Path) -> None:
    module = _file(
        tmp_path,
        """
        def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs, new_results,
                         prompts):
            n = 0
            while True:
                existing_prompts[0] = n
                n += 1
        """,
    )
    traced = trace(harness.Scenario("update_cache"), module, str(module.__file__), max_lines=30)
    assert traced.stopped == "it ran more than 30 lines, so it was stopped"
    assert traced.outcome is None
    assert sum(step.kind == "line" for step in traced.steps) == 30
    assert traced.timeline[:2] == (harness.DictWrite("0", "0"), harness.DictWrite("0", "1"))
    assert not isinstance(traced.timeline[-1], harness.Finish)


def test_a_helper_out_of_time_is_stopped(tmp_path: Path) -> None:
    module = _file(
        tmp_path,
        """
        def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs, new_results,
                         prompts):
            while True:
                try:
                    pass
                except BaseException:  # it cannot catch being stopped
                    pass
        """,
    )
    traced = trace(harness.Scenario("update_cache"), module, str(module.__file__), time_limit=0)
    assert traced.stopped == "it ran out of time, so it was stopped"
    assert [step.kind for step in traced.steps] == ["call"]


def test_an_async_helper_is_traced_and_stays_async(tmp_path: Path) -> None:
    module = load_candidate(str(INPUTS / "broken_missing_await.py"))
    scenario = CASES_BY_NAME["hits-and-misses[aupdate_cache]"].scenario
    with pytest.warns(RuntimeWarning, match="never awaited"):
        traced = trace(scenario, module, str(module.__file__))
    assert traced.outcome is not None
    assert traced.outcome.calls == ()
    assert traced.steps[-1].kind == "return"


def test_the_trace_function_is_put_back_afterwards() -> None:
    before = sys.gettrace()
    _solution("hits-and-misses[update_cache]")
    _solution("hits-and-misses[aupdate_cache]")
    assert sys.gettrace() is before


def _frame_in(filename: str) -> FrameType:
    namespace: dict[str, Any] = {}
    exec(compile("import sys\nframe = sys._getframe()\n", filename, "exec"), namespace)
    frame: FrameType = namespace["frame"]
    return frame


def test_the_watcher_notes_only_its_files_frames_and_stops_them_in_time() -> None:
    # The trace functions run where coverage cannot see them: called here directly.
    log = harness.Log(harness.Describer())
    mine = _frame_in("learner.py")
    watcher = steps.Watcher("learner.py", log, max_lines=1, time_limit=60)
    assert watcher.global_trace(sys._getframe(), "call", None) is None
    assert watcher.global_trace(mine, "call", None) == watcher.local_trace
    assert watcher.local_trace(mine, "line", None) == watcher.local_trace
    assert watcher.local_trace(mine, "return", 5) == watcher.local_trace
    with pytest.raises(steps.Stopped):
        watcher.local_trace(mine, "line", None)
    assert [note.kind for note in watcher.notes] == ["call", "line", "return", "stop"]
    assert watcher.notes[2].arg == "5"
    assert watcher.local_trace(mine, "exception", (ValueError, ValueError(), None))
    assert watcher.notes[-1].arg == "ValueError"

    async def coroutine() -> FrameType:
        return sys._getframe()

    handing_over = _finished(coroutine())
    count = len(watcher.notes)
    assert watcher.global_trace(handing_over, "exception", (StopIteration, None, None)) is None
    assert len(watcher.notes) == count  # not its file: not even looked at
    theirs = steps.Watcher(handing_over.f_code.co_filename, log, max_lines=10, time_limit=60)
    theirs.local_trace(handing_over, "exception", (StopIteration, StopIteration(), None))
    assert theirs.notes == []
    late = steps.Watcher("learner.py", log, max_lines=10, time_limit=-1)
    with pytest.raises(steps.Stopped):
        late.local_trace(mine, "line", None)
    assert late.stopped == "it ran out of time, so it was stopped"


def _finished(coroutine: Coroutine[Any, Any, FrameType]) -> FrameType:
    """Run a coroutine that returns its own frame; return that frame."""
    with pytest.raises(StopIteration) as ended:
        coroutine.send(None)
    frame: FrameType = ended.value.value
    return frame


def test_a_coroutines_handing_over_is_not_an_error() -> None:
    async def coroutine() -> FrameType:
        return sys._getframe()

    frame = _finished(coroutine())
    assert steps._suspends(frame, StopIteration)
    assert steps._suspends(frame, GeneratorExit)
    assert not steps._suspends(frame, ValueError)
    assert not steps._suspends(_frame_in("x.py"), StopIteration)


def test_an_await_that_never_ends_is_stopped_at_the_await(tmp_path: Path) -> None:
    module = _file(
        tmp_path,
        """
        import asyncio


        async def aupdate_cache(cache, existing_prompts, llm_string, missing_prompt_idxs,
                                new_results, prompts):
            existing_prompts[0] = "before"
            await asyncio.Event().wait()
        """,
    )
    scenario = harness.Scenario("aupdate_cache")
    traced = trace(scenario, module, str(module.__file__), time_limit=0.2)
    assert traced.stopped == steps.OUT_OF_TIME
    assert traced.outcome is None
    assert traced.timeline == (harness.DictWrite("0", "'before'"),)
    # The bound cancels the await: the helper ends there, raising what cancelling raises.
    ending = traced.steps[-1]
    assert (ending.kind, ending.line, ending.result) == ("raise", 8, "CancelledError")
    assert [step.events for step in traced.steps if step.events] == [(0,)]
