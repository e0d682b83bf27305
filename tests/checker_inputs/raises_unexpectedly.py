"""Plausible slips that raise where langchain-core does not: a misspelt name and
a method that the cache does not have.
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
        if llm_cache is not None:
            llm_cache.update(prompt, llm_string, result)
    return new_results.llm_outputs  # type: ignore[attr-defined,no-any-return]  # the slip


def get_prompts(
    params: dict[str, Any], prompts: list[str], cache: BaseCache | bool | None = None
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    llm_string = str(sorted(params.items()))
    existing_prompts: dict[int, list[Generation]] = {}
    missing_prompt_idxs: list[int] = []
    missing_prompts: list[str] = []
    llm_cache = resolve_cache(cache=cache)
    for i, prompt in enumerate(prompts):
        if llm_cache is not None:
            cached = llm_cache.lookup(prompt, llm_string)
            if isinstance(cached, list):
                existing_prompts[i] = cached
                continue
        missing_prompt_idxs.append(i)
        missing_prompts.append(promt)  # type: ignore[name-defined]  # noqa: F821  # the slip
    return existing_prompts, llm_string, missing_prompt_idxs, missing_prompts
