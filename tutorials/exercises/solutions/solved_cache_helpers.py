"""One solution to the workshop's exercise file, step by step.

Every behaviour case agrees with langchain-core:

    python -m llm_cache_reference check \
        tutorials/exercises/solutions/solved_cache_helpers.py
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.globals import get_llm_cache
from langchain_core.outputs import Generation, LLMResult


# --8<-- [start:step1]
def update_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    """Write the new generations to `existing_prompts`, then the cache."""
    llm_cache = resolve_cache(cache=cache)
    # Indexing, not zip(): zip would stop quietly where langchain-core raises
    # IndexError (more generation lists than indices).
    for i, generations in enumerate(new_results.generations):
        index = missing_prompt_idxs[i]
        # Before the cache: it stays if the write fails.
        existing_prompts[index] = generations
        # Even with no cache: a bad index raises either way.
        prompt = prompts[index]
        # Not `if llm_cache:`: an empty cache may be falsy.
        if llm_cache is not None:
            llm_cache.update(prompt, llm_string, generations)
    return new_results.llm_output


# --8<-- [end:step1]


# --8<-- [start:step2]
def resolve_cache(*, cache: BaseCache | bool | None) -> BaseCache | None:
    """Turn the `cache` argument into the cache to use, or `None` for none."""
    if isinstance(cache, BaseCache):
        return cache
    if cache is None:
        return get_llm_cache()
    # `is`, not `==`: 1 == True, and 1 must be refused.
    if cache is True:
        if (global_cache := get_llm_cache()) is None:
            raise ValueError("cache=True, but no global cache is set")
        return global_cache
    if cache is False:
        return None
    # f"{cache}", as langchain-core words it.
    raise ValueError(f"not a cache argument: {cache}")


# --8<-- [end:step2]


# --8<-- [start:step3]
async def aupdate_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    """Do what `update_cache` does, with the cache's async `aupdate`."""
    llm_cache = resolve_cache(cache=cache)
    for i, generations in enumerate(new_results.generations):
        index = missing_prompt_idxs[i]
        existing_prompts[index] = generations
        prompt = prompts[index]
        if llm_cache is not None:
            await llm_cache.aupdate(prompt, llm_string, generations)
    return new_results.llm_output


# --8<-- [end:step3]


# --8<-- [start:step4]
def get_prompts(
    params: dict[str, Any],
    prompts: list[str],
    cache: BaseCache | bool | None = None,
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    """Split the batch into hits and misses."""
    llm_string = str(sorted(params.items()))
    llm_cache = resolve_cache(cache=cache)
    hits: dict[int, list[Generation]] = {}
    missing_idxs: list[int] = []
    for index, prompt in enumerate(prompts):
        found = (
            None if llm_cache is None else llm_cache.lookup(prompt, llm_string)
        )
        if isinstance(found, list):
            hits[index] = found
        else:
            missing_idxs.append(index)
    return (
        hits,
        llm_string,
        missing_idxs,
        [prompts[index] for index in missing_idxs],
    )


async def aget_prompts(
    params: dict[str, Any],
    prompts: list[str],
    cache: BaseCache | bool | None = None,
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    """Do what `get_prompts` does, with the cache's async `alookup`."""
    llm_string = str(sorted(params.items()))
    llm_cache = resolve_cache(cache=cache)
    hits: dict[int, list[Generation]] = {}
    missing_idxs: list[int] = []
    for index, prompt in enumerate(prompts):
        found = (
            None
            if llm_cache is None
            else await llm_cache.alookup(prompt, llm_string)
        )
        if isinstance(found, list):
            hits[index] = found
        else:
            missing_idxs.append(index)
    return (
        hits,
        llm_string,
        missing_idxs,
        [prompts[index] for index in missing_idxs],
    )


# --8<-- [end:step4]
