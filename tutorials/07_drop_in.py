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
    """Put the reference's helpers, counted, where generate() finds them."""
    return patched_helpers(llm_cache_reference, wrap=counted)


# --8<-- [end:patch]


def run_batches(asynchronous: bool) -> list[dict[str, Any]]:
    """Run the batches through a fresh cached model; results as plain data."""
    llm = FakeListLLM(
        responses=[f"r{i}" for i in range(10)], cache=InMemoryCache()
    )
    results = [
        asyncio.run(llm.agenerate(batch))
        if asynchronous
        else llm.generate(batch)
        for batch in BATCHES
    ]
    # Everything a caller gets back, less the run ids, new every time.
    return [result.model_dump(exclude={"run"}) for result in results]


def texts(results: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [gens[0]["text"] for gens in result["generations"]]
        for result in results
    ]


def main() -> None:
    for asynchronous in (False, True):
        method = "agenerate" if asynchronous else "generate"
        plain = run_batches(asynchronous)
        with reference_inside_langchain_core():
            patched = run_batches(asynchronous)
        header = "batch, answers with langchain-core's | the reference's"
        print(f"{method}: {header}")
        answers = zip(BATCHES, texts(plain), texts(patched), strict=True)
        for batch, langchain_core_answers, reference_answers in answers:
            shown = f"{langchain_core_answers} | {reference_answers}"
            print(f"  {batch!s:<22}{shown}")
        outputs = [result["llm_output"] for result in patched]
        print(f"  llm_output per batch: {outputs}")
        same = plain == patched
        print(f"  every result identical, generations and llm_output: {same}")
    print("The reference's helpers really ran:")
    for name, count in sorted(calls.items()):
        print(f"  {name}: {count} times")
    print("Note the first batch: 'a' is asked twice and misses twice (both")
    print("lookups come before any write), so the model answers it twice; the")
    print("later answer, r2, is the one that stays cached, as batch 3 shows.")
    print("update_cache did not run for the empty batch.")


if __name__ == "__main__":
    main()
