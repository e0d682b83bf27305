"""The reference, patched into langchain-core, leaves `generate`/`agenerate` unchanged."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_core.language_models import llms as langchain_llms
from langchain_core.language_models.fake import FakeListLLM

import llm_cache_reference
from llm_cache_reference import cases

HELPERS = ("update_cache", "aupdate_cache", "get_prompts", "aget_prompts")
BATCHES: tuple[list[str], ...] = (["a", "b", "a"], ["b", "c"], ["a", "b", "c", "d"], ["d", "d"], [])


def _patched(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in HELPERS:
        monkeypatch.setattr(langchain_llms, name, getattr(llm_cache_reference, name))


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
def test_generate_is_unchanged(setting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    arg, global_cache, written = _cache_setting(setting)
    expected = (_run_sync(arg, global_cache), _contents(written))
    _patched(monkeypatch)
    arg, global_cache, written = _cache_setting(setting)
    actual = (_run_sync(arg, global_cache), _contents(written))
    assert actual == expected
    assert expected[0][0]["generations"][0][0]["text"] == "r0"


@pytest.mark.parametrize("setting", CACHE_SETTINGS)
async def test_agenerate_is_unchanged(setting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    arg, global_cache, written = _cache_setting(setting)
    expected = (await _run_async(arg, global_cache), _contents(written))
    _patched(monkeypatch)
    arg, global_cache, written = _cache_setting(setting)
    actual = (await _run_async(arg, global_cache), _contents(written))
    assert actual == expected


def test_repeats_are_served_from_the_cache_through_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _patched(monkeypatch)
    results = _run_sync(InMemoryCache(), None)
    texts = [[gens[0]["text"] for gens in result["generations"]] for result in results]
    # A prompt repeated inside one batch misses twice (both lookups come before any
    # write), so the model answers it twice and the later answer is what stays cached.
    assert texts == [["r0", "r1", "r2"], ["r1", "r3"], ["r2", "r1", "r3", "r4"], ["r4", "r4"], []]


@pytest.mark.parametrize("name", HELPERS)
def test_signatures_match_langchain_core(name: str) -> None:
    ours = inspect.signature(getattr(llm_cache_reference, name))
    theirs = inspect.signature(getattr(langchain_llms, name))
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]
    assert cases.FUNCTIONS == HELPERS


def test_resolve_cache_is_keyword_only_like_langchain_cores_private_one() -> None:
    ours = inspect.signature(llm_cache_reference.resolve_cache)
    assert [(p.name, p.kind) for p in ours.parameters.values()] == [
        ("cache", inspect.Parameter.KEYWORD_ONLY)
    ]


async def test_the_patched_helpers_are_the_ones_generate_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    called: list[str] = []
    for name in HELPERS:
        helper = getattr(llm_cache_reference, name)

        def spy(*args: Any, _name: str = name, _helper: Any = helper) -> Any:
            called.append(_name)
            return _helper(*args)

        monkeypatch.setattr(langchain_llms, name, spy)
    llm = FakeListLLM(responses=["r"], cache=InMemoryCache())
    llm.generate(["a"])
    await llm.agenerate(["b"])
    assert called == ["get_prompts", "update_cache", "aget_prompts", "aupdate_cache"]
