"""Observing a call: `observe` runs one scenario; `run_cases` runs cases side by side."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from langchain_core.globals import get_llm_cache, set_llm_cache
from langchain_core.language_models import llms as langchain_llms
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference.harness.outcome import CacheContents, Outcome, difference
from llm_cache_reference.harness.recording import (
    Describer,
    Log,
    RecordingCache,
    cache_argument,
    langchain_package_global,
    recording_cache,
    stored_value,
)
from llm_cache_reference.harness.scenario import ASYNC_FUNCTIONS, LLM_STRING, Scenario


class WrongKind(TypeError):
    """The candidate's helper is sync where an async one is expected, or the reverse."""


def observe(scenario: Scenario, implementation: object) -> Outcome:
    """Run one scenario against one implementation and record what it did.

    Args:
        scenario: The call to make.
        implementation: A module or object with the helper as an attribute.

    Returns:
        The observed outcome. The global cache is restored afterwards.

    Raises:
        AttributeError: The implementation lacks the helper.
        WrongKind: The helper is not async where it should be, or the reverse.
    """
    function = getattr(implementation, scenario.function)
    describe = Describer()
    log = Log(describe)

    def new_cache(name: str) -> RecordingCache:
        cache = recording_cache(
            scenario.flavour, name, log, scenario.fail_on_write, scenario.fail_with
        )
        for prompt, kind in scenario.stored:
            value = stored_value(kind, prompt)
            describe.name(value, f"stored[{prompt!r}]")
            cache.store[prompt, str(sorted(scenario.params))] = value
        return cache

    cache_arg = cache_argument(scenario.cache, log, new_cache)
    caches = [cache_arg] if isinstance(cache_arg, RecordingCache) else []

    existing_prompts: dict[int, list[Generation]] = {}
    if scenario.writes_back:
        for i in scenario.hits:
            existing_prompts[i] = [Generation(text=f"hit {i}")]
            describe.name(existing_prompts[i], f"hit[{i}]")
        new_results = LLMResult(
            generations=[[Generation(text=f"new {i}")] for i in range(scenario.generations)],
            llm_output={"token_usage": 7},
        )
        for i, generation_list in enumerate(new_results.generations):
            describe.name(generation_list, f"new[{i}]")
        describe.name(new_results.llm_output, "llm_output")
        args: tuple[object, ...] = (
            cache_arg,
            existing_prompts,
            LLM_STRING,
            list(scenario.missing_prompt_idxs),
            new_results,
            list(scenario.prompts),
        )
    else:
        args = (dict(scenario.params), list(scenario.prompts), cache_arg)

    previous_global = get_llm_cache()
    if scenario.global_cache:
        caches.append(new_cache("global"))
    set_llm_cache(caches[-1] if scenario.global_cache else None)
    legacy: AbstractContextManager[None] = nullcontext()
    if scenario.langchain_global:
        caches.append(new_cache("langchain"))
        legacy = langchain_package_global(caches[-1])
    try:
        with legacy:
            returned, raised = _call(function, scenario.function in ASYNC_FUNCTIONS, args)
    finally:
        set_llm_cache(previous_global)
    return Outcome(
        returned=None if raised else describe(returned),
        raised=raised,
        existing_prompts=describe(existing_prompts) if scenario.writes_back else None,
        calls=tuple(log.calls),
        cached=tuple(_contents(cache, describe) for cache in caches),
    )


def _contents(cache: RecordingCache, describe: Describer) -> CacheContents:
    # By prompt alone: the calls show each key's llm_string.
    entries = tuple((prompt, describe(value)) for (prompt, _), value in cache.store.items())
    return CacheContents(cache.name, entries)


def _call(
    function: Callable[..., Any], is_async: bool, args: tuple[object, ...]
) -> tuple[object, str | None]:
    if inspect.iscoroutinefunction(function) != is_async:
        expected = "an async function" if is_async else "a plain (sync) function"
        raise WrongKind(f"{function.__name__} should be {expected}")
    try:
        result = function(*args)
        if is_async:
            result = asyncio.run(result)
    except Exception as error:
        return None, type(error).__name__
    return result, None


# --- Running cases -------------------------------------------------------------------------


class HasScenario(Protocol):
    """What `run_cases` needs of a case: its scenario (`cases.Case` has one)."""

    @property
    def scenario(self) -> Scenario:
        """The call the case makes."""
        ...


CaseT = TypeVar("CaseT", bound=HasScenario)


@dataclass(frozen=True)
class CaseResult(Generic[CaseT]):
    """One case run against langchain-core and against a candidate.

    Attributes:
        case: The case.
        expected: langchain-core's outcome.
        actual: The candidate's outcome.
        difference: Where the two differ, in words (see `difference`).
    """

    case: CaseT
    expected: Outcome
    actual: Outcome
    difference: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "difference", difference(self.expected, self.actual))

    @property
    def differing(self) -> tuple[str, ...]:
        """The names of the fields in which the candidate's outcome differs."""
        return self.expected.differing(self.actual)

    @property
    def agree(self) -> bool:
        """Whether the candidate did exactly what langchain-core did."""
        return self.expected == self.actual


def run_cases(
    candidate: object, cases: Sequence[CaseT], baseline: object = langchain_llms
) -> list[CaseResult[CaseT]]:
    """Run cases against a candidate and a baseline, langchain-core by default.

    Args:
        candidate: A module or object with the helpers as attributes.
        cases: Which cases to run, e.g. `cases.CASES`.
        baseline: What the candidate is compared with.

    Returns:
        One `CaseResult` per case, in order.
    """
    return [
        CaseResult(case, observe(case.scenario, baseline), observe(case.scenario, candidate))
        for case in cases
    ]
