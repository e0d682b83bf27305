"""Slide: `1 == True`, yet `cache=1` is refused."""

from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache

from llm_cache_reference import resolve_cache

set_llm_cache(InMemoryCache())
# --8<-- [start:slide]
one = 1
print(one == True)
print(one is True)
for value in (True, 1, 0, False):
    try:
        found = resolve_cache(cache=value)
        print(f"{value!r}: {type(found).__name__}")
    except ValueError:
        print(f"{value!r}: ValueError")
# --8<-- [end:slide]
set_llm_cache(None)
