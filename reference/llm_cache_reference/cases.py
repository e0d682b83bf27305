"""The behaviour cases: the single source of truth for what the helpers do.

`TABLE` is read top to bottom: one entry per behaviour worth teaching, each
a title, what it shows, the workshop step it belongs to and the call itself
as a `Scenario` (see `harness`). Most entries are `Twins` (see `entries`):
the same call to a sync helper and to its async twin, two cases. `CASES` is
every case the
table makes, in order; `CASES_BY_NAME` finds one by name. The tests, the
docs, the workshop checker and the version history all read them.

Examples:
    >>> CASES_BY_NAME["write-fails-halfway[aupdate_cache]"].step
    <Step.ASYNC_TWIN: 3>
    >>> [case.name for case in CASES if case.slug == "no-generations"]
    ['no-generations[update_cache]', 'no-generations[aupdate_cache]']
"""

from __future__ import annotations

from dataclasses import replace

from llm_cache_reference.entries import Case, Single, Step, Twins
from llm_cache_reference.harness.scenario import Scenario

__all__ = ["CASES", "CASES_BY_NAME", "TABLE", "Case", "Single", "Step", "Twins"]


LOOKUPS = Scenario("get_prompts", prompts=("a", "b", "c", "a"), stored=(("a", "list"),))
"""The lookup entries' usual call: four prompts, the first and last `a`, which is cached."""

