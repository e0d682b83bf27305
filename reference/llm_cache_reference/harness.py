"""The harness that runs a behaviour case: scenarios, recording caches, outcomes.

A `Scenario` describes one call: which helper, what `cache` argument, which
global cache, which prompts, hits and generations, and whether a cache write
fails. `observe` builds fresh inputs for it, calls one implementation (any
object or module with the helpers as attributes) and records an `Outcome`:
what came back, what happened to `existing_prompts`, every cache call in
order (each a `CacheCall`) and what each cache holds afterwards. Objects are
named by identity (`new[0]` is the very list the model returned, `llm_output`
the very dict), so a copy shows up as a difference.

An outcome is data; `Outcome.display` and `Outcome.render` turn it into text
for a person. `run_cases` runs cases (the table in `cases`) against a
candidate and against langchain-core, and reports where they agree.

Examples:
    >>> import llm_cache_reference
    >>> from llm_cache_reference.cases import CASES, CASES_BY_NAME
    >>> all(result.agree for result in run_cases(llm_cache_reference, CASES))
    True
    >>> case = CASES_BY_NAME["write-fails-halfway[update_cache]"]
    >>> outcome = observe(case.scenario, llm_cache_reference)
    >>> outcome.raised, [call.method for call in outcome.calls]
    ('CacheWriteError', ['update', 'update'])
    >>> print(outcome.render())
    raised:           CacheWriteError
    existing_prompts: {1: hit[1], 0: new[0], 2: new[1]}
    cache calls:      cache.update('a', 'llm-string', new[0])
                      cache.update('c', 'llm-string', new[1])
    cache contents:   cache: {'a': new[0]}
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict, get_args

from langchain_core.caches import BaseCache
from langchain_core.globals import get_llm_cache, set_llm_cache
from langchain_core.language_models import llms as langchain_llms
from langchain_core.outputs import Generation, LLMResult
from typing_extensions import override

if TYPE_CHECKING:
    from llm_cache_reference.cases import Case

FunctionName = Literal["update_cache", "aupdate_cache", "get_prompts", "aget_prompts"]
FUNCTIONS: tuple[FunctionName, ...] = get_args(FunctionName)
ASYNC_FUNCTIONS = frozenset({"aupdate_cache", "aget_prompts"})
ASYNC_TWIN: dict[FunctionName, FunctionName] = {
    "update_cache": "aupdate_cache",
    "get_prompts": "aget_prompts",
}
"""Each sync helper's async twin."""

CacheArg = Literal["instance", "None", "True", "False", "1", "0", "'yes'", "duck", "unprintable"]
"""The `cache` argument, spelled as it would be written in the call.

`instance` is a recording cache; `duck` has every cache method but is not a
`BaseCache`; `unprintable` is an object that cannot be shown as text: its
`__str__` raises `UnprintableError`, and so does `format`, which calls it.
"""

Flavour = Literal["sync", "async", "falsy"]
"""The kind of every `BaseCache` in a scenario.

`sync` overrides only the sync methods, so the async ones fall back to
`BaseCache`'s defaults (the sync method, run in a thread). `async` overrides
both and logs when each `aupdate` begins and ends. `falsy` is `sync` with a
`__len__`, so an empty one is falsy.
"""

Stored = Literal["list", "empty list", "tuple", "string"]
"""What a cache lookup returns for a prompt in `Scenario.stored`."""

Phase = Literal["begins", "ends"]
"""Which end of a cache call that yields to the event loop was logged."""

LLM_STRING = "llm-string"


FailWith = Literal["CacheWriteError", "StopIteration"]
"""What a recording cache's failing write raises."""


class CacheWriteError(RuntimeError):
    """Raised by a recording cache on the write a scenario says fails."""


class UnprintableError(RuntimeError):
    """Raised by the `unprintable` cache argument when it is made into text."""


