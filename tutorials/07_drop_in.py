"""Tutorial 07: the reference as a drop-in replacement inside langchain-core.

`BaseLLM.generate` and `agenerate` look the four helpers up in their module,
`langchain_core.language_models.llms`, each time they run. So replacing them
there makes every LLM use the reference. If the reference is faithful, nothing
a caller can see changes. We run the same batches with and without the patch
and compare.

    python tutorials/07_drop_in.py
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import wraps
from typing import Any

from langchain_core.caches import InMemoryCache
from langchain_core.language_models.fake import FakeListLLM

import llm_cache_reference
from llm_cache_reference.patching import patched_helpers

BATCHES = [["a", "b", "a"], ["b", "c"], ["a", "b", "c", "d"], []]
calls: Counter[str] = Counter()


# --8<-- [start:patch]
def counted(name: str, helper: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a helper so that each call to it is counted under its name."""

    @wraps(helper)
    def wrapper(*args: Any) -> Any:
        calls[name] += 1
        return helper(*args)

    return wrapper


def reference_inside_langchain_core() -> AbstractContextManager[None]:
    """Put the reference's helpers, counted, where generate() finds them, within a `with`."""
    return patched_helpers(llm_cache_reference, wrap=counted)


# --8<-- [end:patch]


def run_batches(asynchronous: bool) -> list[dict[str, Any]]:
    """Run every batch through one fresh cached model; each result as plain data."""
    llm = FakeListLLM(responses=[f"r{i}" for i in range(10)], cache=InMemoryCache())
    results = [
        asyncio.run(llm.agenerate(batch)) if asynchronous else llm.generate(batch)
        for batch in BATCHES
    ]
    # Everything a caller gets back, less the run ids, which are new every time.
    return [result.model_dump(exclude={"run"}) for result in results]


def texts(results: list[dict[str, Any]]) -> list[list[str]]:
    return [[gens[0]["text"] for gens in result["generations"]] for result in results]


def main() -> None:
    for asynchronous in (False, True):
        method = "agenerate" if asynchronous else "generate"
        plain = run_batches(asynchronous)
        with reference_inside_langchain_core():
            patched = run_batches(asynchronous)
        print(f"{method}, batch by batch: {BATCHES}")
        print(f"  answers with langchain-core's helpers: {texts(plain)}")
        print(f"  answers with the reference's helpers:  {texts(patched)}")
        print(f"  llm_output per batch: {[result['llm_output'] for result in patched]}")
        print(f"  every result identical, generations and llm_output: {plain == patched}")
    print(f"The reference's helpers really ran: {dict(sorted(calls.items()))}")
    print("Note the first batch: 'a' is asked twice and misses twice (both lookups come")
    print("before any write), so the model answers it twice; the later answer, r2, is the")
    print("one that stays cached, as batch 3 shows. update_cache did not run for the")
    print("empty batch.")


if __name__ == "__main__":
    main()
