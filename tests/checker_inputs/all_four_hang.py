"""All four helpers never return: two spin, two wait for what never happens.

The checker stops each helper once, in its first case, so the whole check
costs about one time limit per helper.
"""

from __future__ import annotations

import asyncio
from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.outputs import Generation, LLMResult


def update_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    while True:  # waiting for a condition that nothing will change
        pass


async def aupdate_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    await asyncio.Event().wait()  # nothing will ever set it
    return None


def get_prompts(
    params: dict[str, Any], prompts: list[str], cache: BaseCache | bool | None = None
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    i = 0
    while i < len(prompts):  # i never moves
        pass
    return {}, "", [], []


async def aget_prompts(
    params: dict[str, Any], prompts: list[str], cache: BaseCache | bool | None = None
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    while True:  # noqa: ASYNC110 (the mistake: polls for a result that never comes)
        await asyncio.sleep(0.01)