@dataclass(frozen=True)
class Scenario:
    """One call to one helper, described as plain data.

    Attributes:
        function: Which helper to call.
        cache: The `cache` argument (see `CacheArg`); the recording cache
            of `instance` is named `cache`.
        global_cache: Whether a recording cache named `global` is set with
            `set_llm_cache` for the call (otherwise none is).
        flavour: The kind of both recording caches.
        prompts: The whole batch.
        hits: For the write-back helpers, the indices already in
            `existing_prompts` when the call starts.
        missing_prompt_idxs: For the write-back helpers.
        generations: How many generation lists the model returned.
        fail_on_write: The cache write (1 for the first) that raises
            `CacheWriteError`; `None` for none.
        params: For the lookup helpers: the model parameters.
        stored: For the lookup helpers: what the caches hold, by prompt.
        fail_with: What the failing write raises.
        langchain_global: Whether, during the call, a module named
            `langchain` can be imported whose `llm_cache` is a recording cache
            named `langchain`: where the langchain package kept its global
            cache before langchain-core had its own.
    """

    function: FunctionName
    cache: CacheArg = "instance"
    global_cache: bool = False
    flavour: Flavour = "sync"
    prompts: tuple[str, ...] = ("a", "b", "c")
    hits: tuple[int, ...] = (1,)
    missing_prompt_idxs: tuple[int, ...] = (0, 2)
    generations: int = 2
    fail_on_write: int | None = None
    params: tuple[tuple[str, Any], ...] = (("temperature", 0), ("model", "fake"))
    stored: tuple[tuple[str, Stored], ...] = ()
    fail_with: FailWith = "CacheWriteError"
    langchain_global: bool = False

    @property
    def writes_back(self) -> bool:
        """Whether the scenario calls a write-back helper (else a lookup helper)."""
        return self.function in ("update_cache", "aupdate_cache")


# --- Outcomes: data, and the one way they become text ---------------------------------


@dataclass(frozen=True)
class CacheCall:
    """One call to a cache method, its arguments named as `observe` names them.

    Attributes:
        owner: Which cache: `cache` (the argument), `global` or `duck`.
        method: The method called, such as `update` or `aupdate`.
        arguments: Each argument, described: `new[0]` for the very first
            generation list the model returned, `'a'` for the prompt `a`.
        phase: For a call that yields to the event loop, which end of it
            this is; `None` for a call logged once.

    Examples:
        >>> args = ("'a'", "'llm-string'", "new[0]")
        >>> CacheCall("cache", "aupdate", args, "begins").text()
        "cache.aupdate('a', 'llm-string', new[0]) begins"
    """

    owner: str
    method: str
    arguments: tuple[str, ...]
    phase: Phase | None = None

    def text(self) -> str:
        """The call as it would be written, then its phase, if any."""
        call = f"{self.owner}.{self.method}({', '.join(self.arguments)})"
        return call if self.phase is None else f"{call} {self.phase}"


@dataclass(frozen=True)
class DictWrite:
    """One change the helper made to the caller's `existing_prompts`, described.

    Attributes:
        key: The key, described (`0`).
        value: What was stored under it, described (`new[0]`); `None` when
            the key was deleted.

    Examples:
        >>> DictWrite("0", "new[0]").text(), DictWrite("1", None).text()
        ('existing_prompts[0] = new[0]', 'del existing_prompts[1]')
    """

    key: str
    value: str | None

    def text(self) -> str:
        """The change as the statement that makes it."""
        if self.value is None:
            return f"del existing_prompts[{self.key}]"
        return f"existing_prompts[{self.key}] = {self.value}"


@dataclass(frozen=True)
class Finish:
    """How the call ended: what it returned, or the type of what it raised.

    Examples:
        >>> Finish("llm_output", None).text(), Finish(None, "ValueError").text()
        ('returns llm_output', 'raises ValueError')
    """

    returned: str | None
    raised: str | None

    def text(self) -> str:
        """`returns ...` or `raises ...`."""
        return f"raises {self.raised}" if self.raised else f"returns {self.returned}"


Event = CacheCall | DictWrite | Finish
"""One thing a helper did that a caller can see, in the order it did them."""


@dataclass(frozen=True)
class CacheContents:
    """What one recording cache holds after the call, by prompt.

    Attributes:
        owner: Which cache: `cache` or `global`.
        entries: Each prompt and the value stored for it, described.
    """

    owner: str
    entries: tuple[tuple[str, str], ...]

    def text(self) -> str:
        """`owner: {prompt: value, ...}`."""
        inside = ", ".join(f"{prompt!r}: {value}" for prompt, value in self.entries)
        return f"{self.owner}: {{{inside}}}"


