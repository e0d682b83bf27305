"""Random scenarios, run against langchain-core and the reference: same outcome, always.

The `ci` profile (chosen when CI is set) is derandomized, so a CI run is repeatable.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
import types
from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference.harness import (
    FUNCTIONS,
    CacheArg,
    Flavour,
    Scenario,
    Stored,
    difference,
    observe,
)

settings.register_profile(
    "default", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

PROMPTS = st.lists(st.sampled_from(["a", "b", "c", "d", ""]), max_size=5).map(tuple)
INDICES = st.lists(st.integers(min_value=-2, max_value=6), max_size=5).map(tuple)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    prompts = draw(PROMPTS)
    return Scenario(
        function=draw(st.sampled_from(FUNCTIONS)),
        cache=draw(st.sampled_from(get_args(CacheArg))),
        global_cache=draw(st.booleans()),
        flavour=draw(st.sampled_from(get_args(Flavour))),
        prompts=prompts,
        hits=draw(INDICES),
        missing_prompt_idxs=draw(INDICES),
        generations=draw(st.integers(min_value=0, max_value=6)),
        fail_on_write=draw(st.none() | st.integers(min_value=1, max_value=4)),
        params=draw(
            st.lists(
                st.tuples(st.sampled_from(["model", "stop", "temperature"]), st.integers()),
                unique_by=lambda item: item[0],
                max_size=3,
            ).map(tuple)
        ),
        stored=draw(
            st.lists(
                st.tuples(st.sampled_from(prompts or ("a",)), st.sampled_from(get_args(Stored))),
                unique_by=lambda item: item[0],
                max_size=3,
            ).map(tuple)
        ),
    )


@given(scenarios())
def test_random_scenarios_behave_identically(scenario: Scenario) -> None:
    expected = observe(scenario, langchain_llms)
    actual = observe(scenario, llm_cache_reference)
    assert actual == expected, difference(expected, actual)


def _append_order(implementation: object, name: str) -> list[str]:
    """Which list each `append` in the lookup helper went to, in order, seen by a profiler."""
    targets: list[object] = []

    def profile(frame: types.FrameType, event: str, arg: object) -> None:
        in_helper = event == "c_call" and frame.f_code.co_name == name
        if in_helper and getattr(arg, "__name__", None) == "append":
            targets.append(arg.__self__)  # type: ignore[attr-defined]

    helper = getattr(implementation, name)
    sys.setprofile(profile)
    try:
        result = helper({}, ["p", "q"], False)
        if inspect.iscoroutine(result):
            result = asyncio.run(result)
    finally:
        sys.setprofile(None)
    _, _, missing_prompt_idxs, missing_prompts = result
    names = {id(missing_prompt_idxs): "index", id(missing_prompts): "prompt"}
    return [names.get(id(target), "another list") for target in targets]


@pytest.mark.parametrize("name", ["get_prompts", "aget_prompts"])
def test_a_miss_is_noted_prompt_first_then_index_as_in_langchain_core(name: str) -> None:
    expected = _append_order(langchain_llms, name)
    assert expected == ["prompt", "index", "prompt", "index"]
    assert _append_order(llm_cache_reference, name) == expected
