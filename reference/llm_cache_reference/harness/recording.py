"""The recording caches: caches that log every call, and the arguments a scenario passes.

Each call is logged as a `CacheCall` through a `CallLog`; a `Describer` names
the objects a scenario made by identity, so a copy shows up as a difference.
"""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from langchain_core.caches import BaseCache
from langchain_core.outputs import Generation
from typing_extensions import override

from llm_cache_reference.harness.outcome import CacheCall
from llm_cache_reference.harness.scenario import (
    CacheArg,
    CacheWriteError,
    FailWith,
    Flavour,
    Phase,
    Stored,
    UnprintableError,
)


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
    """The `CallLog` `observe` uses: each call as a `CacheCall`, in order."""

    def __init__(self, describe: Describer) -> None:
        self.describe = describe
        self.calls: list[CacheCall] = []
        self.writes = 0

    def record(self, owner: str, method: str, *args: object, phase: Phase | None = None) -> None:
        """Log one call, each argument described."""
        self.calls.append(CacheCall(owner, method, tuple(map(self.describe, args)), phase))


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
        llm_cache_reference.harness.scenario.UnprintableError: str() of an Unprintable
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
