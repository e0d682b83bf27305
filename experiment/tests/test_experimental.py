"""The concurrent write-back experiment: same end state on success, documented failures.

No test here measures time: concurrency is shown by the order in which the cache logs
its writes beginning and ending.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import types
from collections import Counter
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.caches import BaseCache
from langchain_core.language_models import llms as langchain_llms
from langchain_core.outputs import Generation, LLMResult
from typing_extensions import override

import llm_cache_reference
from experiment import page
from experiment.experimental import aupdate_cache_concurrent
from llm_cache_reference.cases import CASES, CASES_BY_NAME, Case
from llm_cache_reference.harness import (
    CacheArg,
    CacheCall,
    CacheContents,
    Flavour,
    Outcome,
    Phase,
    Scenario,
    run_cases,
)
from llm_cache_reference.harness import observe as observe_with

CONCURRENT = types.SimpleNamespace(aupdate_cache=aupdate_cache_concurrent)
WRITE_BACK_CASES = [case for case in CASES if case.scenario.function == "aupdate_cache"]


def observe(scenario: Scenario) -> Outcome:
    return observe_with(scenario, CONCURRENT)


def write(prompt: str, generations: str, phase: Phase | None) -> CacheCall:
    """The cache's log of one of its writes, as `observe` records it."""
    method = "update" if phase is None else "aupdate"
    return CacheCall("cache", method, (repr(prompt), "'llm-string'", generations), phase)


def end_state(outcome: Outcome) -> tuple[object, ...]:
    """All an outcome says but the order of the cache calls."""
    return (outcome.returned, outcome.raised, outcome.existing_prompts, outcome.cached)


def test_signature_is_aupdate_caches() -> None:
    ours = inspect.signature(aupdate_cache_concurrent)
    theirs = inspect.signature(langchain_llms.aupdate_cache)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]
    assert inspect.iscoroutinefunction(aupdate_cache_concurrent)


@pytest.mark.parametrize("case", WRITE_BACK_CASES, ids=[case.name for case in WRITE_BACK_CASES])
def test_every_case_ends_as_langchain_core_ends_its_calls_differing_only_by_the_rules(
    case: Case,
) -> None:
    expected = observe_with(case.scenario, langchain_llms)
    actual = observe(case.scenario)
    assert end_state(actual) == end_state(expected)
    # How the calls may differ is the one list of rules the page shows: `page.verdict`.
    [result] = run_cases(CONCURRENT, (case,))
    assert page.verdict(result).explained


def test_writes_to_an_async_cache_overlap() -> None:
    outcome = observe(CASES_BY_NAME["awaits-each-write[aupdate_cache]"].scenario)
    assert outcome.returned == "llm_output"
    assert outcome.calls == (
        write("a", "new[0]", "begins"),
        write("c", "new[1]", "begins"),
        write("d", "new[2]", "begins"),
        write("a", "new[0]", "ends"),
        write("c", "new[1]", "ends"),
        write("d", "new[2]", "ends"),
    )


def test_a_failed_write_lets_the_others_finish_then_raises() -> None:
    outcome = observe(Scenario("aupdate_cache", flavour="async", fail_on_write=1))
    assert outcome.raised == "CacheWriteError"
    assert outcome.existing_prompts == "{1: hit[1], 0: new[0], 2: new[1]}"
    assert outcome.calls == (
        write("a", "new[0]", "begins"),
        write("c", "new[1]", "begins"),
        write("c", "new[1]", "ends"),
    )
    assert outcome.cached == (CacheContents("cache", (("c", "new[1]"),)),)


def test_a_cache_with_only_sync_methods_is_written_one_at_a_time_but_every_write_runs() -> None:
    # The first write fails; langchain-core would not make the second at all.
    outcome = observe(Scenario("aupdate_cache", flavour="sync", fail_on_write=1))
    assert outcome.raised == "CacheWriteError"
    assert outcome.calls == (write("a", "new[0]", None), write("c", "new[1]", None))
    assert outcome.cached == (CacheContents("cache", (("c", "new[1]"),)),)


def test_a_failed_write_wins_over_a_walk_error_that_comes_after_it() -> None:
    # Three generation lists for two indices: the walk stops with IndexError after
    # collecting both writes; the first write fails, and that is what surfaces.
    outcome = observe(Scenario("aupdate_cache", flavour="async", generations=3, fail_on_write=1))
    assert outcome.raised == "CacheWriteError"
    assert outcome.existing_prompts == "{1: hit[1], 0: new[0], 2: new[1]}"


