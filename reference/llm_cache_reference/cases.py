"""Named behaviour cases: the single source of truth for what the helpers do.

A `Scenario` describes one call: which helper, what `cache` argument, which
global cache, which prompts, hits and generations, and whether a cache write
fails. `observe` builds fresh inputs for it, calls one implementation (any
object or module with the helpers as attributes) and records an `Outcome`:
what came back, what happened to `existing_prompts`, and every cache call in
order. Objects are named by identity (`new[0]` is the very list the model
returned, `llm_output` the very dict), so a copy shows up as a difference.

`CASES` names the scenarios worth teaching; `run_cases` runs them against a
candidate and against langchain-core and reports where they agree. The tests,
the docs, the workshop checker and the version history all read this module.

Examples:
    >>> import llm_cache_reference
    >>> report = run_cases(llm_cache_reference)
    >>> all(result.agree for result in report)
    True
    >>> case = CASES_BY_NAME["write-fails-halfway[update_cache]"]
    >>> print(observe(case.scenario, llm_cache_reference).render())
    raised:           CacheWriteError
    existing_prompts: {1: hit[1], 0: new[0], 2: new[1]}
    cache calls:      cache.update('a', 'llm-string', new[0])
                      cache.update('c', 'llm-string', new[1])
    cache contents:   cache: {'a': new[0]}
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args

from langchain_core.caches import BaseCache
from langchain_core.globals import get_llm_cache, set_llm_cache
from langchain_core.language_models import llms as langchain_llms
from langchain_core.outputs import Generation, LLMResult
from typing_extensions import override

FunctionName = Literal["update_cache", "aupdate_cache", "get_prompts", "aget_prompts"]
FUNCTIONS: tuple[FunctionName, ...] = get_args(FunctionName)
ASYNC_FUNCTIONS = frozenset({"aupdate_cache", "aget_prompts"})

CacheArg = Literal["instance", "None", "True", "False", "1", "0", "'yes'", "duck"]
"""The `cache` argument, spelled as it would be written in the call."""

Flavour = Literal["sync", "async", "falsy"]
"""The kind of every `BaseCache` in a scenario.

`sync` overrides only the sync methods, so the async ones fall back to
`BaseCache`'s defaults (the sync method, run in a thread). `async` overrides
both and logs when each `aupdate` begins and ends. `falsy` is `sync` with a
`__len__`, so an empty one is falsy.
"""

Stored = Literal["list", "empty list", "tuple", "string"]
"""What a cache lookup returns for a prompt in `Scenario.stored`."""

LLM_STRING = "llm-string"


class CacheWriteError(RuntimeError):
    """Raised by a recording cache on the write a scenario says fails."""


@dataclass(frozen=True)
class Scenario:
    """One call to one helper, described as plain data.

    Attributes:
        function: Which helper to call.
        cache: The `cache` argument. `instance` is a recording cache named
            `cache`; `duck` has every cache method but is not a `BaseCache`.
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

    @property
    def writes_back(self) -> bool:
        """Whether the scenario calls a write-back helper (else a lookup helper)."""
        return self.function in ("update_cache", "aupdate_cache")


@dataclass(frozen=True)
class Outcome:
    """Everything a caller can observe after one call, as comparable text.

    Attributes:
        returned: The return value, described; `None` if the call raised.
        raised: The exception's type name, or `None`. Messages are not
            compared: the reference words its errors in its own way.
        existing_prompts: The caller's `existing_prompts` after the call (the
            write-back helpers only; the lookup helpers return theirs).
        calls: Every cache method call, in order, with its arguments.
        cached: What each recording cache holds afterwards, by prompt.
    """

    returned: str | None
    raised: str | None
    existing_prompts: str | None
    calls: tuple[str, ...]
    cached: str

    def render(self) -> str:
        """Lay the outcome out as aligned lines, leaving out what does not apply."""
        lines = []
        if self.raised is None:
            lines.append(f"returned:         {self.returned}")
        else:
            lines.append(f"raised:           {self.raised}")
        if self.existing_prompts is not None:
            lines.append(f"existing_prompts: {self.existing_prompts}")
        calls = list(self.calls) or ["(none)"]
        lines.append(f"cache calls:      {calls[0]}")
        lines.extend(f"                  {call}" for call in calls[1:])
        lines.append(f"cache contents:   {self.cached}")
        return "\n".join(lines)


