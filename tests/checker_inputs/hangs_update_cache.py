"""A plausible mistake: a `while` loop whose index never moves, so it never returns.

The checker stops it after the time limit, in the first case that writes
anything, and reports the helper's remaining cases at once as not run.
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
    i = 0
    while i < len(new_results.generations):  # the mistake: i never moves
        result = new_results.generations[i]
        existing_prompts[missing_prompt_idxs[i]] = result
        if llm_cache is not None:
            llm_cache.update(prompts[missing_prompt_idxs[i]], llm_string, result)
    return new_results.llm_output
