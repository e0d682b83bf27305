"""Tutorial 03: the async twin, aupdate_cache.

`BaseLLM.agenerate` uses `aget_prompts` and `aupdate_cache`: the same steps as
the sync ones, with every cache call awaited. Here we see what that means: a
call that does nothing until it is awaited, writes that happen one after the
other, and a cache with no async methods of its own.

    python tutorials/03_async_twin.py
"""

from __future__ import annotations

import asyncio
import threading

from langchain_core.caches import RETURN_VAL_TYPE, BaseCache
from langchain_core.outputs import Generation, LLMResult
from typing_extensions import override

from _walkthrough import show_case
from llm_cache_reference import aupdate_cache


# --8<-- [start:sync-only]
class SyncOnlyCache(BaseCache):
    """Defines only the sync methods; notes which thread each write runs in."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], RETURN_VAL_TYPE] = {}
        self.threads: list[str] = []

    @override
    def lookup(self, prompt: str, llm_string: str) -> RETURN_VAL_TYPE | None:
        return self.store.get((prompt, llm_string))

    @override
    def update(
        self, prompt: str, llm_string: str, return_val: RETURN_VAL_TYPE
    ) -> None:
        main = threading.current_thread() is threading.main_thread()
        self.threads.append("the main thread" if main else "a worker thread")
        self.store[prompt, llm_string] = return_val

    @override
    def clear(self, **kwargs: object) -> None:
        self.store.clear()


# --8<-- [end:sync-only]


def new_results() -> LLMResult:
    return LLMResult(
        generations=[[Generation(text="new a")], [Generation(text="new c")]]
    )


async def walk_through() -> None:
    cache = SyncOnlyCache()
    existing_prompts: dict[int, list[Generation]] = {}
    args = (
        cache,
        existing_prompts,
        "llm-string",
        [0, 2],
        new_results(),
        ["a", "b", "c"],
    )

    # --8<-- [start:not-awaited]
    print("1. Calling aupdate_cache without await runs none of it:")
    pending = aupdate_cache(*args)
    print(f"    it returned a {type(pending).__name__};", end=" ")
    print(f"existing_prompts is {existing_prompts}")
    pending.close()  # dropped unawaited, Python would warn "was never awaited"

    print("2. Awaiting it runs it:")
    await aupdate_cache(*args)
    print(f"    existing_prompts now has indices {sorted(existing_prompts)}")
    # --8<-- [end:not-awaited]

    print("3. A cache with only sync methods still works with the async twin:")
    print(f"    update() ran in: {', '.join(cache.threads)}")
    print("    BaseCache's default aupdate hands update to the event loop's")
    print("    executor: locally a thread pool, so a slow sync cache does not")
    print("    block the loop (nor does it get any faster); in a browser")
    print("    page, which has no threads, it runs in place.")
    print()


def main() -> None:
    asyncio.run(walk_through())
    # The cases run aupdate_cache themselves, each in an asyncio.run of its
    # own.
    print("4. Each write is awaited before the next begins (an async cache")
    print("   that logs):")
    show_case("awaits-each-write[aupdate_cache]")
    print("5. The same with a sync-only cache, through the cases:")
    show_case("sync-only-cache[aupdate_cache]")


if __name__ == "__main__":
    main()
