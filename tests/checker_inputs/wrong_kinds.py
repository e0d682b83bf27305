"""Helpers of the wrong kind, each a slip a learner could make: `yield` for
`return`, in a plain and in an async function; `def` where `async def` is
needed, and the reverse.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
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
) -> Iterator[dict[str, Any] | None]:
    yield new_results.llm_output  # the slip: yield for return


async def aupdate_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> AsyncIterator[dict[str, Any] | None]:
    yield new_results.llm_output  # the same slip, async


def aget_prompts(  # the slip: def, not async def
    params: dict[str, Any], prompts: list[str], cache: BaseCache | bool | None = None
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    return {}, str(sorted(params.items())), list(range(len(prompts))), list(prompts)


async def get_prompts(  # the slip: async def, not def
    params: dict[str, Any], prompts: list[str], cache: BaseCache | bool | None = None
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    return {}, str(sorted(params.items())), list(range(len(prompts))), list(prompts)
