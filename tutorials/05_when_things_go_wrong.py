"""Tutorial 05: when things go wrong, and what is left behind.

`update_cache` changes two things, the caller's `existing_prompts` and the
cache, one generation list at a time. So when it stops halfway, some of the
work is done and some is not. Each case below shows exactly what remains.
langchain-core's outcome is printed; the reference must (and does) match it.

    python tutorials/05_when_things_go_wrong.py
"""

from __future__ import annotations

from _walkthrough import show_case

# --8<-- [start:cases]
STORIES = {
    "write-fails-halfway": (
        "The cache's second write raises. Nothing is rolled back:"
    ),
    "more-generations-than-indices": (
        "The model returned more answers than there were misses:"
    ),
    "fewer-generations-than-indices": (
        "The model returned fewer answers than there were misses:"
    ),
    "index-past-prompts": (
        "A missing index points past the end of the prompts:"
    ),
    "falsy-cache-still-written": (
        "The cache is empty, and an empty cache of this kind is falsy:"
    ),
}
# --8<-- [end:cases]


def main() -> None:
    for number, (name, story) in enumerate(STORIES.items(), start=1):
        print(f"{number}. {story}")
        show_case(f"{name}[update_cache]")
    print("The async twin leaves exactly the same behind in each case; run")
    print("  python -m llm_cache_reference check \\")
    print("      reference/llm_cache_reference/cache_helpers.py")
    print("to see every case, sync and async, agree.")


if __name__ == "__main__":
    main()
