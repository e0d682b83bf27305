"""A plausible mistake: calling the cache's `aupdate` without awaiting it.

The call makes a coroutine and drops it, so nothing is written, and Python
warns that the coroutine was never awaited. mypy --strict catches it
(`unused-coroutine`), hence the ignore below.
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference import resolve_cache


async def aupdate_cache(
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
        if llm_cache is not None:
            llm_cache.aupdate(prompt, llm_string, result)  # type: ignore[unused-coroutine]
    return new_results.llm_output
