"""Slide: without `await`, none of the async twin runs."""

import asyncio

from langchain_core.caches import InMemoryCache
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference import aupdate_cache


async def main() -> None:
    cache = InMemoryCache()
    new = LLMResult(generations=[[Generation(text="x")]])
    existing: dict[int, list[Generation]] = {}
    args = (cache, existing, "llm-string", [0], new, ["a"])

    # --8<-- [start:slide]
    pending = aupdate_cache(*args)  # no await
    print(type(pending).__name__)
    print(cache.lookup("a", "llm-string"))
    pending.close()  # or Python warns: never awaited

    await aupdate_cache(*args)
    print(cache.lookup("a", "llm-string"))
    # --8<-- [end:slide]


asyncio.run(main())
