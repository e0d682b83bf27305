"""Tutorial 01: the LLM cache in one call.

A fake model answers from a fixed list, so every run prints the same thing and
needs no network and no API key. We give it a cache, ask the same question
twice, and watch the second answer come from the cache instead of the model.

    python tutorials/01_cache_in_one_call.py
"""

from __future__ import annotations

from langchain_core.caches import RETURN_VAL_TYPE, InMemoryCache
from langchain_core.language_models.fake import FakeListLLM
from typing_extensions import override


# --8<-- [start:cache]
class TalkativeCache(InMemoryCache):
    """An InMemoryCache that says out loud what it is asked."""

    def __init__(self) -> None:
        super().__init__()
        self.llm_strings: list[str] = []

    @override
    def lookup(self, prompt: str, llm_string: str) -> RETURN_VAL_TYPE | None:
        self.llm_strings.append(llm_string)
        found = super().lookup(prompt, llm_string)
        verdict = "hit" if found else "miss"
        print(f"    cache.lookup({prompt!r}, llm_string) -> {verdict}")
        return found

    @override
    def update(
        self, prompt: str, llm_string: str, return_val: RETURN_VAL_TYPE
    ) -> None:
        texts = [generation.text for generation in return_val]
        print(f"    cache.update({prompt!r}, llm_string, {texts})")
        super().update(prompt, llm_string, return_val)


# --8<-- [end:cache]


def ask(llm: FakeListLLM, prompt: str) -> None:
    # FakeListLLM moves to its next response on every model call.
    calls_before = llm.i
    result = llm.generate([prompt])
    answer = result.generations[0][0].text
    called = "yes" if llm.i > calls_before else "no, skipped"
    print(f"    answer: {answer!r}; the model was called: {called}")
    print(f"    llm_output: {result.llm_output}")


def main() -> None:
    # --8<-- [start:twice]
    cache = TalkativeCache()
    llm = FakeListLLM(responses=["Paris", "Rome"], cache=cache)
    question = "What is the capital of France?"

    print("1. The first call: the cache misses, the model answers,")
    print("   the answer is stored.")
    ask(llm, question)
    print("2. The same call again: the cache hits and the model is skipped.")
    ask(llm, question)
    # --8<-- [end:twice]
    print("   Without the cache the model would have said its next response,")
    print("   'Rome'. llm_output is {} when every prompt was a cache hit: no")
    print("   model ran.")
    print()

    # --8<-- [start:key]
    print("3. A different model, the same cache, the same prompt: a miss.")
    other = FakeListLLM(responses=["Lyon", "Nice"], cache=cache)
    ask(other, question)
    # --8<-- [end:key]
    print("   The cache key is the prompt AND llm_string, the model's")
    print("   parameters as text:")
    for llm_string in dict.fromkeys(cache.llm_strings):
        print(f"     {llm_string}")
    print("   Change the model or its parameters and the old answers no")
    print("   longer match.")


if __name__ == "__main__":
    main()
