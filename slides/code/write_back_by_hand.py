"""Slide: the write-back by hand, as generate calls it."""

from langchain_core.caches import InMemoryCache
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference import update_cache

# --8<-- [start:slide]
cache = InMemoryCache()
prompts = ["a", "b", "c"]
existing = {1: [Generation(text="cached b")]}  # b hit
a, c = Generation(text="new a"), Generation(text="new c")
new = LLMResult(generations=[[a], [c]], llm_output={})

out = update_cache(
    cache, existing, "k", [0, 2], new, prompts
)
print(sorted(existing))
print(cache.lookup("c", "k"))
print(out is new.llm_output)
# --8<-- [end:slide]
