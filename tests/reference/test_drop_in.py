"""The reference, patched into langchain-core, leaves `generate`/`agenerate` unchanged."""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_core.language_models import llms as langchain_llms
from langchain_core.language_models.fake import FakeListLLM

import llm_cache_reference
from llm_cache_reference.harness import FUNCTIONS
from llm_cache_reference.patching import patched_helpers

BATCHES: tuple[list[str], ...] = (["a", "b", "a"], ["b", "c"], ["a", "b", "c", "d"], ["d", "d"], [])


@pytest.fixture
def reference() -> Iterator[None]:
    """langchain-core's models run the reference's helpers for the rest of the test."""
    with patched_helpers(llm_cache_reference):
        yield


def _contents(cache: InMemoryCache) -> dict[tuple[str, str], list[str]]:
    return {key: [g.text for g in value] for key, value in cache._cache.items()}


def _run_sync(cache_arg: Any, global_cache: InMemoryCache | None) -> list[Any]:
    set_llm_cache(global_cache)
    llm = FakeListLLM(responses=[f"r{i}" for i in range(20)], cache=cache_arg)
    return [llm.generate(batch).model_dump(exclude={"run"}) for batch in BATCHES]


async def _run_async(cache_arg: Any, global_cache: InMemoryCache | None) -> list[Any]:
    set_llm_cache(global_cache)
    llm = FakeListLLM(responses=[f"r{i}" for i in range(20)], cache=cache_arg)
    return [(await llm.agenerate(batch)).model_dump(exclude={"run"}) for batch in BATCHES]


CACHE_SETTINGS = ["instance", "None+global", "True+global", "False+global", "None"]


def _cache_setting(setting: str) -> tuple[Any, InMemoryCache | None, InMemoryCache]:
    instance, global_cache = InMemoryCache(), InMemoryCache()
    arg = {"instance": instance, "True+global": True, "False+global": False}.get(setting)
    uses_global = setting.endswith("+global")
    return (
        arg,
        (global_cache if uses_global else None),
        (instance if arg is instance else global_cache),
    )


@pytest.mark.parametrize("setting", CACHE_SETTINGS)
def test_generate_is_unchanged(setting: str) -> None:
    arg, global_cache, written = _cache_setting(setting)
    expected = (_run_sync(arg, global_cache), _contents(written))
    arg, global_cache, written = _cache_setting(setting)
    with patched_helpers(llm_cache_reference):
        actual = (_run_sync(arg, global_cache), _contents(written))
    assert actual == expected
    assert expected[0][0]["generations"][0][0]["text"] == "r0"


@pytest.mark.parametrize("setting", CACHE_SETTINGS)
async def test_agenerate_is_unchanged(setting: str) -> None:
    arg, global_cache, written = _cache_setting(setting)
    expected = (await _run_async(arg, global_cache), _contents(written))
    arg, global_cache, written = _cache_setting(setting)
    with patched_helpers(llm_cache_reference):
        actual = (await _run_async(arg, global_cache), _contents(written))
    assert actual == expected


@pytest.mark.usefixtures("reference")
def test_repeats_are_served_from_the_cache_through_the_reference() -> None:
    results = _run_sync(InMemoryCache(), None)
    texts = [[gens[0]["text"] for gens in result["generations"]] for result in results]
    # A prompt repeated inside one batch misses twice (both lookups come before any
    # write), so the model answers it twice and the later answer is what stays cached.
    assert texts == [["r0", "r1", "r2"], ["r1", "r3"], ["r2", "r1", "r3", "r4"], ["r4", "r4"], []]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_signatures_match_langchain_core(name: str) -> None:
    ours = inspect.signature(getattr(llm_cache_reference, name))
    theirs = inspect.signature(getattr(langchain_llms, name))
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]


def test_resolve_cache_is_keyword_only_like_langchain_cores_private_one() -> None:
    ours = inspect.signature(llm_cache_reference.resolve_cache)
    assert [(p.name, p.kind) for p in ours.parameters.values()] == [
        ("cache", inspect.Parameter.KEYWORD_ONLY)
    ]


async def test_the_patched_helpers_are_the_ones_generate_calls() -> None:
    called: list[str] = []

    def spy(name: str, helper: Callable[..., Any]) -> Callable[..., Any]:
        def spied(*args: Any) -> Any:
            called.append(name)
            return helper(*args)

        return spied

    llm = FakeListLLM(responses=["r"], cache=InMemoryCache())
    with patched_helpers(llm_cache_reference, wrap=spy):
        llm.generate(["a"])
        await llm.agenerate(["b"])
    assert called == ["get_prompts", "update_cache", "aget_prompts", "aupdate_cache"]


def test_langchain_cores_helpers_are_back_after_the_block_even_when_it_raises() -> None:
    before = [getattr(langchain_llms, name) for name in FUNCTIONS]
    inside: list[object] = []

    def fails_inside_the_block() -> None:
        with patched_helpers(llm_cache_reference):
            inside.extend(getattr(langchain_llms, name) for name in FUNCTIONS)
            raise KeyError("inside")

    with pytest.raises(KeyError, match="inside"):
        fails_inside_the_block()
    assert inside == [getattr(llm_cache_reference, name) for name in FUNCTIONS]
    assert [getattr(langchain_llms, name) for name in FUNCTIONS] == before


def test_an_implementation_lacking_a_helper_replaces_nothing() -> None:
    before = [getattr(langchain_llms, name) for name in FUNCTIONS]
    partial = types.SimpleNamespace(update_cache=llm_cache_reference.update_cache)
    with pytest.raises(AttributeError, match="aupdate_cache"), patched_helpers(partial):
        pass
    assert [getattr(langchain_llms, name) for name in FUNCTIONS] == before
