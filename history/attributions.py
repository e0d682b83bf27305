"""Every release where something changed, attributed by hand; the check that all are.

Two measurements find changes (see `__main__`): the static comparison of each
release's source with the previous release's (`sources`), and the behaviour
cases run on every release (`boundaries` and `generate_only_changes` in the
data). `ATTRIBUTIONS` says, for each pair of neighbouring releases where
either found one, what it is:

- `Behaviour`: cases show it. The cases are not listed here: they are the ones
  whose outcome the data shows changing between the two releases. Its words
  are the page's.
- `NoChange`: the source changed and no case could show it, for a reason a
  reviewer can check against the diff (`python -m history diff OLD NEW`).

`problems` lists every pair that is not attributed, or attributed wrongly (a
`Behaviour` where no case changes, a `NoChange` where one does, an
"annotations only" that changed more). `make history` fails on any.
Links are to public langchain pull requests whose description matches what
was measured.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

LANGCHAIN = "https://github.com/langchain-ai/langchain"


@dataclass(frozen=True)
class Behaviour:
    """A change the behaviour cases show.

    Attributes:
        title: A short name for the change.
        summary: What changed, in one plain sentence (the summary table's).
        why: The explanation, in Markdown (folded on the page).
        links: Public langchain pull requests or issues, as (label, url).
    """

    title: str
    summary: str
    why: str
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NoChange:
    """A change of source that no caller can see, and why.

    Attributes:
        reason: One line a reviewer can check against the diff.
    """

    reason: str


ANNOTATIONS_ONLY = NoChange("Type annotations only: the code is the same once they are removed.")
"""The one reason the check verifies by itself: nothing differs beyond annotations."""

Attribution = Behaviour | NoChange

_LANGCHAIN_GLOBAL = (
    "Before langchain-core had its own global cache, the `langchain` package kept one in"
    " `langchain.llm_cache`. `get_llm_cache` long fell back to it:"
    " `return _llm_cache or old_llm_cache`, where `old_llm_cache` is"
    " `langchain.llm_cache` if `langchain` can be imported. "
)

ATTRIBUTIONS: dict[tuple[str, str], Attribution] = {
    ("0.0.1", "0.0.2"): NoChange(
        "The helpers and BaseLLM moved, unchanged, from langchain_core.llm to"
        " langchain_core.language_models.llms: the same behaviour under a new import path"
        " (see Signatures)."
    ),
    ("0.0.4", "0.0.5"): NoChange(
        "A warning filter's text and a new batch_size callback argument: the filter only"
        " acts when the langchain package is importable (it is not in these runs), and"
        " callbacks do not reach the cache."
    ),
    ("0.1.21", "0.1.22"): Behaviour(
        title="The async twins arrive",
        summary=(
            "`aupdate_cache` and `aget_prompts` appear (always using the global cache), and"
            " `BaseCache` gets async methods that run the sync ones in a thread."
        ),
        why=(
            "`BaseCache` gained `alookup`, `aupdate` and `aclear`, and `agenerate` moved from"
            " the sync helpers to the new async ones. Like their sync twins at the time, the"
            " async twins take no `cache` argument, so only the cases with `cache=None` can"
            " run on them; the others stay *not comparable* until 0.1.41."
        ),
        links=(("Async cache support, #15817", f"{LANGCHAIN}/pull/15817"),),
    ),
    ("0.1.30", "0.1.31"): NoChange(
        "The cache field moved from BaseLLM up to BaseLanguageModel with the same"
        " declaration, so every LLM still has it."
    ),
    ("0.1.33rc1", "0.1.33"): Behaviour(
        title="The cache field takes an instance, which LLMs refuse",
        summary=(
            "An LLM can be made with its own cache instance, but `generate` then raises"
            " `NotImplementedError`."
        ),
        why=(
            "The `cache` field belongs to every language model, LLMs and chat models alike."
            " It was widened from `bool` to a cache instance, `True`, `False` or `None` so"
            " that chat models could have their own cache; `generate` and `agenerate`"
            " refused an instance until 0.1.41. The helpers did not change, so only"
            " `generate` users see it. In the same release `langchain_core.globals` became"
            " a module instead of a package, with the same code."
        ),
        links=(("Enhance cache flexibility in BaseChatModel, #17386", f"{LANGCHAIN}/pull/17386"),),
    ),
    ("0.1.40", "0.1.41"): Behaviour(
        title="The cache argument arrives",
        summary=(
            "All four helpers take `cache` (`None`, `True`, `False` or a cache instance;"
            " anything else raises `ValueError`), resolved by the new `_resolve_cache`."
        ),
        why=(
            "Until 0.1.40 the helpers always used the global cache, and `generate` decided"
            " on its own what `cache=False` meant: it still looked every prompt up in the"
            " global cache, then sent all of them to the model and wrote nothing back. From"
            " 0.1.41 the helpers resolve the `cache` argument themselves. It comes first in"
            " `update_cache` and `aupdate_cache`, so a positional call written for 0.1.40,"
            " `update_cache(existing_prompts, llm_string, ...)`, now puts `existing_prompts`"
            " in `cache`. Through `generate` the `ValueError` cases are out of reach: the"
            " LLM's field turns `1` and `'yes'` into `True` and `0` into `False`, and"
            " refuses a duck-typed cache outright."
        ),
        links=(
            ("Allow passing local cache to language models, #19331", f"{LANGCHAIN}/pull/19331"),
        ),
    ),
    ("0.2.7", "0.2.8"): Behaviour(
        title="StopIteration in a sync cache no longer hangs the async twin",
        summary=(
            "A sync-only cache whose write raises `StopIteration` made `aupdate_cache` hang"
            " for ever; now it raises `RuntimeError`."
        ),
        why=(
            "`BaseCache`'s default `aupdate` runs the sync `update` in a thread through"
            " `run_in_executor`. Python cannot pass a `StopIteration` from a thread back"
            " into a coroutine (it would end a generator by mistake): asyncio logs a"
            " `TypeError` and the awaiting call never finishes. From 0.2.8"
            " `run_in_executor` turns `StopIteration` into `RuntimeError` first. The sync"
            " `update_cache` lets `StopIteration` through in every release."
        ),
    ),
    ("0.3.0.dev5", "0.3.0"): NoChange(
        "Only the model's serialised form passed to on_llm_start changed"
        " (dumpd(self) became self._serialized): a callback argument, not the cache."
    ),
    ("0.3.1", "0.3.2"): ANNOTATIONS_ONLY,
    ("0.3.5", "0.3.6"): NoChange(
        "llm_string: str(sorted([(k, v) for k, v in params.items()])) became"
        " str(sorted(params.items())), the same text for any params."
    ),
    ("0.3.8", "0.3.9"): NoChange(
        "The cache field became Field(default=None, exclude=True): left out of"
        " model_dump(), which neither the helpers nor generate's llm_string read."
    ),
    ("0.3.9", "0.3.10"): NoChange(
        "raise ValueError('...') became msg = '...'; raise ValueError(msg):"
        " the messages are byte-identical."
    ),
    ("0.3.49", "0.3.50"): NoChange(
        "generate passes new_arg_supported by keyword instead of by position: the same call."
    ),
    ("0.3.50", "0.3.51"): NoChange(
        "llm_output = new_results.llm_output; return llm_output became"
        " return new_results.llm_output: the same object."
    ),
    ("0.3.51", "0.3.52"): NoChange(
        "A `global _llm_cache` statement was removed from get_llm_cache, which only reads it."
    ),
    ("0.3.68", "0.3.69"): NoChange(
        "The private _resolve_cache takes cache by keyword only, and the helpers now call it"
        " so (a caller of _resolve_cache itself must write cache=...); the lookup helpers'"
        " cache annotation lost a redundant Optional."
    ),
    ("0.3.75", "0.3.76"): Behaviour(
        title="The langchain package's global is looked for once, at import",
        summary=(
            "`get_llm_cache` stops finding `langchain.llm_cache` unless `langchain` was"
            " importable when langchain-core was first imported."
        ),
        why=_LANGCHAIN_GLOBAL
        + "Until 0.3.75 it tried `import langchain` on every call; from 0.3.76 it checks"
        " once, when `langchain_core.globals` is imported. These runs have no `langchain`"
        " package, and the cases put a stand-in `langchain` module in place only for the"
        " call, so from here the stand-in is not seen. With the real package installed,"
        " the fallback stays until 1.0.0a7.",
    ),
    ("0.3.86", "0.4.0.dev0"): Behaviour(
        title="A development release from before the change",
        summary=(
            "0.4.0.dev0 was built from older code: it imports `langchain` on every call"
            " again, as 0.3.75 did."
        ),
        why=(
            "Pre-releases are sorted by version number, not by date. 0.4.0.dev0 and"
            " 1.0.0a1 to 1.0.0a2 were built from code that still had the 0.3.75"
            " behaviour, so the cases change back here and forth again at 1.0.0a3."
        ),
    ),
    ("1.0.0a2", "1.0.0a3"): Behaviour(
        title="The pre-releases catch up",
        summary="As in 0.3.76: `langchain` is looked for once, at import.",
        why="The same change as 0.3.75 → 0.3.76, reaching the 1.0 pre-releases.",
    ),
    ("1.0.0a6", "1.0.0a7"): Behaviour(
        title="get_llm_cache returns the global cache, even an empty one",
        summary=(
            "`get_llm_cache` stops falling back to `langchain.llm_cache` and returns the"
            " global cache even when it is falsy (an empty cache with `__len__`)."
        ),
        why=_LANGCHAIN_GLOBAL
        + "Because of the `or`, a global cache that is *falsy* (empty, with a `__len__`)"
        " counted as no global cache at all: `get_llm_cache()` returned `None` (or the"
        " `langchain` package's cache). From 1.0.0a7 (and so in 1.0.0) `get_llm_cache`"
        " returns the global cache whatever its truth value, and `set_llm_cache` no"
        " longer writes to `langchain.llm_cache` either.",
    ),
    ("1.4.3", "1.4.4"): ANNOTATIONS_ONLY,
    ("1.5.4", "1.5.5"): Behaviour(
        title="Presence checks become is not None",
        summary=(
            "With no cache the lookup helpers report every prompt missing (they reported"
            " none), and an empty cache with `__len__` is looked up and written."
        ),
        why=(
            "Until 1.5.4, `get_prompts`, `aget_prompts` and `aupdate_cache` asked whether"
            " the cache was truthy; the sync `update_cache` already asked whether it was"
            " `None`. A cache with `__len__` is falsy while empty, so it was treated as no"
            " cache; and with no cache the lookup helpers put no prompt at all in the"
            " missing list. Through `generate` the no-cache half cannot be seen: with no"
            " cache `generate` sends every prompt to the model without reading the missing"
            " list; with an empty falsy cache `generate` failed with `KeyError` putting"
            " the results together."
        ),
        links=(("Handle falsy LLM and chat model caches, #39283", f"{LANGCHAIN}/pull/39283"),),
    ),
}


@dataclass(frozen=True)
class Problem:
    """A pair of releases whose attribution is missing or wrong.

    Attributes:
        last_old: The earlier release.
        first_new: The later one.
        what: What is wrong, and what to do.
        units: The source units that changed there, for the diff.
    """

    last_old: str
    first_new: str
    what: str
    units: tuple[str, ...] = ()


def behaviour_pairs(data: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """Each pair of releases where a case's outcome changes, with those cases."""
    pairs: dict[tuple[str, str], list[str]] = {}
    for entry in [*data["boundaries"], *data["generate_only_changes"]]:
        names = pairs.setdefault((entry["last_old"], entry["first_new"]), [])
        names += [case["case"] for case in entry["cases"] if case["case"] not in names]
    return pairs


def problems(
    data: dict[str, Any], attributions: dict[tuple[str, str], Attribution] = ATTRIBUTIONS
) -> Iterator[Problem]:
    """Every pair of releases not attributed, or attributed wrongly."""
    behaviour = behaviour_pairs(data)
    source = {(c["last_old"], c["first_new"]): c for c in data["source_changes"]}
    for pair in sorted(set(behaviour) | set(source) | set(attributions), key=_order(data)):
        old, new = pair
        found = attributions.get(pair)
        units = tuple(source[pair]["units"]) if pair in source else ()
        cases = behaviour.get(pair, [])
        if found is None:
            if cases:
                what = f"cases change ({', '.join(cases[:4])}): add a Behaviour"
            else:
                what = "source changed and no case shows it: write the case, or add a NoChange"
            yield Problem(old, new, what, units)
        elif isinstance(found, Behaviour) and not cases:
            yield Problem(old, new, "attributed to behaviour, but no case changes here", units)
        elif isinstance(found, NoChange) and cases:
            yield Problem(
                old, new, f"attributed to no change, but cases change: {cases[:4]}", units
            )
        elif found == ANNOTATIONS_ONLY and (
            pair not in source or source[pair]["beyond_annotations"]
        ):
            yield Problem(old, new, "said to be annotations only, but more changed", units)
        elif pair not in source and not cases:
            yield Problem(old, new, "attributed, but nothing changes here: remove the entry")


def _order(data: dict[str, Any]) -> Any:
    order = {row["version"]: i for i, row in enumerate(data["releases"])}
    return lambda pair: (order.get(pair[1], len(order)), order.get(pair[0], len(order)))
