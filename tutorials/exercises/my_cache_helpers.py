"""Your own LLM cache helpers: the workshop's exercise file.

Work through the four steps in order. Each is marked `STEP N` below, and each
has its own check, which runs only that step's behaviour cases:

    python -m llm_cache_reference check \
        tutorials/exercises/my_cache_helpers.py --step 1

Leave out `--step` to run every case. A step is done when its check ends
with "all agree with langchain-core".

The functions keep langchain-core's names and signatures, so that, once the
checks pass, they could be patched into `langchain_core.language_models.llms`
(tutorial 07 does that with the reference).
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.outputs import Generation, LLMResult

# You will want this in step 2:
# from langchain_core.globals import get_llm_cache


# STEP 1: the write-back.
def update_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    """Write the new generations back: into `existing_prompts`, then the cache.

    `new_results.generations[i]` answers the prompt at index
    `missing_prompt_idxs[i]` of `prompts`. For each generation list, in order:
    put it into `existing_prompts` under that index, then, if there is a cache,
    write it there under the prompt's text and `llm_string`. Return
    `new_results.llm_output` itself.

    Start with `llm_cache = resolve_cache(cache=cache)`: for now it passes a
    cache instance through, which is all the step 1 cases use.
    """
    raise NotImplementedError("step 1: write the new generations back")


# STEP 2: which cache does `cache` mean?
def resolve_cache(*, cache: BaseCache | bool | None) -> BaseCache | None:
    """Turn the `cache` argument into the cache to use, or `None` for none.

    A `BaseCache` instance is used as it is. `None` means the global cache
    (`get_llm_cache()`), which may itself be `None`. `True` means the global
    cache too, but raise `ValueError` if none is set. `False` means no cache.
    Anything else raises `ValueError`, with a message that shows the value as
    f"{cache}" does (not `repr`: see the case `unsupported-unprintable`).
    """
    # A stand-in so that step 1 can be checked first: right for instances only.
    return cache if isinstance(cache, BaseCache) else None


# STEP 3: the async twin.
async def aupdate_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    """Do what `update_cache` does, with the cache's async `aupdate`."""
    raise NotImplementedError("step 3: the async twin of update_cache")


# STEP 4 (the read side): look the prompts up before the model runs.
def get_prompts(
    params: dict[str, Any],
    prompts: list[str],
    cache: BaseCache | bool | None = None,
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    """Split the batch into hits and misses.

    `llm_string` is `str(sorted(params.items()))`. Look every prompt up with
    `cache.lookup(prompt, llm_string)`; a result counts as a hit only if it is
    a `list`. Return `(existing_prompts, llm_string, missing_prompt_idxs,
    missing_prompts)`: the hits by index, then the index and text of each miss.
    """
    raise NotImplementedError("step 4: look the prompts up")


async def aget_prompts(
    params: dict[str, Any],
    prompts: list[str],
    cache: BaseCache | bool | None = None,
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    """Do what `get_prompts` does, with the cache's async `alookup`."""
    raise NotImplementedError("step 4: the async twin of get_prompts")
