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
        "/reference/cache-by-call/",
        source="langchain issues #23701, #13119",
    ),
    _ask("set_llm_cache", "/reference/langchain-core-cache/", source="langchain PR #11741"),
    _ask(
        "InMemoryCache maxsize",
        "/reference/langchain-core-cache/",
        source="langchain issues #39636, #38529",
    ),
    _ask("usage_metadata", "/explanation/chat-models/", source="langchain issue #32818"),
    _ask("on_llm_end", "/how-to/see-cache-hits/", source="langchain issue #9537"),
    _ask("chat model cache key", "/explanation/chat-models/", source="langchain issue #19328"),
    _ask(
        "'str' object has no attribute 'lookup'",
        "/reference/errors/",
        source="what a string passed as cache raises",
    ),
)
HELD_OUT = (
    _ask(
        "callbacks not called when cached",
        "/how-to/see-cache-hits/",
        "/explanation/chat-models/",
        source="langchain issue #9537, Plain models are not calling callbacks when cached",
    ),
    _ask(
        "BaseChatModel.stream method not supporting caching",
        "/explanation/chat-models/",
        "/reference/cache-by-call/",
        "/explanation/not-covered/",
        source="langchain issue #23701",
    ),
    _ask(
        "cache ignores per-call generation options",
        "/explanation/cache-key/",
        source="langchain issue #40403",
    ),
    _ask(
        "chat model cache not dependent on temperature",
        "/explanation/chat-models/",
        source="langchain issue #19328, Caching for ChatAnthropic is not working as expected",
    ),
    _ask(
        "InMemoryCache maxsize evicts an unrelated entry",
        "/reference/langchain-core-cache/",
        source="langchain issue #36750, PR #36907",
    ),
    _ask(
        "ValueError: No global cache was configured. Use `set_llm_cache`.",
        "/reference/errors/",
        source="langchain-core's message for cache=True with no global cache",
    ),
    _ask(
        "Asked to cache, but no cache found at `langchain.cache`.",
        "/reference/errors/",
        source="langchain-core's message from a chat model, the same mistake",
    ),
    _ask(
        "ValueError: Unsupported cache value 1",
        "/reference/errors/",
        source="langchain-core's message for cache=1",
    ),
    _ask(
        "token usage cost on a cached response",
        "/explanation/chat-models/",
        source="GPTCache issue #402, Tokens Used: 0 through a LangChain cache",
    ),
    _ask(
        "set_llm_cache doesn't work",
        "/reference/langchain-core-cache/",
        "/how-to/see-cache-hits/",
        "/reference/errors/",
        source="langchain issues #27741, #20882",
    ),
    _ask(
        "Error 111 connecting to localhost:6379. Connection refused.",
        "/reference/errors/",
        source="redis-py's error when the Redis behind RedisCache is down",
    ),
    _ask(
        "how to tell if a response came from the cache",
        "/how-to/see-cache-hits/",
        source="langchain issue #24120, cache_hit flag reported as None",
    ),
)
HELD_OUT_NEEDED = 10
