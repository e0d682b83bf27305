"""Tutorial 02: call update_cache by hand: the reference's, langchain-core's.

The two run side by side.

Inside `BaseLLM.generate`, `get_prompts` splits a batch into cache hits and
misses, the model answers the misses, and `update_cache` writes the answers
back. Here we do those three steps ourselves, with exactly the values
`generate` would pass, and look at every piece of what `update_cache` leaves.

    python tutorials/02_update_cache_by_hand.py
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import InMemoryCache
from langchain_core.language_models import llms as langchain_llms
from langchain_core.outputs import Generation, LLMResult

import llm_cache_reference
from _walkthrough import show_case

PARAMS = {"temperature": 0, "model": "fake"}
PROMPTS = ["a", "b", "c"]


def texts(
    generations_by_index: dict[int, list[Generation]],
) -> dict[int, list[str]]:
    return {
        i: [g.text for g in generations]
        for i, generations in generations_by_index.items()
    }


def run(implementation: Any) -> None:
    # --8<-- [start:by-hand]
    cache = InMemoryCache()
    llm_string = str(sorted(PARAMS.items()))
    # "b" was asked before
    cache.update("b", llm_string, [Generation(text="cached b")])

    # 1. The read side: exactly what generate() has before it runs the model.
    existing_prompts, llm_string, missing_prompt_idxs, missing_prompts = (
        langchain_llms.get_prompts(PARAMS, PROMPTS, cache)
    )
    print(f"    get_prompts: existing_prompts={texts(existing_prompts)}")
    print(f"      llm_string={llm_string!r}")
    print(f"      missing_prompt_idxs={missing_prompt_idxs}")
    print(f"      missing_prompts={missing_prompts}")

    # 2. The model answers the misses only, in order.
    new_results = LLMResult(
        generations=[
            [Generation(text=f"new {prompt}")] for prompt in missing_prompts
        ],
        llm_output={"token_usage": 7},
    )

    # 3. The write-back.
    returned = implementation.update_cache(
        cache,
        existing_prompts,
        llm_string,
        missing_prompt_idxs,
        new_results,
        PROMPTS,
    )
    # --8<-- [end:by-hand]
    very = returned is new_results.llm_output
    print(f"    returned {returned}, the very llm_output object: {very}")
    print(f"    existing_prompts is now {texts(existing_prompts)}")
    for i, generations in zip(
        missing_prompt_idxs, new_results.generations, strict=True
    ):
        very = existing_prompts[i] is generations
        print(f"      [{i}] is the very list the model returned: {very}")
    for prompt in PROMPTS:
        found = cache.lookup(prompt, llm_string) or []
        print(f"    cache.lookup({prompt!r}) -> {[g.text for g in found]}")


def main() -> None:
    print("1. langchain-core's update_cache, after its own get_prompts:")
    run(langchain_llms)
    print("2. The reference's update_cache, on the same inputs made afresh:")
    run(llm_cache_reference)
    print()
    print(
        "3. The cases module does this bookkeeping for every behaviour case:"
    )
    print(
        "   it builds fresh inputs, calls one implementation, and names every"
    )
    print(
        "   object it made, so new[0] means the very list the model returned,"
    )
    print("   and a copy would show.")
    print()
    show_case("hits-and-misses[update_cache]")


if __name__ == "__main__":
    main()