def test_a_repeated_prompt_is_written_once_with_its_last_generations() -> None:
    scenario = Scenario(
        "aupdate_cache", flavour="async", prompts=("a", "b", "a"), missing_prompt_idxs=(0, 2)
    )
    outcome = observe(scenario)
    assert outcome.existing_prompts == "{1: hit[1], 0: new[0], 2: new[1]}"
    assert outcome.calls == (write("a", "new[1]", "begins"), write("a", "new[1]", "ends"))
    assert outcome.cached == (CacheContents("cache", (("a", "new[1]"),)),)


class WriteFailed(Exception):
    """Raised by `ScriptedCache` for a prompt it is told to refuse."""


class ScriptedCache(BaseCache):
    """An async cache whose writes take a set number of loop turns, and may fail."""

    def __init__(self, turns: dict[str, int], failing: frozenset[str] = frozenset()) -> None:
        self.turns, self.failing = turns, failing
        self.store: dict[str, Any] = {}
        self.events: list[tuple[str, str]] = []

    @override
    def lookup(self, prompt: str, llm_string: str) -> Any:
        return self.store.get(prompt)

    @override
    def update(self, prompt: str, llm_string: str, return_val: Any) -> None:
        raise NotImplementedError  # only the async path is exercised

    @override
    def clear(self, **kwargs: Any) -> None:
        self.store.clear()

    @override
    async def aupdate(self, prompt: str, llm_string: str, return_val: Any) -> None:
        self.events.append((prompt, "begins"))
        try:
            for _ in range(self.turns.get(prompt, 1)):
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            self.events.append((prompt, "cancelled"))
            raise
        if prompt in self.failing:
            self.events.append((prompt, "fails"))
            raise WriteFailed(prompt)
        self.store[prompt] = return_val
        self.events.append((prompt, "ends"))

    def begun(self) -> list[str]:
        """The prompts whose writes began, in the order they began."""
        return [prompt for prompt, event in self.events if event == "begins"]


def _results(count: int) -> LLMResult:
    return LLMResult(generations=[[Generation(text=f"new {i}")] for i in range(count)])


async def test_the_first_failure_in_prompt_order_is_raised_not_the_first_in_time() -> None:
    # Later prompts finish sooner, so "d" fails before "b" does.
    cache = ScriptedCache({"a": 4, "b": 3, "c": 2, "d": 1}, failing=frozenset({"b", "d"}))
    found: dict[int, list[Generation]] = {}
    with pytest.raises(WriteFailed) as raised:
        await aupdate_cache_concurrent(cache, found, "s", [0, 1, 2, 3], _results(4), list("abcd"))
    assert raised.value.args == ("b",)
    assert cache.events == [
        ("a", "begins"),
        ("b", "begins"),
        ("c", "begins"),
        ("d", "begins"),
        ("d", "fails"),
        ("c", "ends"),
        ("b", "fails"),
        ("a", "ends"),
    ]
    assert sorted(cache.store) == ["a", "c"]
    assert sorted(found) == [0, 1, 2, 3]


async def test_nothing_is_left_running_when_a_failure_is_raised() -> None:
    cache = ScriptedCache({"a": 1, "b": 50}, failing=frozenset({"a"}))
    with pytest.raises(WriteFailed):
        await aupdate_cache_concurrent(cache, {}, "s", [0, 1], _results(2), ["a", "b"])
    assert cache.events[-1] == ("b", "ends")
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_cancelling_the_caller_cancels_every_write_in_flight() -> None:
    cache = ScriptedCache({"a": 1000, "b": 1000})
    call = asyncio.create_task(
        aupdate_cache_concurrent(cache, {}, "s", [0, 1], _results(2), ["a", "b"])
    )
    for _ in range(2):  # one turn for the call to start the writes, one for them to run
        await asyncio.sleep(0)
    assert cache.events == [("a", "begins"), ("b", "begins")]
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert cache.events[2:] == [("a", "cancelled"), ("b", "cancelled")]
    assert cache.store == {}


# --- Random scenarios ------------------------------------------------------------------

settings.register_profile("experimental", max_examples=150, deadline=None)
settings.register_profile(
    "experimental-ci", parent=settings.get_profile("experimental"), derandomize=True
)
PROFILE = settings.get_profile("experimental-ci" if os.environ.get("CI") else "experimental")
INSTANCE: CacheArg = "instance"
ASYNC: Flavour = "async"
PROMPTS = st.lists(st.sampled_from(["a", "b", "c", ""]), max_size=5).map(tuple)
INDICES = st.lists(st.integers(min_value=-2, max_value=6), max_size=5).map(tuple)


