"""Slide: the write-back, called by hand as generate calls it."""

from langchain_core.caches import InMemoryCache
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference import update_cache

# --8<-- [start:slide]
cache = InMemoryCache()
hit = [Generation(text="cached b")]
existing_prompts = {1: hit}  # prompt 1 was a hit
a, c = Generation(text="new a"), Generation(text="new c")
new = LLMResult(
    generations=[[a], [c]],
    llm_output={"tokens": 7},
)
returned = update_cache(
    cache,
    existing_prompts,
    "llm-string",
    [0, 2],  # missing_prompt_idxs
    new,
    ["a", "b", "c"],  # prompts
)
print(sorted(existing_prompts))
print(cache.lookup("c", "llm-string"))
print(returned is new.llm_output)
# --8<-- [end:slide]
