"""Tutorial 04: what the `cache` argument means.

Every helper starts by turning its `cache` argument into the cache to use, or
into `None` for no caching. Five kinds of value are possible and only four
are accepted. We try each, with and without a global cache set, and then let
the behaviour cases confirm langchain-core does the same.

    python tutorials/04_resolving_cache.py
"""

from __future__ import annotations

import textwrap

from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache

from _walkthrough import show_case
from llm_cache_reference import resolve_cache

MINE, GLOBAL = InMemoryCache(), InMemoryCache()
NAMES = {
    id(MINE): "my cache",
    id(GLOBAL): "the global cache",
    id(None): "None (no caching)",
}


class DuckCache:
    """Has lookup and update, but is not a BaseCache."""

    def lookup(self, prompt: str, llm_string: str) -> None:
        return None

    def update(self, prompt: str, llm_string: str, return_val: object) -> None:
        return None

    def __repr__(self) -> str:
        return "DuckCache()"


MESSAGES: dict[
    str, None
] = {}  # every distinct error message, in the order first seen


def resolve(cache: object) -> str:
    try:
        return NAMES[id(resolve_cache(cache=cache))]  # type: ignore[arg-type]
    except ValueError as error:
        MESSAGES[str(error)] = None
        return f"ValueError ({list(MESSAGES).index(str(error)) + 1})"


def main() -> None:
    # --8<-- [start:table]
    arguments: list[tuple[str, object]] = [
        ("cache=my cache", MINE),
        ("cache=None", None),
        ("cache=True", True),
        ("cache=False", False),
        ("cache=1", 1),
        ("cache=0", 0),
        ("cache='yes'", "yes"),
        ("cache=DuckCache()", DuckCache()),
    ]
    for global_cache in (None, GLOBAL):
        set_llm_cache(global_cache)
        print(
            f"With {'no' if global_cache is None else 'a'} global cache set:"
        )
        for shown, argument in arguments:
            print(f"  {shown:<19} -> {resolve(argument)}")
        print()
    set_llm_cache(None)
    # --8<-- [end:table]
    print("The reference's error messages:")
    for number, message in enumerate(MESSAGES, start=1):
        print(
            textwrap.fill(
                message,
                72,
                initial_indent=f"  ({number}) ",
                subsequent_indent="      ",
            )
        )
    print()
    print("Read the True rows again: True means 'the global cache', never")
    print("'make me a cache'. And 1 and 0 are refused although 1 == True and")
    print("0 == False: the check is `cache is True`, not `cache == True`.")
    print()
    print("langchain-core does the same; its messages are worded differently,")
    print("and the cases compare only the error's type. Through update_cache:")
    print()
    for name in (
        "instance-beats-global",
        "none-uses-global",
        "true-uses-global",
        "true-without-global-raises",
        "false-ignores-global",
        "unsupported-1",
        "no-generations-still-resolves",
    ):
        show_case(f"{name}[update_cache]")


if __name__ == "__main__":
    main()
