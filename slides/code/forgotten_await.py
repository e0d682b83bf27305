"""Slide: without `await`, the async twin runs none of it."""

import asyncio

from langchain_core.caches import InMemoryCache
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference import aupdate_cache


# --8<-- [start:slide]
async def main() -> None:
    cache = InMemoryCache()
    new = LLMResult(generations=[[Generation(text="x")]])
    existing: dict[int, list[Generation]] = {}
    args = (cache, existing, "llm-string", [0], new, ["a"])

    pending = aupdate_cache(*args)  # no await
    print(type(pending).__name__)
    print(cache.lookup("a", "llm-string"))
    pending.close()  # or Python warns: never awaited

    await aupdate_cache(*args)
    print(cache.lookup("a", "llm-string"))


asyncio.run(main())
# --8<-- [end:slide]
