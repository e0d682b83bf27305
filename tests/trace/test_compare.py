"""The first difference between two timelines, and the loops folded in a listing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference import harness
from llm_cache_reference.cases import CASES_BY_NAME
from llm_cache_reference.checker.candidate import load_candidate
from llm_cache_reference.harness import CacheCall, DictWrite, Finish
from llm_cache_reference.trace.compare import caused_by, diverge, first_difference
from llm_cache_reference.trace.loops import Repeat, fold
from llm_cache_reference.trace.steps import State, Step, Trace, trace

INPUTS = Path(__file__).resolve().parents[1] / "checker_inputs"
END = Finish("llm_output", None)


def _learner(name: str, case: str) -> tuple[tuple[harness.Event, ...], Trace]:
    scenario = CASES_BY_NAME[case].scenario
    expected = harness.record(scenario, langchain_llms).timeline
    module = load_candidate(str(INPUTS / name))
    return expected, trace(scenario, module, str(INPUTS / name))


def test_first_difference_is_the_first_unequal_or_missing_event() -> None:
    write = DictWrite("0", "new[0]")
    assert first_difference((write, END), (write, END)) is None
    assert first_difference((write, END), (END,)) == 0
    assert first_difference((write, END), (write,)) == 1
    assert first_difference((write,), (write, END)) == 1
    assert first_difference((), ()) is None


def test_the_truthiness_mistake_parts_at_the_first_cache_write_after_the_lines_that_skip_it() -> (
    None
):
    expected, traced = _learner("broken_truthiness.py", "falsy-cache-still-written[update_cache]")
    divergence = diverge(expected, traced)
    assert divergence is not None
    assert divergence.index == 1
    assert divergence.expected == CacheCall("cache", "update", ("'a'", "'llm-string'", "new[0]"))
    assert divergence.actual == DictWrite("2", "new[1]")
    assert divergence.step is not None
    assert divergence.step.source.strip() == "existing_prompts[missing_prompt_idxs[i]] = result"
    lines = Path(INPUTS / "broken_truthiness.py").read_text().splitlines()
    assert [lines[n - 1].strip() for n in divergence.since] == [
        "prompt = prompts[missing_prompt_idxs[i]]",
        "if llm_cache:  # the mistake",
        "for i, result in enumerate(new_results.generations):",
    ]


def test_the_forgotten_write_parts_at_the_first_event() -> None:
    expected, traced = _learner(
        "broken_forgets_existing_prompts.py", "hits-and-misses[update_cache]"
    )
    divergence = diverge(expected, traced)
    assert divergence is not None
    assert (divergence.index, divergence.expected) == (0, DictWrite("0", "new[0]"))
    assert divergence.step is not None
    assert divergence.step.source.strip() == "llm_cache.update(prompt, llm_string, result)"
    assert len(divergence.since) == 4  # from the start: the call's lines up to the write


def test_an_ending_that_differs_is_caused_by_the_helpers_own_return() -> None:
    expected, traced = _learner("broken_equals_true.py", "unsupported-1[update_cache]")
    divergence = diverge(expected, traced)
    assert divergence is not None
    assert divergence.index == 0
    assert divergence.expected == Finish(None, "ValueError")
    assert divergence.actual == DictWrite("0", "new[0]")


def test_a_helper_whose_timeline_ends_early_parts_where_it_ended() -> None:
    scenario = CASES_BY_NAME["hits-and-misses[update_cache]"].scenario
    traced = trace(scenario, llm_cache_reference, "not/the/file.py")
    assert traced.steps == ()
    expected = (*traced.timeline[:-1], DictWrite("9", "new[9]"), traced.timeline[-1])
    divergence = diverge(expected, traced)
    assert divergence is not None
    assert divergence.step is None
    assert divergence.since == ()
    assert caused_by(traced, 0) is None
    assert caused_by(traced, len(traced.timeline) - 1) is None


def _step(line: int, events: tuple[int, ...] = (), kind: str = "line", depth: int = 0) -> Step:
    return Step(kind, "f", depth, line, f"line {line}", (), events, State((), None, (), 0))  # type: ignore[arg-type]


def test_an_index_past_the_end_is_laid_at_the_last_step() -> None:
    steps = (_step(1, (0,)), _step(2))
    traced = Trace("x", steps, (DictWrite("0", "a"),), None, "stopped")
    assert caused_by(traced, 0) == steps[0]
    assert caused_by(traced, 1) == steps[1]
    divergence = diverge((DictWrite("0", "a"), END), traced)
    assert divergence is not None
    assert (divergence.actual, divergence.step, divergence.since) == (None, steps[1], ())


def test_a_long_loop_is_folded_to_its_first_two_and_last_repetitions() -> None:
    steps = [_step(1)] + [_step(line, (n,) * (line == 3)) for n in range(10) for line in (2, 3)]
    folded = fold(steps)
    assert [getattr(item, "line", item) for item in folded] == [
        1,
        2,
        3,
        2,
        3,
        Repeat((2, 3), 7, 7),
        2,
        3,
    ]


def test_a_step_to_keep_splits_the_fold() -> None:
    steps = [_step(line) for _ in range(12) for line in (2, 3)]
    folded = fold(steps, keep={13})  # the second line of the seventh repetition
    shown = [getattr(item, "line", item) for item in folded]
    assert shown == [2, 3, 2, 3, Repeat((2, 3), 4, 0), 2, 3, Repeat((2, 3), 4, 0), 2, 3]


@pytest.mark.parametrize("times", [1, 2, 3, 4])
def test_a_short_loop_is_shown_whole(times: int) -> None:
    steps = [_step(line) for _ in range(times) for line in (2, 3)]
    assert fold(steps) == tuple(steps)


def test_a_learner_loop_over_many_prompts_folds_in_the_trace(tmp_path: Path) -> None:
    path = tmp_path / "many.py"
    path.write_text(
        textwrap.dedent(
            """
            def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs,
                             new_results, prompts):
                for i, result in enumerate(new_results.generations):
                    existing_prompts[missing_prompt_idxs[i]] = result
                return new_results.llm_output
            """
        )
    )
    prompts = tuple(f"p{n}" for n in range(50))
    scenario = harness.Scenario(
        "update_cache",
        prompts=prompts,
        hits=(),
        missing_prompt_idxs=tuple(range(50)),
        generations=50,
    )
    traced = trace(scenario, load_candidate(str(path)), str(path))
    folded = fold(traced.steps)
    repeats = [item for item in folded if isinstance(item, Repeat)]
    assert repeats == [Repeat((4, 5), 47, 47)]
    assert len(folded) < 12
