"""Where to look first when a case differs, and the question asked before the answer.

A failing row's hint is chosen from what differs, never from what agrees: the
field that explains most of the others comes first (an exception stops the
call; the cache calls decide what the cache holds), so one hint per row is
enough. The first time a case fails for a learner, the row asks a question in
place of the case's "why it matters"; from the next check on it answers
(`memory` keeps which cases the learner has seen fail).

Examples:
    >>> print(hint(("returned", "raised", "cached")))
    look first at the exception, raised or not: where the call stops explains
    the rest.
    >>> print(question("aupdate_cache"))
    think first: what would a caller of llm.agenerate notice here? Why it
    matters comes at your next check.
"""

from __future__ import annotations

from llm_cache_reference.harness import ASYNC_FUNCTIONS, FunctionName

__all__ = ["HINTS", "hint", "question"]

HINTS: dict[str, str] = {
    "raised": "look first at the exception, raised or not: where the call stops explains the rest.",
    "calls": "look first at the cache calls: which cache, which prompt, in what order.",
    "existing_prompts": "look first at existing_prompts: which index each new list went to.",
    "returned": "look first at what is returned: langchain-core's line names the very object.",
    "cached": "look first at what the cache holds afterwards, prompt by prompt.",
}
"""Each field of an outcome, most telling first, and where to look when it differs."""


def hint(differing: tuple[str, ...]) -> str:
    """The hint for the most telling field among those that differ (`Outcome.differing`)."""
    return next(HINTS[name] for name in HINTS if name in differing)


def question(function: FunctionName) -> str:
    """What a row asks the first time its case fails, before it says why it matters."""
    entry = "agenerate" if function in ASYNC_FUNCTIONS else "generate"
    return (
        f"think first: what would a caller of llm.{entry} notice here? Why it matters "
        "comes at your next check."
    )
