"""LangChain's LLM cache helpers, rebuilt so they can be read top to bottom.

`BaseLLM.generate` and `BaseLLM.agenerate` in langchain-core consult the cache in
two halves around the model call:

1. `get_prompts` (or `aget_prompts`) looks every prompt up and splits the batch
   into hits, which need no model call, and misses, which do.
2. The model runs on the misses only.
3. `update_cache` (or `aupdate_cache`) writes the new generations back: into the
   caller's `existing_prompts` dict, and into the cache.

Both halves first decide which cache to use from the `cache` argument, in
`resolve_cache`. Each async twin is its sync twin with `await` added; they are
kept side by side so the two can be compared line by line.
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.globals import get_llm_cache
from langchain_core.outputs import Generation, LLMResult

__all__ = ["aget_prompts", "aupdate_cache", "get_prompts", "resolve_cache", "update_cache"]


def resolve_cache(*, cache: BaseCache | bool | None) -> BaseCache | None:
    """Turn a `cache` argument into the cache to use, or `None` for no caching.

    Args:
        cache: A `BaseCache` instance is used as it is. `None` means "the global
            cache, if one is set". `True` means "the global cache, which must be
            set". `False` means "no cache, even if a global one is set".

    Returns:
        The cache to read and write, or `None` when nothing is to be cached.

    Raises:
        ValueError: `cache` is `True` but no global cache is set, or `cache` is
            of any other kind (`1`, `0` and `"yes"` included: only the `True` and
            `False` singletons count as booleans here). The message shows the
            value as `format` does, so a value that cannot be shown as text
            raises that error instead, as in langchain-core.

    Examples:
        >>> from langchain_core.caches import InMemoryCache
        >>> from langchain_core.globals import set_llm_cache
        >>> set_llm_cache(None)
        >>> print(resolve_cache(cache=None))
        None
        >>> resolve_cache(cache=True)
        Traceback (most recent call last):
        ...
        ValueError: cache=True asks for the global cache, but none is set. Call
        set_llm_cache(...) first, or pass a BaseCache instance, or pass
        cache=False or None.
        >>> mine = InMemoryCache()
        >>> resolve_cache(cache=mine) is mine
        True
    """
    if isinstance(cache, BaseCache):
        return cache
    if cache is None:
        return get_llm_cache()
    if cache is True:
        global_cache = get_llm_cache()
        if global_cache is None:
            msg = (
                "cache=True asks for the global cache, but none is set. Call "
                "set_llm_cache(...) first, or pass a BaseCache instance, or pass "
                "cache=False or None."
            )
            raise ValueError(msg)
        return global_cache
    if cache is False:
        return None
    # `{cache}`, not `{cache!r}`: langchain-core formats the value so, and a value whose
    # `__str__` or `__format__` raises then raises that error there, instead of ValueError.
    kind = type(cache).__name__
    msg = f"cache must be a BaseCache instance, True, False or None; got {cache} ({kind})"
    raise ValueError(msg)


def get_prompts(
    params: dict[str, Any], prompts: list[str], cache: BaseCache | bool | None = None
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    """Look every prompt up in the cache and split the batch into hits and misses.

    Args:
        params: The model's parameters. Their sorted items, as a string, become
            `llm_string`, the second half of every cache key.
        prompts: The batch of prompts, in order.
        cache: Which cache to use; see `resolve_cache`.

    Returns:
        A tuple `(existing_prompts, llm_string, missing_prompt_idxs,
        missing_prompts)`: the hits by their index in `prompts`, the key's
        `llm_string`, and the index and text of every miss. A lookup counts as
        a hit only if it returns a `list`. With no cache every prompt misses.

    Raises:
        ValueError: From `resolve_cache`, before any lookup.

    Examples:
        >>> from langchain_core.caches import InMemoryCache
        >>> from langchain_core.outputs import Generation
        >>> cache = InMemoryCache()
        >>> cache.update("hi", "[('model', 'm')]", [Generation(text="hello")])
        >>> get_prompts({"model": "m"}, ["hi", "bye"], cache)
        ({0: [Generation(text='hello')]}, "[('model', 'm')]", [1], ['bye'])
    """
    llm_string = str(sorted(params.items()))
    llm_cache = resolve_cache(cache=cache)
    existing_prompts: dict[int, list[Generation]] = {}
    missing_prompt_idxs: list[int] = []
    missing_prompts: list[str] = []
    for i, prompt in enumerate(prompts):
        if llm_cache is not None:
            cached = llm_cache.lookup(prompt, llm_string)
            # Any non-list (None, a tuple, a string) is a miss, not an error.
            if isinstance(cached, list):
                existing_prompts[i] = cached
                continue
        missing_prompts.append(prompt)  # then its index: langchain-core's order
        missing_prompt_idxs.append(i)
    return existing_prompts, llm_string, missing_prompt_idxs, missing_prompts


async def aget_prompts(
    params: dict[str, Any], prompts: list[str], cache: BaseCache | bool | None = None
) -> tuple[dict[int, list[Generation]], str, list[int], list[str]]:
    """Async twin of `get_prompts`: the same, with `await cache.alookup(...)`.

    Args:
        params: The model's parameters; see `get_prompts`.
        prompts: The batch of prompts, in order.
        cache: Which cache to use; see `resolve_cache`.

    Returns:
        The same tuple as `get_prompts`.

    Raises:
        ValueError: From `resolve_cache`, before any lookup.

    Examples:
        >>> from langchain_core.caches import InMemoryCache
        >>> import asyncio
        >>> asyncio.run(aget_prompts({"model": "m"}, ["hi"], InMemoryCache()))
        ({}, "[('model', 'm')]", [0], ['hi'])
    """
    llm_string = str(sorted(params.items()))
    llm_cache = resolve_cache(cache=cache)
    existing_prompts: dict[int, list[Generation]] = {}
    missing_prompt_idxs: list[int] = []
    missing_prompts: list[str] = []
    for i, prompt in enumerate(prompts):
        if llm_cache is not None:
            cached = await llm_cache.alookup(prompt, llm_string)
            if isinstance(cached, list):
                existing_prompts[i] = cached
                continue
        missing_prompts.append(prompt)  # then its index: langchain-core's order
        missing_prompt_idxs.append(i)
    return existing_prompts, llm_string, missing_prompt_idxs, missing_prompts


def update_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    """Write the model's new generations back, into `existing_prompts` and the cache.

    The i-th generation list in `new_results` belongs to the prompt at index
    `missing_prompt_idxs[i]`. Each one is stored in `existing_prompts` first and
    written to the cache second, as the very same list object.

    Args:
        cache: Which cache to write to; see `resolve_cache`.
        existing_prompts: The hits from `get_prompts`; changed in place.
        llm_string: The second half of every cache key, from `get_prompts`.
        missing_prompt_idxs: The index in `prompts` of every miss, in the order
            the model answered them.
        new_results: The model's output for the misses.
        prompts: The whole batch, hits included; looked up by index.

    Returns:
        `new_results.llm_output`, the very object, not a copy.

    Raises:
        ValueError: From `resolve_cache`, before anything is written.
        IndexError: More generation lists than `missing_prompt_idxs`, or an
            index past the end of `prompts`; the earlier ones are written.
        Exception: Whatever the cache's `update` raises; the earlier writes and
            the failing prompt's `existing_prompts` entry stay.

    Examples:
        >>> from langchain_core.caches import InMemoryCache
        >>> from langchain_core.outputs import Generation, LLMResult
        >>> cache, found = InMemoryCache(), {0: [Generation(text="cached")]}
        >>> result = LLMResult(generations=[[Generation(text="new")]], llm_output={})
        >>> update_cache(cache, found, "m", [1], result, ["hi", "bye"])
        {}
        >>> found
        {0: [Generation(text='cached')], 1: [Generation(text='new')]}
        >>> cache.lookup("bye", "m")
        [Generation(text='new')]
    """
    llm_cache = resolve_cache(cache=cache)
    # Fewer generation lists than indices leaves the rest unwritten; more raises
    # IndexError on the first index that is not there.
    for i, result in enumerate(new_results.generations):
        existing_prompts[missing_prompt_idxs[i]] = result
        prompt = prompts[missing_prompt_idxs[i]]
        # `is not None`, not truthiness: an empty cache may well be falsy.
        if llm_cache is not None:
            llm_cache.update(prompt, llm_string, result)
    return new_results.llm_output


async def aupdate_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    """Async twin of `update_cache`: the same, with `await cache.aupdate(...)`.

    Each write is awaited before the next starts, so N writes to a remote cache
    cost N round trips. A cache that defines no async methods still works:
    `BaseCache.aupdate` runs its `update` in a thread.

    Args:
        cache: Which cache to write to; see `resolve_cache`.
        existing_prompts: The hits from `aget_prompts`; changed in place.
        llm_string: The second half of every cache key.
        missing_prompt_idxs: The index in `prompts` of every miss.
        new_results: The model's output for the misses.
        prompts: The whole batch, hits included.

    Returns:
        `new_results.llm_output`, the very object.

    Raises:
        ValueError: From `resolve_cache`, before anything is written.
        IndexError: As in `update_cache`.
        Exception: Whatever the cache's `aupdate` raises, as in `update_cache`.

    Examples:
        >>> from langchain_core.caches import InMemoryCache
        >>> from langchain_core.outputs import Generation, LLMResult
        >>> cache, found = InMemoryCache(), {}
        >>> result = LLMResult(generations=[[Generation(text="new")]])
        >>> import asyncio
        >>> print(asyncio.run(aupdate_cache(cache, found, "m", [0], result, ["hi"])))
        None
        >>> cache.lookup("hi", "m")
        [Generation(text='new')]
    """
    llm_cache = resolve_cache(cache=cache)
    for i, result in enumerate(new_results.generations):
        existing_prompts[missing_prompt_idxs[i]] = result
        prompt = prompts[missing_prompt_idxs[i]]
        if llm_cache is not None:
            await llm_cache.aupdate(prompt, llm_string, result)
    return new_results.llm_output
