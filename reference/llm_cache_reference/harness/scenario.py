"""The scenario vocabulary: what one call to one helper is, as plain data.

`Scenario` is the call; the `Literal` types name each choice it makes (which
helper, what `cache` argument, which flavour of cache, what a lookup finds),
and the exceptions are the ones a scenario's caches and arguments raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

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
