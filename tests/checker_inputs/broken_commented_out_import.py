"""A mistake learners make: step 2 written, but the starter's import left commented out.

`get_llm_cache` is only looked up when `resolve_cache` reaches it, so the file
loads, every step 1 case passes, and each step 2 case that needs the global
cache raises `NameError` instead.
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.outputs import Generation, LLMResult

# You will want this in step 2:
# from langchain_core.globals import get_llm_cache


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
    # The mistake: get_llm_cache was never imported.
    if cache is None:
        return get_llm_cache()  # type: ignore[name-defined,no-any-return]  # noqa: F821
    if cache is True:
        if (global_cache := get_llm_cache()) is None:  # type: ignore[name-defined]  # noqa: F821
            raise ValueError("cache=True, but no global cache is set")
        return global_cache  # type: ignore[no-any-return]
    if cache is False:
        return None
    raise ValueError(f"not a cache argument: {cache}")  # f"{cache}", as langchain-core