def difference(expected: Outcome, actual: Outcome) -> str:
    """Say in words where two outcomes differ; an empty string if they do not.

    Examples:
        >>> a = Outcome("llm_output", None, "{}", (), "nothing cached")
        >>> print(difference(a, Outcome("{}", None, "{}", (), "nothing cached")))
        returned: expected llm_output, got {}
    """
    lines = []
    for item in fields(Outcome):
        want, got = getattr(expected, item.name), getattr(actual, item.name)
        if want != got:
            lines.append(f"{item.name}: expected {_words(want)}, got {_words(got)}")
    return "\n".join(lines)


def _words(value: str | tuple[str, ...] | None) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, tuple):
        return "; ".join(value) if value else "no calls"
    return value


class _Describer:
    """Describes values, naming the objects the scenario made by identity."""

    def __init__(self) -> None:
        self.labels: dict[int, str] = {}
        self._keep: list[object] = []  # held so no labelled id is reused

    def name(self, value: object, label: str) -> None:
        self.labels[id(value)] = label
        self._keep.append(value)

    def __call__(self, value: object) -> str:
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


class _Log:
    def __init__(self, describe: _Describer) -> None:
        self.describe = describe
        self.calls: list[str] = []
        self.writes = 0

    def record(self, owner: str, method: str, *args: object, after: str = "") -> None:
        shown = ", ".join(map(self.describe, args))
        self.calls.append(f"{owner}.{method}({shown}){after}")


class RecordingCache(BaseCache):
    """A dict-backed cache that logs every call (the `sync` flavour)."""

    def __init__(self, name: str, log: _Log, fail_on_write: int | None) -> None:
        self.name, self.log, self.fail_on_write = name, log, fail_on_write
        self.store: dict[tuple[str, str], Any] = {}

    @override
    def lookup(self, prompt: str, llm_string: str) -> Any:
        self.log.record(self.name, "lookup", prompt, llm_string)
        return self.store.get((prompt, llm_string))

    def by_prompt(self) -> dict[str, Any]:
        """What the cache holds, keyed by prompt alone (the calls show llm_string)."""
        return {prompt: value for (prompt, _), value in self.store.items()}

    def _write(self, prompt: str, llm_string: str, return_val: Any) -> None:
        self.log.writes += 1
        if self.log.writes == self.fail_on_write:
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
        self.log.record(self.name, "aupdate", prompt, llm_string, return_val, after=" begins")
        await asyncio.sleep(0)  # a concurrent caller would start the next write here
        self._write(prompt, llm_string, return_val)
        self.log.record(self.name, "aupdate", prompt, llm_string, return_val, after=" ends")


class FalsyRecordingCache(RecordingCache):
    """The `falsy` flavour: `bool(cache)` is False while it is empty."""

    def __len__(self) -> int:
        return len(self.store)


class DuckCache:
    """Has every cache method, but is not a `BaseCache`: not accepted as a cache."""

    def __init__(self, log: _Log) -> None:
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
    function = getattr(implementation, scenario.function)
    describe = _Describer()
    log = _Log(describe)
    flavour = _FLAVOURS[scenario.flavour]

    def new_cache(name: str) -> RecordingCache:
        cache = flavour(name, log, scenario.fail_on_write)
        for prompt, kind in scenario.stored:
            value = _STORED[kind](prompt)
            describe.name(value, f"stored[{prompt!r}]")
            cache.store[prompt, str(sorted(scenario.params))] = value
        return cache

    caches: list[RecordingCache] = []
    cache_arg: object
    if scenario.cache == "instance":
        cache_arg = new_cache("cache")
        caches.append(cache_arg)
    elif scenario.cache == "duck":
        cache_arg = DuckCache(log)
    else:
        cache_arg = _PLAIN_ARGS[scenario.cache]

    existing_prompts: dict[int, list[Generation]] = {}
    if scenario.writes_back:
        for i in scenario.hits:
            existing_prompts[i] = [Generation(text=f"hit {i}")]
            describe.name(existing_prompts[i], f"hit[{i}]")
        new_results = LLMResult(
            generations=[[Generation(text=f"new {i}")] for i in range(scenario.generations)],
            llm_output={"token_usage": 7},
        )
        for i, generation_list in enumerate(new_results.generations):
            describe.name(generation_list, f"new[{i}]")
        describe.name(new_results.llm_output, "llm_output")
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
    try:
        returned, raised = _call(function, scenario.function in ASYNC_FUNCTIONS, args)
    finally:
        set_llm_cache(previous_global)
    return Outcome(
        returned=None if raised else describe(returned),
        raised=raised,
        existing_prompts=describe(existing_prompts) if scenario.writes_back else None,
        calls=tuple(log.calls),
        cached="; ".join(f"{cache.name}: {describe(cache.by_prompt())}" for cache in caches)
        or "no cache in play",
    )


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


