"""Tutorial 02: call update_cache by hand, the reference's and langchain-core's side by side.

Inside `BaseLLM.generate`, `get_prompts` splits a batch into cache hits and
misses, the model answers the misses, and `update_cache` writes the answers
back. Here we do those three steps ourselves, with exactly the values
`generate` would pass, and look at every piece of what `update_cache` leaves.

    python tutorials/02_update_cache_by_hand.py
"""

from __future__ import annotations

from typing import Any

from _walkthrough import show_case
from langchain_core.caches import InMemoryCache
from langchain_core.language_models import llms as langchain_llms
from langchain_core.outputs import Generation, LLMResult

import llm_cache_reference

PARAMS = {"temperature": 0, "model": "fake"}
PROMPTS = ["a", "b", "c"]


def texts(generations_by_index: dict[int, list[Generation]]) -> dict[int, list[str]]:
    return {i: [g.text for g in generations] for i, generations in generations_by_index.items()}


def run(implementation: Any) -> None:
    # --8<-- [start:by-hand]
    cache = InMemoryCache()
    llm_string = str(sorted(PARAMS.items()))
    cache.update("b", llm_string, [Generation(text="cached b")])  # "b" was asked before

    # 1. The read side: exactly what generate() has before it runs the model.
    existing_prompts, llm_string, missing_prompt_idxs, missing_prompts = langchain_llms.get_prompts(
        PARAMS, PROMPTS, cache
    )
    print(f"    get_prompts: existing_prompts={texts(existing_prompts)}")
    print(f"      llm_string={llm_string!r}")
    print(f"      missing_prompt_idxs={missing_prompt_idxs}, missing_prompts={missing_prompts}")

    # 2. The model answers the misses only, in order.
    new_results = LLMResult(
        generations=[[Generation(text=f"new {prompt}")] for prompt in missing_prompts],
        llm_output={"token_usage": 7},
    )

    # 3. The write-back.
    returned = implementation.update_cache(
        cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, PROMPTS
    )
    # --8<-- [end:by-hand]
    print(
        f"    returned {returned}, the very llm_output object: {returned is new_results.llm_output}"
    )
    print(f"    existing_prompts is now {texts(existing_prompts)}")
    for i, generations in zip(missing_prompt_idxs, new_results.generations, strict=True):
        print(
            f"      [{i}] is the very list the model returned: {existing_prompts[i] is generations}"
        )
    for prompt in PROMPTS:
        found = cache.lookup(prompt, llm_string) or []
        print(f"    cache.lookup({prompt!r}) -> {[generation.text for generation in found]}")


def main() -> None:
    print("1. langchain-core's update_cache, after its own get_prompts:")
    run(langchain_llms)
    print("2. The reference's update_cache, on the same inputs made afresh:")
    run(llm_cache_reference)
    print()
    print("3. The cases module does this bookkeeping for every behaviour case: it builds")
    print("   fresh inputs, calls one implementation, and names every object it made, so")
    print("   new[0] means the very list the model returned, and a copy would show.")
    print()
    show_case("hits-and-misses[update_cache]")


if __name__ == "__main__":
    main()
