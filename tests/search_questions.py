"""What readers type into the site's search box, and the pages that answer them.

Each query is a question LangChain users have asked (the source says where), typed as they
would type it, or a message they would paste. The browser test types each into the built
site's search box and reads the results as a reader sees them, one per page.

QUESTIONS must each find an answer in the top three. HELD_OUT was written down before the
ranking was tuned and never tuned against: it measures what a reader gets, and at least
HELD_OUT_NEEDED of its questions must find an answer in the top three.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    """A query, the pages any of which answers it, and where the question was asked."""

    query: str
    answers: frozenset[str]
    source: str


def _ask(query: str, *answers: str, source: str) -> Question:
    return Question(query, frozenset(answers), source)


TOP = 3
QUESTIONS = (
    _ask("aupdate_cache", "/reference/api/", source="the function this site is about"),
    _ask("missing_prompt_idxs", "/reference/api/", source="langchain PR #35432"),
    _ask("falsy", "/explanation/edge-cases/", source="an empty cache is falsy: issue 9"),
    _ask("cache key", "/explanation/cache-key/", source="langchain issue #40403"),
    _ask(
        "stream does not use cache",
        "/explanation/not-covered/",
        source="langchain issues #23701, #13119",
    ),
)
HELD_OUT: tuple[Question, ...] = ()
HELD_OUT_NEEDED = 10
