"""A mistake learners make: `cache == True` where langchain-core checks `cache is True`.

`1 == True` and `0 == False`, so this version takes `cache=1` for "the global
cache" and `cache=0` for "no cache", where langchain-core refuses both.
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.globals import get_llm_cache
from langchain_core.outputs import Generation, LLMResult


def update_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    llm_cache = resolve_cache(cache=cache)
    for i, generations in enumerate(new_results.generations):
        index = missing_prompt_idxs[i]
        existing_prompts[index] = generations
        prompt = prompts[index]
        if llm_cache is not None:
            llm_cache.update(prompt, llm_string, generations)
    return new_results.llm_output


def resolve_cache(*, cache: BaseCache | bool | None) -> BaseCache | None:
    if isinstance(cache, BaseCache):
        return cache
    if cache is None:
        return get_llm_cache()
    if cache == True:  # noqa: E712  # the mistake
        if (global_cache := get_llm_cache()) is None:
            raise ValueError("cache=True, but no global cache is set")
        return global_cache
    if cache == False:  # noqa: E712  # the mistake
        return None
    raise ValueError(f"not a cache argument: {cache}")  # f"{cache}", as langchain-core