class OutcomeText(TypedDict):
    """Each field of an `Outcome` as the text it is shown as: JSON-ready.

    The version history keeps outcomes in this form, one per release.
    """

    returned: str | None
    raised: str | None
    existing_prompts: str | None
    calls: list[str]
    cached: str


FIELD_LABELS: dict[str, str] = {
    "returned": "returned",
    "raised": "raised",
    "existing_prompts": "existing_prompts",
    "calls": "cache calls",
    "cached": "cache contents",
}
"""Each field of `Outcome`, by name, and the label it is shown under."""

Display = tuple[tuple[str, tuple[str, ...]], ...]
"""An outcome laid out for a person: each shown field's label and its lines."""

_LABEL_WIDTH = 1 + max(map(len, FIELD_LABELS.values())) + 1


@dataclass(frozen=True)
class Outcome:
    """Everything a caller can observe after one call, as comparable values.

    Attributes:
        returned: The return value, described; `None` if the call raised.
        raised: The exception's type name, or `None`. Messages are not
            compared: the reference words its errors in its own way.
        existing_prompts: The caller's `existing_prompts` after the call,
            described (the write-back helpers only; the lookup helpers
            return theirs).
        calls: Every cache method call, in order.
        cached: What each recording cache holds afterwards; empty when no
            recording cache was in play.
    """

    returned: str | None
    raised: str | None
    existing_prompts: str | None
    calls: tuple[CacheCall, ...]
    cached: tuple[CacheContents, ...]

    def as_text(self) -> OutcomeText:
        """Every field as the text it is shown as (see `OutcomeText`)."""
        return {
            "returned": self.returned,
            "raised": self.raised,
            "existing_prompts": self.existing_prompts,
            "calls": [call.text() for call in self.calls],
            "cached": "; ".join(contents.text() for contents in self.cached) or "no cache in play",
        }

    def display(self) -> Display:
        """The fields that apply, each as its label and its lines of text."""
        return display(self.as_text())

    def render(self) -> str:
        """Lay the outcome out as aligned lines, leaving out what does not apply."""
        return render(self.display())

    def differing(self, other: Outcome) -> tuple[str, ...]:
        """The names of the fields in which two outcomes differ, in field order.

        Examples:
            >>> a = Outcome("llm_output", None, "{}", (), ())
            >>> a.differing(Outcome(None, "ValueError", "{}", (), ()))
            ('returned', 'raised')
        """
        return tuple(name for name in FIELD_LABELS if getattr(self, name) != getattr(other, name))


def display(text: OutcomeText) -> Display:
    """Lay an outcome's text out by label, leaving out what does not apply.

    Args:
        text: An outcome's fields as text (`Outcome.as_text`, or as the
            version history recorded them).

    Returns:
        `returned` or `raised`, then `existing_prompts` if it applies, then
        the cache calls (`(none)` for none) and the cache contents, each with
        its label and its lines.
    """
    shown: list[tuple[str, tuple[str, ...]]] = []
    if text["raised"] is None:
        shown.append((FIELD_LABELS["returned"], (f"{text['returned']}",)))
    else:
        shown.append((FIELD_LABELS["raised"], (text["raised"],)))
    if text["existing_prompts"] is not None:
        shown.append((FIELD_LABELS["existing_prompts"], (text["existing_prompts"],)))
    shown.append((FIELD_LABELS["calls"], tuple(text["calls"]) or ("(none)",)))
    shown.append((FIELD_LABELS["cached"], (text["cached"],)))
    return tuple(shown)


def field_lines(label: str, lines: tuple[str, ...]) -> tuple[str, ...]:
    """One shown field as aligned lines: the label beside its first line."""
    first, *rest = lines
    return (f"{label + ':':<{_LABEL_WIDTH}}{first}", *(" " * _LABEL_WIDTH + line for line in rest))


def render(shown: Display) -> str:
    """A displayed outcome as one block of aligned lines."""
    return "\n".join(line for label, lines in shown for line in field_lines(label, lines))


