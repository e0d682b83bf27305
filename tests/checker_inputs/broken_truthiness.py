"""A plausible mistake: `if llm_cache:`, not `is not None` like langchain-core.

An empty cache can be falsy (any cache with a `__len__` is, while it is empty),
so this version never writes to a fresh cache of that kind.
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference import resolve_cache


def update_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    llm_cache = resolve_cache(cache=cache)
    for i, result in enumerate(new_results.generations):
        existing_prompts[missing_prompt_idxs[i]] = result
        prompt = prompts[missing_prompt_idxs[i]]
        if llm_cache:  # the mistake
            llm_cache.update(prompt, llm_string, result)
    return new_results.llm_output
