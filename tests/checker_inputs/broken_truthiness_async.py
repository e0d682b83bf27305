"""The same plausible mistake in the async twin: `if llm_cache:`, not `is not None`.

langchain-core's own `aupdate_cache` behaved so until 1.5.5 (see the version history), so
the checker tells a learner who makes it which releases did exactly what theirs does.
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
        if llm_cache:  # the mistake
            await llm_cache.aupdate(prompt, llm_string, result)
    return new_results.llm_output
