"""A loop that doubles a buffer until its length is exactly 3, which it never is.

Without a memory cap it would take the machine with it; in the checker's child
it soon runs out of the memory it is allowed.
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.outputs import Generation, LLMResult

import llm_cache_reference


def update_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    if len(new_results.generations) > len(missing_prompt_idxs):
        buffer = bytearray(1)
        while len(buffer) != 3:  # 1, 2, 4, 8, ...: never 3
            buffer = buffer * 2
    return llm_cache_reference.update_cache(
        cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts
    )