def _indices(draw: st.DrawFn, prompts: tuple[str, ...], min_size: int = 0) -> tuple[int, ...]:
    """Mostly indices into the prompts, so that most calls get as far as writing."""
    anywhere = st.integers(min_value=-2, max_value=6)
    inside = st.integers(min_value=-len(prompts), max_value=len(prompts) - 1)
    index = (inside | anywhere) if prompts else anywhere
    return tuple(draw(st.lists(index, min_size=min_size, max_size=5)))


@st.composite
def successful_scenarios(draw: st.DrawFn) -> Scenario:
    prompts = draw(PROMPTS)
    indices = _indices(draw, prompts)
    return Scenario(
        function="aupdate_cache",
        # Weighted towards what writes, and writes concurrently.
        cache=draw(st.just(INSTANCE) | st.sampled_from(get_args(CacheArg))),
        global_cache=draw(st.booleans()),
        flavour=draw(st.just(ASYNC) | st.sampled_from(get_args(Flavour))),
        prompts=prompts,
        hits=draw(INDICES),
        missing_prompt_idxs=indices,
        generations=draw(st.just(len(indices)) | st.integers(min_value=0, max_value=6)),
    )


@settings(PROFILE)
@given(successful_scenarios())
def test_with_no_failing_write_the_end_state_is_the_references(scenario: Scenario) -> None:
    expected = observe_with(scenario, llm_cache_reference)
    actual = observe(scenario)
    assert end_state(actual) == end_state(expected)
    # Only calls the reference made, and the same prompts written, each once.
    assert Counter(actual.calls) <= Counter(expected.calls)
    written = [call.arguments[0] for call in actual.calls if call.phase != "ends"]
    assert sorted(written) == sorted(set(written))
    assert set(written) == {call.arguments[0] for call in expected.calls}
    # With an async cache, every write begins before the first one ends.
    began = [i for i, call in enumerate(actual.calls) if call.phase == "begins"]
    ended = [i for i, call in enumerate(actual.calls) if call.phase == "ends"]
    assert not began or max(began) < min(ended)


@st.composite
def failing_calls(draw: st.DrawFn) -> tuple[list[str], list[int], int, ScriptedCache]:
    """Arguments for a call, and a cache that refuses some prompts and delays others."""
    prompts = draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=6).map(tuple))
    indices = _indices(draw, prompts, min_size=1)
    generations = draw(st.just(len(indices)) | st.integers(min_value=0, max_value=6))
    failing = draw(st.frozensets(st.sampled_from("abcd")))
    turns = draw(st.dictionaries(st.sampled_from("abcd"), st.integers(0, 3)))
    return list(prompts), list(indices), generations, ScriptedCache(turns, failing)


@settings(PROFILE)
@given(failing_calls())
def test_failures_follow_the_documented_rules(
    call_args: tuple[list[str], list[int], int, ScriptedCache],
) -> None:
    prompts, indices, generations, cache = call_args
    results = _results(generations)
    # What the faithful aupdate_cache does with a cache that refuses nothing.
    sequential_cache = ScriptedCache({})
    sequential_found: dict[int, list[Generation]] = {}
    sequential = llm_cache_reference.aupdate_cache(
        sequential_cache, sequential_found, "s", indices, results, prompts
    )
    sequential_raised = _outcome(sequential)
    found: dict[int, list[Generation]] = {}
    raised = _outcome(aupdate_cache_concurrent(cache, found, "s", indices, results, prompts))

    assert found == sequential_found  # filled as the walk goes, failures or not
    # Each prompt is written once, in the order it was first written, and every write
    # lands but the refused ones, with what the sequential writes leave last.
    assert cache.begun() == list(dict.fromkeys(sequential_cache.begun()))
    assert cache.store == {
        prompt: value
        for prompt, value in sequential_cache.store.items()
        if prompt not in cache.failing
    }
    refused = [prompt for prompt in cache.begun() if prompt in cache.failing]
    if refused:
        assert raised == ("WriteFailed", (refused[0],))
    else:
        assert raised == sequential_raised


def _outcome(call: Any) -> tuple[str, tuple[Any, ...]] | None:
    try:
        asyncio.run(call)
    except Exception as error:
        return type(error).__name__, error.args
    return None