def difference(expected: Outcome, actual: Outcome) -> str:
    """Say in words where two outcomes differ; an empty string if they do not.

    Examples:
        >>> a = Outcome("llm_output", None, "{}", (), ())
        >>> print(difference(a, Outcome("{}", None, "{}", (), ())))
        returned: expected llm_output, got {}
    """
    want, got = expected.as_text(), actual.as_text()
    return "\n".join(
        f"{name}: expected {_words(want, name)}, got {_words(got, name)}"
        for name in expected.differing(actual)
    )


def _words(text: OutcomeText, name: str) -> str:
    if name == "calls":
        return "; ".join(text["calls"]) or "no calls"
    value = dict(text)[name]
    return "nothing" if value is None else str(value)


# --- The recording caches ----------------------------------------------------------------


class Describer:
    """Describes values, naming the objects a scenario made by identity.

    Examples:
        >>> describe = Describer()
        >>> found = [1]
        >>> describe.name(found, "hit[0]")
        >>> describe({0: found, 1: [1]}), describe(((1,), (1, 2)))
        ('{0: hit[0], 1: [1]}', '((1,), (1, 2))')
    """

    def __init__(self) -> None:
        self.labels: dict[int, str] = {}
        self._keep: list[object] = []  # held so no labelled id is reused

    def name(self, value: object, label: str) -> None:
        """Describe this very object as `label` from now on."""
        self.labels[id(value)] = label
        self._keep.append(value)

    def __call__(self, value: object) -> str:
        """The value's label if it has one, else its repr, with labelled parts."""
        if id(value) in self.labels:
            return self.labels[id(value)]
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self(k)}: {self(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(map(self, value)) + "]"
        if isinstance(value, tuple):
            inner = ", ".join(map(self, value))
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        return repr(value)


class CallLog(Protocol):
    """Where the recording caches report each call, and count the writes."""

    writes: int

    def record(self, owner: str, method: str, *args: object, phase: Phase | None = None) -> None:
        """Log one call to a cache method."""


class Log:
    """The `CallLog` `observe` uses: each call as a `CacheCall`, in order.

    It keeps the timeline too: the cache calls and the changes to
    `existing_prompts`, as one list of events in the order they happened; and,
    for whoever watches the call as it runs (`trace`), the recording caches and
    the `existing_prompts` of the call.
    """

    def __init__(self, describe: Describer) -> None:
        self.describe = describe
        self.calls: list[CacheCall] = []
        self.events: list[Event] = []
        self.writes = 0
        self.caches: list[RecordingCache] = []
        self.existing_prompts: dict[int, list[Generation]] | None = None

    def record(self, owner: str, method: str, *args: object, phase: Phase | None = None) -> None:
        """Log one call, each argument described."""
        call = CacheCall(owner, method, tuple(map(self.describe, args)), phase)
        self.calls.append(call)
        self.events.append(call)

    def wrote(self, key: object, value: object | None) -> None:
        """Log one change to `existing_prompts`; `value` `None` for a deletion."""
        described = None if value is None else self.describe(value)
        self.events.append(DictWrite(self.describe(key), described))


_DELETED = object()


class RecordingDict(dict[Any, Any]):
    """The caller's `existing_prompts`: a dict that reports every change to a `Log`.

    The ways a helper may well change it (assigning, `update`, `|=`,
    `setdefault`, `del`, `pop`, `clear`) all go through `__setitem__` or
    `__delitem__` here, so each change is logged, whichever way it was made.

    Examples:
        >>> log = Log(Describer())
        >>> found = RecordingDict({1: "hit"}, log)
        >>> found[0] = "new"
        >>> found.update({2: "x"})
        >>> del found[1]
        >>> for event in log.events:
        ...     print(event.text())
        existing_prompts[0] = 'new'
        existing_prompts[2] = 'x'
        del existing_prompts[1]
        >>> found
        {0: 'new', 2: 'x'}
    """

    def __init__(self, items: dict[Any, Any], log: Log) -> None:
        super().__init__(items)
        self._log = log

    @override
    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self._log.wrote(key, value)

    @override
    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._log.wrote(key, None)

    @override
    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    @override
    def __ior__(self, other: Any) -> RecordingDict:
        self.update(other)
        return self

    @override
    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    @override
    def pop(self, key: Any, default: Any = _DELETED) -> Any:
        if key not in self:
            if default is _DELETED:
                raise KeyError(key)
            return default
        value = self[key]
        del self[key]
        return value

    @override
    def clear(self) -> None:
        for key in list(self):
            del self[key]


class RecordingCache(BaseCache):
    """A dict-backed cache that logs every call (the `sync` flavour)."""

    def __init__(
        self,
        name: str,
        log: CallLog,
        fail_on_write: int | None,
        fail_with: FailWith = "CacheWriteError",
    ) -> None:
        self.name, self.log, self.fail_on_write = name, log, fail_on_write
        self.fail_with = fail_with
        self.store: dict[tuple[str, str], Any] = {}

    @override
    def lookup(self, prompt: str, llm_string: str) -> Any:
        self.log.record(self.name, "lookup", prompt, llm_string)
        return self.store.get((prompt, llm_string))

    def _write(self, prompt: str, llm_string: str, return_val: Any) -> None:
        self.log.writes += 1
        if self.log.writes == self.fail_on_write:
            if self.fail_with == "StopIteration":
                raise StopIteration
            raise CacheWriteError(f"{self.name} refuses write {self.log.writes}")
        self.store[prompt, llm_string] = return_val

    @override
    def update(self, prompt: str, llm_string: str, return_val: Any) -> None:
        self.log.record(self.name, "update", prompt, llm_string, return_val)
        self._write(prompt, llm_string, return_val)

    @override
    def clear(self, **kwargs: Any) -> None:
        self.log.record(self.name, "clear")
        self.store.clear()


class AsyncRecordingCache(RecordingCache):
    """The `async` flavour: native async methods that yield to the event loop."""

    @override
    async def alookup(self, prompt: str, llm_string: str) -> Any:
        self.log.record(self.name, "alookup", prompt, llm_string)
        await asyncio.sleep(0)
        return self.store.get((prompt, llm_string))

    @override
    async def aupdate(self, prompt: str, llm_string: str, return_val: Any) -> None:
        self.log.record(self.name, "aupdate", prompt, llm_string, return_val, phase="begins")
        await asyncio.sleep(0)  # a concurrent caller would start the next write here
        self._write(prompt, llm_string, return_val)
        self.log.record(self.name, "aupdate", prompt, llm_string, return_val, phase="ends")


class FalsyRecordingCache(RecordingCache):
    """The `falsy` flavour: `bool(cache)` is False while it is empty."""

    def __len__(self) -> int:
        return len(self.store)


class DuckCache:
    """Has every cache method, but is not a `BaseCache`: not accepted as a cache."""

    def __init__(self, log: CallLog) -> None:
        self.log = log

    def __repr__(self) -> str:
        # No address: resolve_cache's message shows it, and traces record the message.
        return "DuckCache()"

    def lookup(self, prompt: str, llm_string: str) -> None:
        """Log the lookup; find nothing."""
        self.log.record("duck", "lookup", prompt, llm_string)

    def update(self, prompt: str, llm_string: str, return_val: Any) -> None:
        """Log the write; keep nothing."""
        self.log.record("duck", "update", prompt, llm_string, return_val)

    async def alookup(self, prompt: str, llm_string: str) -> None:
        """Log the lookup; find nothing."""
        self.log.record("duck", "alookup", prompt, llm_string)

    async def aupdate(self, prompt: str, llm_string: str, return_val: Any) -> None:
        """Log the write; keep nothing."""
        self.log.record("duck", "aupdate", prompt, llm_string, return_val)


class Unprintable:
    """The `unprintable` cache argument: its `__str__` raises, so `format` does too.

    Examples:
        >>> f"{Unprintable()}"
        Traceback (most recent call last):
        ...
        llm_cache_reference.harness.UnprintableError: str() of an Unprintable
        >>> repr(Unprintable())
        'Unprintable()'
    """

    def __str__(self) -> str:
        raise UnprintableError("str() of an Unprintable")

    def __repr__(self) -> str:
        return "Unprintable()"


_FLAVOURS: dict[Flavour, type[RecordingCache]] = {
    "sync": RecordingCache,
    "async": AsyncRecordingCache,
    "falsy": FalsyRecordingCache,
}
_PLAIN_ARGS: dict[CacheArg, object] = {
    "None": None,
    "True": True,
    "False": False,
    "1": 1,
    "0": 0,
    "'yes'": "yes",
}
_STORED: dict[Stored, Callable[[str], object]] = {
    "list": lambda prompt: [Generation(text=f"cached {prompt}")],
    "empty list": lambda prompt: [],
    "tuple": lambda prompt: (Generation(text=f"cached {prompt}"),),
    "string": lambda prompt: f"cached {prompt}",
}


def recording_cache(
    flavour: Flavour,
    name: str,
    log: CallLog,
    fail_on_write: int | None,
    fail_with: FailWith = "CacheWriteError",
) -> RecordingCache:
    """A fresh, empty recording cache of a scenario's flavour, logging to `log`."""
    return _FLAVOURS[flavour](name, log, fail_on_write, fail_with)


@contextmanager
def langchain_package_global(cache: object) -> Iterator[None]:
    """Make `import langchain` give a stand-in module whose `llm_cache` is `cache`, for the block.

    The stand-in is only in `sys.modules`: a release that looked for the
    langchain package once, when it was imported, does not see it.
    """
    before = sys.modules.get("langchain")
    stand_in = types.ModuleType("langchain")
    # The package's other old globals, which old releases read too.
    stand_in.verbose = stand_in.debug = False  # type: ignore[attr-defined]
    stand_in.llm_cache = cache  # type: ignore[attr-defined]
    sys.modules["langchain"] = stand_in
    try:
        yield
    finally:
        if before is None:
            del sys.modules["langchain"]
        else:
            sys.modules["langchain"] = before


def stored_value(kind: Stored, prompt: str) -> object:
    """A fresh value of one kind, as a lookup of `prompt` returns it."""
    return _STORED[kind](prompt)


def cache_argument(
    kind: CacheArg, log: CallLog, new_cache: Callable[[str], RecordingCache]
) -> object:
    """A fresh `cache` argument of one kind.

    Args:
        kind: Which argument.
        log: Where a duck-typed cache logs its calls.
        new_cache: Makes the recording cache, given its name, for `instance`.
    """
    if kind == "instance":
        return new_cache("cache")
    if kind == "duck":
        return DuckCache(log)
    if kind == "unprintable":
        return Unprintable()
    return _PLAIN_ARGS[kind]


# --- Observing a call ----------------------------------------------------------------------


class WrongKind(TypeError):
    """The candidate's helper is sync where an async one is expected, or the reverse."""


def observe(scenario: Scenario, implementation: object) -> Outcome:
    """Run one scenario against one implementation and record what it did.

    Args:
        scenario: The call to make.
        implementation: A module or object with the helper as an attribute.

    Returns:
        The observed outcome. The global cache is restored afterwards.

    Raises:
        AttributeError: The implementation lacks the helper.
        WrongKind: The helper is not async where it should be, or the reverse.
    """
    return record(scenario, implementation).outcome


@dataclass(frozen=True)
class Recorded:
    """One call, observed: its outcome and its timeline.

    Attributes:
        outcome: What a caller can see once the call is over.
        timeline: What the helper did, in order: each change to
            `existing_prompts`, each cache call, then how it ended.
    """

    outcome: Outcome
    timeline: tuple[Event, ...]


def record(scenario: Scenario, implementation: object, log: Log | None = None) -> Recorded:
    """`observe`, keeping the timeline as well as the outcome.

    Args:
        scenario: The call to make.
        implementation: A module or object with the helper as an attribute.
        log: Where the call is logged, for a caller that watches it as it
            runs; a fresh one when `None`.

    Raises:
        AttributeError: The implementation lacks the helper.
        WrongKind: The helper is not async where it should be, or the reverse.
    """
    function = getattr(implementation, scenario.function)
    log = Log(Describer()) if log is None else log
    describe = log.describe

    def new_cache(name: str) -> RecordingCache:
        cache = recording_cache(
            scenario.flavour, name, log, scenario.fail_on_write, scenario.fail_with
        )
        describe.name(cache, name)
        for prompt, kind in scenario.stored:
            value = stored_value(kind, prompt)
            describe.name(value, f"stored[{prompt!r}]")
            cache.store[prompt, str(sorted(scenario.params))] = value
        log.caches.append(cache)
        return cache

    cache_arg = cache_argument(scenario.cache, log, new_cache)
    if scenario.cache == "duck":
        describe.name(cache_arg, "duck")
    caches = [cache_arg] if isinstance(cache_arg, RecordingCache) else []

    existing_prompts: dict[int, list[Generation]] = {}
    if scenario.writes_back:
        for i in scenario.hits:
            existing_prompts[i] = [Generation(text=f"hit {i}")]
            describe.name(existing_prompts[i], f"hit[{i}]")
        # From here on each change is logged: the hits above are the caller's, not the helper's.
        existing_prompts = log.existing_prompts = RecordingDict(existing_prompts, log)
        new_results = LLMResult(
            generations=[[Generation(text=f"new {i}")] for i in range(scenario.generations)],
            llm_output={"token_usage": 7},
        )
        for i, generation_list in enumerate(new_results.generations):
            describe.name(generation_list, f"new[{i}]")
        describe.name(new_results.llm_output, "llm_output")
        describe.name(new_results, "new_results")
        args: tuple[object, ...] = (
            cache_arg,
            existing_prompts,
            LLM_STRING,
            list(scenario.missing_prompt_idxs),
            new_results,
            list(scenario.prompts),
        )
    else:
        args = (dict(scenario.params), list(scenario.prompts), cache_arg)

    previous_global = get_llm_cache()
    if scenario.global_cache:
        caches.append(new_cache("global"))
    set_llm_cache(caches[-1] if scenario.global_cache else None)
    legacy: AbstractContextManager[None] = nullcontext()
    if scenario.langchain_global:
        caches.append(new_cache("langchain"))
        legacy = langchain_package_global(caches[-1])
    try:
        with legacy:
            returned, raised = _call(function, scenario.function in ASYNC_FUNCTIONS, args)
    finally:
        set_llm_cache(previous_global)
    outcome = Outcome(
        returned=None if raised else describe(returned),
        raised=raised,
        existing_prompts=describe(existing_prompts) if scenario.writes_back else None,
        calls=tuple(log.calls),
        cached=tuple(contents(cache, describe) for cache in caches),
    )
    return Recorded(outcome, (*log.events, Finish(outcome.returned, outcome.raised)))


def contents(cache: RecordingCache, describe: Describer) -> CacheContents:
    """What a recording cache holds, by prompt, each value described."""
    # By prompt alone: the calls show each key's llm_string.
    entries = tuple((prompt, describe(value)) for (prompt, _), value in cache.store.items())
    return CacheContents(cache.name, entries)


def _call(
    function: Callable[..., Any], is_async: bool, args: tuple[object, ...]
) -> tuple[object, str | None]:
    if inspect.iscoroutinefunction(function) != is_async:
        expected = "an async function" if is_async else "a plain (sync) function"
        raise WrongKind(f"{function.__name__} should be {expected}")
    try:
        result = function(*args)
        if is_async:
            result = asyncio.run(result)
    except Exception as error:
        return None, type(error).__name__
    return result, None


# --- Running cases -------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseResult:
    """One case run against langchain-core and against a candidate.

    Attributes:
        case: The case.
        expected: langchain-core's outcome.
        actual: The candidate's outcome.
        difference: Where the two differ, in words (see `difference`).
    """

    case: Case
    expected: Outcome
    actual: Outcome
    difference: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "difference", difference(self.expected, self.actual))

    @property
    def differing(self) -> tuple[str, ...]:
        """The names of the fields in which the candidate's outcome differs."""
        return self.expected.differing(self.actual)

    @property
    def agree(self) -> bool:
        """Whether the candidate did exactly what langchain-core did."""
        return self.expected == self.actual


def run_cases(
    candidate: object, cases: Sequence[Case], baseline: object = langchain_llms
) -> list[CaseResult]:
    """Run cases against a candidate and a baseline, langchain-core by default.

    Args:
        candidate: A module or object with the helpers as attributes.
        cases: Which cases to run, e.g. `cases.CASES`.
        baseline: What the candidate is compared with.

    Returns:
        One `CaseResult` per case, in order.
    """
    return [
        CaseResult(case, observe(case.scenario, baseline), observe(case.scenario, candidate))
        for case in cases
    ]
