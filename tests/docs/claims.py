"""Claims the pages make in prose, each tied to what langchain-core does when it is run.

A page can only be checked against the code where it shows code; a sentence such as "the
model's `cache` field turns `1` into `True`" has no fence to run. A `Claim` names a topic
(which paragraphs of the site speak of it), a `observe` function that runs langchain-core
and returns what it does as data, and a `judge` that reads one paragraph and returns what
in it disagrees with those facts. `tests/docs/test_claims.py` runs every claim over every
paragraph of every page (generated pages included), so two pages cannot state different
behaviours on a topic, and a page cannot state one langchain-core no longer has.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.caches import BaseCache, InMemoryCache
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseLanguageModel
from langchain_core.language_models.fake import FakeListLLM
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    FakeMessagesListChatModel,
)
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import Generation
from pydantic import ValidationError

from llm_cache_reference.demo import PrintingLLM

DOCS = Path(__file__).resolve().parents[2] / "docs"

Facts = Mapping[str, str]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph, list item or table row of a page, its lines joined."""

    page: str
    line: int
    text: str


@dataclass(frozen=True)
class Claim:
    """A behaviour pages state in prose, and how to check each statement of it."""

    name: str
    about: re.Pattern[str]
    """Matches every paragraph that speaks of this behaviour (and should match no other)."""
    observe: Callable[[], Facts]
    """Runs langchain-core; returns what it does, as data."""
    judge: Callable[[str, Facts], list[str]]
    """The disagreements between one paragraph and the facts; empty if it agrees."""

    def speaks_of(self, paragraph: Paragraph) -> bool:
        return self.about.search(paragraph.text) is not None


FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
ITEM = re.compile(r"^\s*(?:[-*+] |\d+\. |\|)")


def paragraphs(page: Path, root: Path = DOCS) -> Iterator[Paragraph]:
    """The prose of a Markdown page, fenced blocks left out, one unit per paragraph."""
    name = page.relative_to(root).as_posix()
    lines: list[str] = []
    start, fence = 0, ""
    for number, line in enumerate([*page.read_text().splitlines(), ""], start=1):
        opening = FENCE.match(line)
        if fence:
            fence = "" if opening and opening.group(1).startswith(fence) else fence
            continue
        if opening:
            fence = opening.group(1)
        if opening or not line.strip() or ITEM.match(line):
            if lines:
                yield Paragraph(name, start, " ".join(lines))
            lines = [line.strip()] if ITEM.match(line) and not opening else []
            start = number
            continue
        if not lines:
            start = number
        lines.append(line.strip())