@dataclass(frozen=True)
class Case:
    """A named scenario worth teaching.

    Attributes:
        name: A unique slug; the twin it runs is in brackets.
        title: One line: what the call is.
        shows: Why it matters: what a learner should notice.
        scenario: The call itself.
        step: The workshop exercise step it belongs to: 1 write-back,
            2 resolving `cache`, 3 the async twin, 4 the lookup side.
    """

    name: str
    title: str
    shows: str
    scenario: Scenario
    step: int


def _twins(slug: str, title: str, shows: str, step: int, **scenario: Any) -> Iterator[Case]:
    """Yield the case for the sync helper and for its async twin."""
    sync_name: FunctionName = "update_cache" if scenario.pop("writes", True) else "get_prompts"
    async_name: FunctionName = "aupdate_cache" if sync_name == "update_cache" else "aget_prompts"
    async_flavour = scenario.pop("async_flavour", "async")
    yield Case(f"{slug}[{sync_name}]", title, shows, Scenario(sync_name, **scenario), step)
    async_scenario = Scenario(async_name, **{"flavour": async_flavour, **scenario})
    yield Case(f"{slug}[{async_name}]", title, shows, async_scenario, max(step, 3))


def _all_cases() -> Iterator[Case]:
    yield from _twins(
        "hits-and-misses",
        "Prompt 1 was a hit; prompts 0 and 2 came back from the model.",
        "Only the misses are written, each at its own index, as the very list the model"
        " returned; the return value is the very llm_output object.",
        1,
    )
    yield from _twins(
        "instance-beats-global",
        "A cache instance is passed while a different global cache is set.",
        "The instance is used and the global cache is not touched.",
        2,
        global_cache=True,
    )
    yield from _twins(
        "none-without-global",
        "cache=None and no global cache.",
        "existing_prompts is still filled; nothing is cached and nothing raises.",
        2,
        cache="None",
    )
    yield from _twins(
        "none-uses-global",
        "cache=None with a global cache set.",
        "None means 'whatever the global cache is'.",
        2,
        cache="None",
        global_cache=True,
    )
    yield from _twins(
        "true-uses-global",
        "cache=True with a global cache set.",
        "True means 'the global cache', not 'make me a cache'.",
        2,
        cache="True",
        global_cache=True,
    )
    yield from _twins(
        "true-without-global-raises",
        "cache=True and no global cache.",
        "ValueError before anything is touched: existing_prompts is unchanged.",
        2,
        cache="True",
    )
    yield from _twins(
        "false-ignores-global",
        "cache=False with a global cache set.",
        "False turns caching off even though a global cache exists; existing_prompts is"
        " still filled.",
        2,
        cache="False",
        global_cache=True,
    )
    for arg, why in (
        ("1", "1 == True, but only the True singleton counts."),
        ("0", "0 == False, but only the False singleton counts."),
        ("'yes'", "A truthy string is not a boolean."),
        ("duck", "Having lookup and update is not enough: it must be a BaseCache."),
    ):
        slug = "unsupported-" + arg.strip("'")
        yield from _twins(
            slug,
            f"cache={arg} with a global cache set.",
            f"ValueError, nothing mutated. {why}",
            2,
            cache=arg,
            global_cache=True,
        )
    yield from _twins(
        "falsy-cache-still-written",
        "An empty cache whose __len__ makes bool(cache) False.",
        "The check is `is not None`, not truthiness, so the empty cache is written.",
        1,
        flavour="falsy",
        async_flavour="falsy",
    )
    yield from _twins(
        "write-fails-halfway",
        "The cache's second write raises.",
        "The error surfaces as it is. The first write stays in the cache, and the failing"
        " prompt is already in existing_prompts: it is filled before the cache write.",
        1,
        fail_on_write=2,
    )
    yield from _twins(
        "more-generations-than-indices",
        "Three generation lists for two missing indices.",
        "IndexError, after the first two were written everywhere.",
        1,
        generations=3,
    )
    yield from _twins(
        "fewer-generations-than-indices",
        "One generation list for two missing indices.",
        "No error: the second missing prompt is silently left out of existing_prompts"
        " and the cache.",
        1,
        generations=1,
    )
    yield from _twins(
        "no-generations",
        "The model returned no generation lists.",
        "Nothing is written; llm_output is still returned.",
        1,
        generations=0,
    )
    yield from _twins(
        "no-generations-still-resolves",
        "No generation lists, cache=True and no global cache.",
        "The cache argument is resolved first, so it raises even with nothing to write.",
        2,
        generations=0,
        cache="True",
    )
    yield from _twins(
        "index-past-prompts",
        "A missing index (5) past the end of the three prompts, and no cache at all.",
        "IndexError from prompts[5], yet existing_prompts already holds the entry: the dict"
        " is written first, and the prompt is looked up even with no cache to write to.",
        1,
        cache="None",
        missing_prompt_idxs=(5,),
        generations=1,
    )
    yield Case(
        "awaits-each-write[aupdate_cache]",
        "Three writes to an async cache whose aupdate yields to the event loop.",
        "Each write ends before the next begins: N writes cost N round trips.",
        Scenario(
            "aupdate_cache",
            flavour="async",
            prompts=("a", "b", "c", "d"),
            missing_prompt_idxs=(0, 2, 3),
            generations=3,
        ),
        3,
    )
    yield Case(
        "sync-only-cache[aupdate_cache]",
        "The async twin with a cache that defines only sync methods.",
        "It still works: BaseCache's default aupdate runs update in a thread.",
        Scenario("aupdate_cache", flavour="sync"),
        3,
    )
    lookups = {
        "writes": False,
        "prompts": ("a", "b", "c", "a"),
        "stored": (("a", "list"),),
    }
    yield from _twins(
        "lookup-hits-and-misses",
        "Four prompts, 'a' (twice) cached; params given out of order.",
        "llm_string is str(sorted(params.items())); a repeated prompt is looked up"
        " each time; misses keep their order.",
        4,
        **lookups,
    )
    yield from _twins(
        "only-lists-are-hits",
        "Lookups return a list, an empty list, a tuple and a string.",
        "Only list results count as hits, the empty list included.",
        4,
        writes=False,
        prompts=("a", "b", "c", "d"),
        stored=(("a", "list"), ("b", "empty list"), ("c", "tuple"), ("d", "string")),
    )
    yield from _twins(
        "lookup-without-cache",
        "cache=False while a global cache holding 'a' is set.",
        "With no cache every prompt is a miss and nothing is looked up.",
        4,
        **{**lookups, "cache": "False", "global_cache": True},
    )
    yield from _twins(
        "lookup-none-uses-global",
        "cache=None while a global cache holding 'a' is set.",
        "The lookup side resolves cache exactly like the write-back side.",
        4,
        **{**lookups, "cache": "None", "global_cache": True},
    )
    yield from _twins(
        "lookup-true-without-global-raises",
        "cache=True and no global cache.",
        "ValueError before any lookup.",
        4,
        **{**lookups, "cache": "True"},
    )
    yield from _twins(
        "lookup-falsy-cache",
        "An empty, falsy cache.",
        "Looked up all the same: `is not None`, not truthiness.",
        4,
        **{**lookups, "flavour": "falsy", "async_flavour": "falsy", "stored": ()},
    )


CASES: tuple[Case, ...] = tuple(_all_cases())
CASES_BY_NAME: dict[str, Case] = {case.name: case for case in CASES}


@dataclass(frozen=True)
class CaseResult:
    """One case run against langchain-core and against a candidate.

    Attributes:
        case: The case.
        expected: langchain-core's outcome.
        actual: The candidate's outcome.
    """

    case: Case
    expected: Outcome
    actual: Outcome
    difference: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "difference", difference(self.expected, self.actual))

    @property
    def agree(self) -> bool:
        """Whether the candidate did exactly what langchain-core did."""
        return not self.difference


def run_cases(
    candidate: object,
    cases: tuple[Case, ...] = CASES,
    baseline: object = langchain_llms,
) -> list[CaseResult]:
    """Run cases against a candidate and a baseline, langchain-core by default.

    Args:
        candidate: A module or object with the helpers as attributes.
        cases: Which cases to run.
        baseline: What the candidate is compared with.

    Returns:
        One `CaseResult` per case, in order.
    """
    return [
        CaseResult(case, observe(case.scenario, baseline), observe(case.scenario, candidate))
        for case in cases
    ]