TABLE: tuple[Twins | Single, ...] = (
    Twins(
        "hits-and-misses",
        Step.WRITE_BACK,
        "Prompt 1 was a hit; prompts 0 and 2 came back from the model.",
        "Only the misses are written, each at its own index, as the very list the model"
        " returned; the return value is the very llm_output object.",
        Scenario("update_cache"),
    ),
    Twins(
        "instance-beats-global",
        Step.RESOLVING_CACHE,
        "A cache instance is passed while a different global cache is set.",
        "The instance is used and the global cache is not touched.",
        Scenario("update_cache", global_cache=True),
    ),
    Twins(
        "none-without-global",
        Step.RESOLVING_CACHE,
        "cache=None and no global cache.",
        "existing_prompts is still filled; nothing is cached and nothing raises.",
        Scenario("update_cache", cache="None"),
    ),
    Twins(
        "none-uses-global",
        Step.RESOLVING_CACHE,
        "cache=None with a global cache set.",
        "None means 'whatever the global cache is'.",
        Scenario("update_cache", cache="None", global_cache=True),
    ),
    Twins(
        "true-uses-global",
        Step.RESOLVING_CACHE,
        "cache=True with a global cache set.",
        "True means 'the global cache', not 'make me a cache'.",
        Scenario("update_cache", cache="True", global_cache=True),
    ),
    Twins(
        "true-without-global-raises",
        Step.RESOLVING_CACHE,
        "cache=True and no global cache.",
        "ValueError before anything is touched: existing_prompts is unchanged.",
        Scenario("update_cache", cache="True"),
    ),
    Twins(
        "false-ignores-global",
        Step.RESOLVING_CACHE,
        "cache=False with a global cache set.",
        "False turns caching off even though a global cache exists; existing_prompts is"
        " still filled.",
        Scenario("update_cache", cache="False", global_cache=True),
    ),
    Twins(
        "unsupported-1",
        Step.RESOLVING_CACHE,
        "cache=1 with a global cache set.",
        "ValueError, nothing mutated. 1 == True, but only the True singleton counts.",
        Scenario("update_cache", cache="1", global_cache=True),
    ),
    Twins(
        "unsupported-0",
        Step.RESOLVING_CACHE,
        "cache=0 with a global cache set.",
        "ValueError, nothing mutated. 0 == False, but only the False singleton counts.",
        Scenario("update_cache", cache="0", global_cache=True),
    ),
    Twins(
        "unsupported-yes",
        Step.RESOLVING_CACHE,
        "cache='yes' with a global cache set.",
        "ValueError, nothing mutated. A truthy string is not a boolean.",
        Scenario("update_cache", cache="'yes'", global_cache=True),
    ),
    Twins(
        "unsupported-duck",
        Step.RESOLVING_CACHE,
        "cache=duck with a global cache set.",
        "ValueError, nothing mutated. Having lookup and update is not enough: it must be a"
        " BaseCache.",
        Scenario("update_cache", cache="duck", global_cache=True),
    ),
    Twins(
        "unsupported-unprintable",
        Step.RESOLVING_CACHE,
        "cache= an object that raises when made into text, with a global cache set.",
        "Not ValueError but the object's own error: the ValueError's message shows the value"
        " as f'{cache}' does, and that raises first.",
        Scenario("update_cache", cache="unprintable", global_cache=True),
    ),
    Twins(
        "falsy-cache-still-written",
        Step.WRITE_BACK,
        "An empty cache whose __len__ makes bool(cache) False.",
        "The check is `is not None`, not truthiness, so the empty cache is written.",
        Scenario("update_cache", flavour="falsy"),
        async_flavour="falsy",
    ),
    Twins(
        "write-fails-halfway",
        Step.WRITE_BACK,
        "The cache's second write raises.",
        "The error surfaces as it is. The first write stays in the cache, and the failing"
        " prompt is already in existing_prompts: it is filled before the cache write.",
        Scenario("update_cache", fail_on_write=2),
    ),
    Twins(
        "more-generations-than-indices",
        Step.WRITE_BACK,
        "Three generation lists for two missing indices.",
        "IndexError, after the first two were written everywhere.",
        Scenario("update_cache", generations=3),
    ),
    Twins(
        "fewer-generations-than-indices",
        Step.WRITE_BACK,
        "One generation list for two missing indices.",
        "No error: the second missing prompt is silently left out of existing_prompts"
        " and the cache.",
        Scenario("update_cache", generations=1),
    ),
    # --8<-- [start:entry]
    Twins(
        "no-generations",
        Step.WRITE_BACK,
        "The model returned no generation lists.",
        "Nothing is written; llm_output is still returned.",
        Scenario("update_cache", generations=0),
    ),
    # --8<-- [end:entry]
    Twins(
        "no-generations-still-resolves",
        Step.RESOLVING_CACHE,
        "No generation lists, cache=True and no global cache.",
        "The cache argument is resolved first, so it raises even with nothing to write.",
        Scenario("update_cache", generations=0, cache="True"),
    ),
    Twins(
        "index-past-prompts",
        Step.WRITE_BACK,
        "A missing index (5) past the end of the three prompts, and no cache at all.",
        "IndexError from prompts[5], yet existing_prompts already holds the entry: the dict"
        " is written first, and the prompt is looked up even with no cache to write to.",
        Scenario("update_cache", cache="None", missing_prompt_idxs=(5,), generations=1),
    ),
    Twins(
        "all-three-missing",
        Step.WRITE_BACK,
        "No hits: all three prompts missed, and the model answered each.",
        "Each answer goes to its own index and its own prompt, in order.",
        Scenario("update_cache", hits=(), missing_prompt_idxs=(0, 1, 2), generations=3),
    ),
    Twins(
        "same-index-twice",
        Step.WRITE_BACK,
        "Index 2 is listed twice among the misses, with an answer for each.",
        "Both answers are written, in order, to index 2 and to the cache, so the second"
        " wins: get_prompts never lists an index twice, and update_cache does not check.",
        Scenario("update_cache", missing_prompt_idxs=(2, 2), generations=2),
    ),
    Twins(
        "empty-prompt",
        Step.WRITE_BACK,
        "An empty prompt among the misses.",
        "The empty string is a prompt like any other: its answer is cached.",
        Scenario("update_cache", prompts=("", "b"), hits=(), missing_prompt_idxs=(0, 1)),
    ),
    Single(
        "awaits-each-write",
        Step.ASYNC_TWIN,
        "Three writes to an async cache whose aupdate yields to the event loop.",
        "Each write ends before the next begins: N writes cost N round trips.",
        Scenario(
            "aupdate_cache",
            flavour="async",
            prompts=("a", "b", "c", "d"),
            missing_prompt_idxs=(0, 2, 3),
            generations=3,
        ),
    ),
    Single(
        "sync-only-cache",
        Step.ASYNC_TWIN,
        "The async twin with a cache that defines only sync methods.",
        "It still works: BaseCache's default aupdate runs update in a thread.",
        Scenario("aupdate_cache", flavour="sync"),
    ),
    Twins(
        "falsy-global-cache",
        Step.RESOLVING_CACHE,
        "cache=None while the global cache is an empty cache with __len__.",
        "An empty global cache is falsy, but it is the global cache all the same: it is written.",
        Scenario("update_cache", cache="None", global_cache=True, flavour="falsy"),
        async_flavour="falsy",
    ),
    Twins(
        "langchain-global-ignored",
        Step.RESOLVING_CACHE,
        "cache=None, no global cache, and the langchain package's own llm_cache set.",
        "Only set_llm_cache sets the global cache: the langchain package's old global,"
        " langchain.llm_cache, is not read.",
        Scenario("update_cache", cache="None", langchain_global=True),
    ),
    Twins(
        "write-raises-stop-iteration",
        Step.WRITE_BACK,
        "A cache with only sync methods whose second write raises StopIteration.",
        "The sync helper lets StopIteration through; in the async twin BaseCache's default"
        " aupdate, which runs update in a thread, raises RuntimeError in its place.",
        Scenario("update_cache", fail_on_write=2, fail_with="StopIteration"),
        async_flavour="sync",
    ),
    Twins(
        "lookup-hits-and-misses",
        Step.LOOKUP_SIDE,
        "Four prompts, 'a' (twice) cached; params given out of order.",
        "llm_string is str(sorted(params.items())); a repeated prompt is looked up"
        " each time; misses keep their order.",
        LOOKUPS,
    ),
    Twins(
        "only-lists-are-hits",
        Step.LOOKUP_SIDE,
        "Lookups return a list, an empty list, a tuple and a string.",
        "Only list results count as hits, the empty list included.",
        Scenario(
            "get_prompts",
            prompts=("a", "b", "c", "d"),
            stored=(("a", "list"), ("b", "empty list"), ("c", "tuple"), ("d", "string")),
        ),
    ),
    Twins(
        "lookup-without-cache",
        Step.LOOKUP_SIDE,
        "cache=False while a global cache holding 'a' is set.",
        "With no cache every prompt is a miss and nothing is looked up.",
        replace(LOOKUPS, cache="False", global_cache=True),
    ),
    Twins(
        "lookup-none-uses-global",
        Step.LOOKUP_SIDE,
        "cache=None while a global cache holding 'a' is set.",
        "The lookup side resolves cache exactly like the write-back side.",
        replace(LOOKUPS, cache="None", global_cache=True),
    ),
    Twins(
        "lookup-true-without-global-raises",
        Step.LOOKUP_SIDE,
        "cache=True and no global cache.",
        "ValueError before any lookup.",
        replace(LOOKUPS, cache="True"),
    ),
    Twins(
        "lookup-falsy-cache",
        Step.LOOKUP_SIDE,
        "An empty, falsy cache.",
        "Looked up all the same: `is not None`, not truthiness.",
        replace(LOOKUPS, flavour="falsy", stored=()),
        async_flavour="falsy",
    ),
)
"""Every entry, in the order the cases run and the workshop meets them."""

CASES: tuple[Case, ...] = tuple(case for entry in TABLE for case in entry.cases())
CASES_BY_NAME: dict[str, Case] = {case.name: case for case in CASES}
