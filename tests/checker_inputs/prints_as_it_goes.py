"""A learner's working helper, with the print() calls of someone finding their way.

The checker shows what each case printed under that case's row.
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference import resolve_cache

print("loading my helpers")


def update_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    llm_cache = resolve_cache(cache=cache)
    print(f"{len(new_results.generations)} new, missing {missing_prompt_idxs}")
    for i, result in enumerate(new_results.generations):
        existing_prompts[missing_prompt_idxs[i]] = result
        prompt = prompts[missing_prompt_idxs[i]]
        if llm_cache is not None:
            print(f"writing {prompt!r}")
            llm_cache.update(prompt, llm_string, result)
    return new_results.llm_output
