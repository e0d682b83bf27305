"""An experiment, not langchain-core's behaviour: `aupdate_cache` with concurrent writes.

`aupdate_cache` awaits each cache write before it starts the next, so writing N
generations back to a networked cache costs N round trips. `aupdate_cache_concurrent`
starts them all and awaits them together, so the write-back costs about one round
trip. It keeps `aupdate_cache`'s signature, return value and filling of
`existing_prompts`, and on success it leaves the same cache contents. What it gives
up is spelled out in its docstring and, with measurements, in the docs page
"Concurrent write-back". The faithful helpers in `cache_helpers` do not use it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from langchain_core.caches import BaseCache, InMemoryCache
from langchain_core.outputs import Generation, LLMResult
from typing_extensions import override

from llm_cache_reference.cache_helpers import resolve_cache, update_cache

__all__ = ["aupdate_cache_concurrent"]


async def aupdate_cache_concurrent(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    """Experimental `aupdate_cache` that runs the cache writes concurrently.

    Not part of langchain-core and not a drop-in: a teaching experiment. It works
    in three steps:

    1. Resolve `cache` exactly as `aupdate_cache` does.
    2. Walk the generation lists with the faithful `update_cache` itself, against a
       cache that only notes the writes down: `existing_prompts` is filled exactly
       as `aupdate_cache` fills it, and one write per distinct prompt is noted. If
       the walk raises (more generation lists than indices, an index past the end
       of `prompts`), the error is held back until step 3 is over, so the writes
       noted before it still happen, as they do in `aupdate_cache`.
    3. Start every write, and wait for all of them to finish.

    Behaviour given up, deliberately:

    - Order. Writes overlap, so the cache sees every write begin before the first
      one ends.
    - A prompt that appears twice among the misses is written once, with its last
      generation list. Sequential writes leave that last list cached because it is
      written last; concurrent writes to one key may land in any order, so only
      skipping the superseded write keeps the result the same.
    - Stopping at the first failure. Every write runs to its end even when another
      has failed: a write cannot be taken back once sent, so cancelling the others
      would only make what lands depend on timing. When the writes are over, the
      first failure in prompt order is raised as it is (not wrapped in an
      `ExceptionGroup`); later failures are not raised. So after a failure,
      `existing_prompts` holds every new entry, and the cache holds every write
      except the failed ones, where `aupdate_cache` stops at the failing one.
      Cancelling the caller cancels every write still in flight.

    A cache that does not define its own `aupdate` is still written one write at a
    time: `BaseCache.aupdate` runs the sync `update` in a thread, and a cache
    written with only sync methods is not known to be safe under several threads.
    The failure rules above hold for it too.

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
        Exception: The first failing write's exception, in prompt order, once
            every write has finished; failing that, the error that stopped the
            walk over the generation lists (`IndexError`, as in `aupdate_cache`).

    Examples:
        >>> import asyncio
        >>> from langchain_core.caches import InMemoryCache
        >>> from langchain_core.outputs import Generation, LLMResult
        >>> cache, found = InMemoryCache(), {1: [Generation(text="cached")]}
        >>> result = LLMResult(
        ...     generations=[[Generation(text="new a")], [Generation(text="new c")]],
        ...     llm_output={"token_usage": 7},
        ... )
        >>> update = aupdate_cache_concurrent(
        ...     cache, found, "m", [0, 2], result, ["a", "b", "c"]
        ... )
        >>> asyncio.run(update)
        {'token_usage': 7}
        >>> for index, generations in sorted(found.items()):
        ...     print(index, generations)
        0 [Generation(text='new a')]
        1 [Generation(text='cached')]
        2 [Generation(text='new c')]
        >>> cache.lookup("c", "m")
        [Generation(text='new c')]
    """
    llm_cache = resolve_cache(cache=cache)
    # The walk is the faithful one, run against a cache that only takes notes, so
    # existing_prompts is filled exactly as aupdate_cache fills it.
    notes = _WriteNotes()
    walk_error: Exception | None = None
    try:
        update_cache(notes, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts)
    except Exception as error:  # aupdate_cache would have written the earlier ones
        walk_error = error
    if llm_cache is not None:
        for outcome in await _write_all(llm_cache, llm_string, notes.writes):
            if outcome is not None:
                raise outcome
    if walk_error is not None:
        raise walk_error
    return new_results.llm_output


class _WriteNotes(InMemoryCache):
    """Notes down each write instead of making it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: dict[str, list[Generation]] = {}

    @override
    def update(self, prompt: str, llm_string: str, return_val: Any) -> None:
        # A repeated prompt keeps its first place in line and takes its last value.
        self.writes[prompt] = return_val


async def _write_all(
    llm_cache: BaseCache, llm_string: str, writes: dict[str, list[Generation]]
) -> list[BaseException | None]:
    """Make every write, and return each one's exception (or None), in prompt order."""
    if type(llm_cache).aupdate is BaseCache.aupdate:
        outcomes: list[BaseException | None] = []
        for prompt, result in writes.items():
            try:
                await llm_cache.aupdate(prompt, llm_string, result)
            except Exception as error:
                outcomes.append(error)
            else:
                outcomes.append(None)
        return outcomes
    # return_exceptions=True: a failure neither cancels the other writes nor leaves
    # them running after this returns. Cancelling the caller still cancels them all.
    return await asyncio.gather(
        *(llm_cache.aupdate(prompt, llm_string, result) for prompt, result in writes.items()),
        return_exceptions=True,
    )