def every_paragraph() -> Iterator[Paragraph]:
    for page in sorted(DOCS.rglob("*.md")):
        yield from paragraphs(page)


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.;:!?])\s+(?=[A-Z`(])", text)


# --- What a model's `cache` field accepts -----------------------------------------------

# The values pages write in backticks, and the Python value each stands for.
FIELD_VALUES = {"1": 1, "'yes'": "yes", '"yes"': "yes", "0": 0, "'no'": "no", '"no"': "no"}
DUCK = re.compile(r"duck|every cache method|same methods|the methods of a cache|not a `BaseCache`")
REFUSED = re.compile(r"refus|reject|ValidationError|ValueError|raises")
UNCHANGED = re.compile(r"as it is|as given|unchanged|pass(?:ed|es)? (?:it )?through")


class _DuckCache:
    def lookup(self, prompt: str, llm_string: str) -> None:
        return None

    def update(self, prompt: str, llm_string: str, return_val: list[Generation]) -> None:
        return None


def _field_holds(value: object) -> str:
    try:
        kept = FakeListLLM(responses=["a"], cache=value).cache  # type: ignore[arg-type]
    except ValidationError:
        return "refused"
    return "unchanged" if kept is value else repr(kept)


def observe_cache_field() -> Facts:
    """What the field holds after a model is made with each value, or "refused"."""
    facts = {shown: _field_holds(value) for shown, value in FIELD_VALUES.items()}
    facts["duck"] = _field_holds(_DuckCache())
    facts["instance"] = _field_holds(InMemoryCache())
    return facts


def judge_cache_field(text: str, facts: Facts) -> list[str]:
    """Each value a sentence names must end up as the sentence says it does."""
    problems = []
    converted = any(facts[shown] not in ("unchanged", "refused") for shown in FIELD_VALUES)
    for sentence in _sentences(text):
        if UNCHANGED.search(sentence) and converted:
            problems.append(f"says the value is kept as it is: {sentence!r}")
        spans = re.findall(r"`([^`]+)`", sentence)
        for index, span in enumerate(spans):
            if span not in FIELD_VALUES:
                continue
            following = [later for later in spans[index + 1 :] if later in ("True", "False")]
            stated = following[0] if following else "refused" if REFUSED.search(sentence) else ""
            if stated and stated != facts[span]:
                problems.append(f"says `{span}` -> {stated}, langchain-core: {facts[span]}")
        if DUCK.search(sentence):
            stated = "refused" if REFUSED.search(sentence) else "accepted"
            if stated != facts["duck"]:
                problems.append(f"says a duck cache is {stated}, langchain-core: {facts['duck']}")
    return problems


CACHE_FIELD = Claim(
    name="what a model's cache field accepts",
    about=re.compile(
        r"(?:`cache` field|\bcache field\b|(?:LLM|model)'s field|\bthe field\b|"
        r"`\w+\(cache=\.\.\.\)`)"
        r".*\b(?:accept|pass(?:ed|es)? (?:it )?through|as it is|turns?|becomes?|convert|"
        r"coerce|refuse|reject)",
        re.IGNORECASE,
    ),
    observe=observe_cache_field,
    judge=judge_cache_field,
)


# --- What InMemoryCache(maxsize=...) evicts ----------------------------------------------

NO_EVICTION = re.compile(r"(?:does not|doesn't|never|no longer) (?:evict|remove|drop)")
REWRITE = re.compile(r"already|rewrit|re-?updat|second write")
LRU = re.compile(r"least recently used|\bLRU\b")


def observe_maxsize() -> Facts:
    """At capacity: does rewriting a held key evict another, and does a lookup protect?"""
    rewrite = InMemoryCache(maxsize=2)
    for prompt in ("a", "b", "b"):
        rewrite.update(prompt, "m", [Generation(text=prompt)])
    protect = InMemoryCache(maxsize=2)
    for prompt in ("a", "b"):
        protect.update(prompt, "m", [Generation(text=prompt)])
    protect.lookup("a", "m")
    protect.update("c", "m", [Generation(text="c")])
    return {
        "rewrite evicts": str(rewrite.lookup("a", "m") is None),
        "lookup protects": str(protect.lookup("a", "m") is not None),
    }


def judge_maxsize(text: str, facts: Facts) -> list[str]:
    problems = []
    for sentence in _sentences(text):
        if REWRITE.search(sentence):
            says = str(NO_EVICTION.search(sentence) is None)
            if re.search(r"evict|remov|drop", sentence) and says != facts["rewrite evicts"]:
                problems.append(f"rewrite evicts: says {says}, langchain-core: {facts}")
        if LRU.search(sentence):
            says = str(re.search(r"\bnot\b", sentence) is None)
            if says != facts["lookup protects"]:
                problems.append(f"least recently used: says {says}, langchain-core: {facts}")
    return problems


MAXSIZE = Claim(
    name="what InMemoryCache(maxsize=...) evicts",
    about=re.compile(r"(?:maxsize|at capacity|is full).*\b(?:evict|remov|drop)", re.IGNORECASE),
    observe=observe_maxsize,
    judge=judge_maxsize,
)

# --- Whether stream and astream use the cache -------------------------------------------

OWN_STREAM = "own _stream"
FALLBACK = "no _stream"
STREAM_WORDS = re.compile(r"`a?stream`")
BYPASS = re.compile(r"\b(?:never|neither|bypass|not cached|no lookup|nor write)")
FALLS_BACK = re.compile(r"does not implement|fall(?:s)? back|without (?:its own|a) `_stream`")
USES = re.compile(r"\blooks? (?:\w+ )*up\b|reads the cache|uses the cache|served from the cache")


class _CountingCache(InMemoryCache):
    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0

    def lookup(self, prompt: str, llm_string: str) -> Sequence[Generation] | None:
        self.lookups += 1
        return super().lookup(prompt, llm_string)


def _stream_uses_cache(make: Callable[[BaseCache], BaseLanguageModel[Any]]) -> str:
    cache = _CountingCache()
    with contextlib.redirect_stdout(io.StringIO()):  # PrintingLLM says what it does
        list(make(cache).stream("hi"))
    return "uses the cache" if cache.lookups else "bypasses the cache"


def observe_stream() -> Facts:
    """What `stream` does with the cache, by model kind and by whether it streams itself."""
    chat_answers: list[BaseMessage] = [AIMessage("an answer")]
    return {
        f"text, {OWN_STREAM}": _stream_uses_cache(lambda cache: PrintingLLM(cache=cache)),
        f"text, {FALLBACK}": _stream_uses_cache(
            lambda cache: FakeListLLM(responses=["an answer"], cache=cache)
        ),
        f"chat, {OWN_STREAM}": _stream_uses_cache(
            lambda cache: FakeListChatModel(responses=["an answer"], cache=cache)
        ),
        f"chat, {FALLBACK}": _stream_uses_cache(
            lambda cache: FakeMessagesListChatModel(responses=chat_answers, cache=cache)
        ),
    }


def judge_stream(text: str, facts: Facts) -> list[str]:
    """A sentence saying streaming skips the cache must hold for both model kinds."""
    problems = []
    for sentence in _sentences(text):
        if not STREAM_WORDS.search(sentence):
            continue
        if FALLS_BACK.search(sentence):
            kind, says = FALLBACK, "uses the cache"
        elif BYPASS.search(sentence):
            kind, says = OWN_STREAM, "bypasses the cache"
        elif USES.search(sentence):
            kind, says = OWN_STREAM, "uses the cache"
        else:
            continue
        for model in ("text", "chat"):
            if facts[f"{model}, {kind}"] != says:
                problems.append(f"{model} model, {kind}: says it {says}: {sentence!r}")
    return problems


STREAM = Claim(
    name="whether stream uses the cache",
    about=re.compile(r"`a?stream`.*\b(?:cache|cached|caching)\b", re.IGNORECASE),
    observe=observe_stream,
    judge=judge_stream,
)

# --- What callbacks see on a cache hit ---------------------------------------------------

EVENTS = (
    r"(?:on_llm_start|on_llm_end|on_chat_model_start|callback|events?\b|tracer|traced?|\brun\b)"
)
TEXT_MODEL = re.compile(r"text model|`BaseLLM`")
CHAT_MODEL = re.compile(r"chat model|`BaseChatModel`")
NEGATION = re.compile(r"\b(?:no|none|nothing|never|not|without|missing)\b")


class _Events(BaseCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_llm_start(self, *args: Any, **kwargs: Any) -> None:
        self.seen.append("start")

    def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        self.seen.append("start")

    def on_llm_end(self, *args: Any, **kwargs: Any) -> None:
        self.seen.append("end")


def _events_on_a_hit(model: BaseLanguageModel[Any]) -> str:
    model.invoke("hi")
    handler = _Events()
    model.invoke("hi", config={"callbacks": [handler]})
    return "fires" if handler.seen else "none"


def observe_hit_events() -> Facts:
    """Whether a call answered wholly from the cache sends any callback event."""
    return {
        "text": _events_on_a_hit(FakeListLLM(responses=["a", "b"], cache=InMemoryCache())),
        "chat": _events_on_a_hit(FakeListChatModel(responses=["a", "b"], cache=InMemoryCache())),
    }


def judge_hit_events(text: str, facts: Facts) -> list[str]:
    """A clause naming one kind of model says whether its run's events come on a hit."""
    problems = []
    for clause in re.split(r";\s+|(?<=[.:!?])\s+(?=[A-Z`(])", text):
        kinds = [
            kind
            for kind, words in (("text", TEXT_MODEL), ("chat", CHAT_MODEL))
            if words.search(clause)
        ]
        if len(kinds) != 1 or not re.search(EVENTS, clause, re.IGNORECASE):
            continue
        says = "none" if NEGATION.search(clause) else "fires"
        if says != facts[kinds[0]]:
            problems.append(f"{kinds[0]} model: says {says}, langchain-core: {facts[kinds[0]]}")
    return problems


HIT_EVENTS = Claim(
    name="what callbacks see on a cache hit",
    about=re.compile(rf"{EVENTS}[^|]*\bhits?\b|\bhits?\b[^|]*{EVENTS}", re.IGNORECASE),
    observe=observe_hit_events,
    judge=judge_hit_events,
)

CLAIMS = (CACHE_FIELD, MAXSIZE, STREAM, HIT_EVENTS)
