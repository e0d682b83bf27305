"""A plausible mistake: writing to the cache but not into `existing_prompts`.

`BaseLLM.generate` builds its answer from `existing_prompts`, so the caller
would get no generations for the prompts the model just answered.
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
        prompt = prompts[missing_prompt_idxs[i]]
        if llm_cache is not None:
            llm_cache.update(prompt, llm_string, result)
    return new_results.llm_output
