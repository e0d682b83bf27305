"""Helpers whose parameters are named or ordered unlike langchain-core's.

Called by position they might even work, but a caller that passes a
parameter by name (`cache=...`) would fail.
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.outputs import Generation, LLMResult

import llm_cache_reference


def update_cache(
    cache: BaseCache | bool | None,
    existing: dict[int, list[Generation]],  # langchain-core calls it existing_prompts
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    return llm_cache_reference.update_cache(
        cache, existing, llm_string, missing_prompt_idxs, new_results, prompts
    )


def get_prompts(  # langchain-core's order is params, prompts, cache
    prompts: list[str], params: dict[str, Any], cache: BaseCache | bool | None = None
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    return llm_cache_reference.get_prompts(params, prompts, cache)
