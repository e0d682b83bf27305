"""The words for each change in the version history, written by reading the data.

Everything measured comes from `history/results.json`; only the explanation is
written by hand, here, keyed by the two releases a change falls between. The
page refuses to render a change that has no note (`page.MissingNote`), so a
new measurement is never published without someone reading it. Each claim in
a note was checked against the page's own examples; links are to public
langchain issues and pull requests whose description matches what was
measured.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGCHAIN = "https://github.com/langchain-ai/langchain"


@dataclass(frozen=True)
class Note:
    """The words for one change.

    Attributes:
        title: A short name for the change (no colon: it is a timeline label).
        direct: What a direct caller of the helpers sees, in a sentence.
        through_generate: What a user of `llm.generate` / `llm.agenerate` sees.
        why: The explanation, in Markdown.
        links: Public langchain issues or pull requests, as (label, url).
    """

    title: str
    direct: str
    through_generate: str
    why: str
    links: tuple[tuple[str, str], ...] = ()


NOTES: dict[tuple[str, str], Note] = {
    ("0.0.1", "0.0.2"): Note(
        title="The helpers move to language_models.llms",
        direct=(
            "Import them from `langchain_core.language_models.llms`; in 0.0.1 they were in"
            " `langchain_core.llm`."
        ),
        through_generate="Nothing.",
        why=(
            "In the very first release `update_cache` and `get_prompts` lived in"
            " `langchain_core.llm`; from 0.0.2 on they are in"
            " `langchain_core.language_models.llms`, where they still are. Their parameters"
            " stayed the same, and so did what they do: neither took a `cache` argument, and"
            " both always used the global cache."
        ),
    ),
    ("0.1.21", "0.1.22"): Note(
        title="The async twins arrive",
        direct=(
            "`aupdate_cache` and `aget_prompts` exist, still without a `cache` argument: like"
            " their sync twins they always use the global cache."
        ),
        through_generate=(
            "`agenerate` calls them, so the cache's `alookup` and `aupdate` are awaited where"
            " its `lookup` and `update` were called before."
        ),
        why=(
            "`BaseCache` gained `alookup`, `aupdate` and `aclear` in the same release (see"
            " [Around the helpers](#around-the-helpers)), and `agenerate` moved from the sync"
            " helpers to the new async ones. A case with a `cache` argument other than `None`"
            " stays not available for the async twins until the argument arrives in 0.1.41;"
            " only the reason changes here."
        ),
        links=(("Async cache support, #15817", f"{LANGCHAIN}/pull/15817"),),
    ),
    ("0.1.32", "0.1.33"): Note(
        title="The cache field takes an instance, which LLMs refuse",
        direct="Nothing: the helpers did not change.",
        through_generate=(
            "An LLM made with `cache=<a BaseCache>` is no longer refused as not a `bool`;"
            " `generate` raises `NotImplementedError` instead."
        ),
        why=(
            "The `cache` field belongs to every language model, LLMs and chat models alike."
            " It was widened from `bool` to a cache instance, `True`, `False` or `None` (see"
            " [Around the helpers](#around-the-helpers)) so that chat models could have their"
            " own cache. LLMs refused an instance in `generate` until 0.1.41. So every case"
            " that gives the LLM its own cache changes here, while the helpers did not."
        ),
        links=(
            ("Enhance cache flexibility in BaseChatModel, #17386", f"{LANGCHAIN}/pull/17386"),
            ("issue #17242", f"{LANGCHAIN}/issues/17242"),
        ),
    ),
    ("0.1.40", "0.1.41"): Note(
        title="The cache argument arrives",
        direct=(
            "All four helpers take `cache`: first in `update_cache` and `aupdate_cache`, last"
            " (default `None`) in the lookup helpers. `True` needs a global cache, `False`"
            " means none, anything else but an instance raises `ValueError`."
        ),
        through_generate=(
            "An LLM's own cache instance works (it raised `NotImplementedError`), and"
            " `cache=False` stops looking prompts up in the global cache."
        ),
        why=(
            "Until 0.1.40 the helpers always used the global cache, and `generate` decided on"
            " its own what `cache=False` meant: it still looked every prompt up in the global"
            " cache, then sent all of them to the model and wrote nothing back. From 0.1.41 the"
            " helpers resolve the `cache` argument themselves, through the new private"
            " `_resolve_cache`. A positional call written for 0.1.40,"
            " `update_cache(existing_prompts, llm_string, ...)`, now puts `existing_prompts`"
            " in `cache`. Through `generate` the `ValueError` cases are out of reach: the"
            " LLM's field turns `1` and `'yes'` into `True` and `0` into `False` (the replays"
            " behave exactly like those) and refuses a duck-typed cache outright."
        ),
        links=(
            ("Allow passing local cache to language models, #19331", f"{LANGCHAIN}/pull/19331"),
            ("issue #19276", f"{LANGCHAIN}/issues/19276"),
        ),
    ),
    ("0.3.68", "0.3.69"): Note(
        title="_resolve_cache takes cache by keyword only",
        direct=(
            "Only a caller of the private `_resolve_cache`: `_resolve_cache(cache)` must"
            " become `_resolve_cache(cache=cache)`."
        ),
        through_generate="Nothing.",
        why=(
            "A change to the signature of a private helper; no case changed. In the same"
            " release the lookup helpers' `cache` annotation lost a redundant `Optional`."
        ),
    ),
    ("1.5.4", "1.5.5"): Note(
        title="Presence checks become is not None",
        direct=(
            "With no cache the lookup helpers report every prompt missing (they reported"
            " none); an empty cache with `__len__` is looked up, and `aupdate_cache` writes"
            " to it."
        ),
        through_generate=(
            "An empty cache with `__len__` no longer makes `generate` and `agenerate` raise"
            " `KeyError`; the no-cache change cannot be seen at all."
        ),
        why=(
            "Until 1.5.4, `get_prompts`, `aget_prompts` and `aupdate_cache` asked whether the"
            " cache was truthy; the sync `update_cache` already asked whether it was `None`."
            " A cache with `__len__` is falsy while empty, so it was treated as no cache; and"
            " with no cache the lookup helpers put no prompt at all in the missing list.\n\n"
            "The replays show what `generate` makes of it. With no cache in play, `generate`"
            " sends every prompt to the model without using what `get_prompts` returned: its"
            " `missing indices []` before and `[0, 1, 2, 3]` after change nothing. With an"
            " empty falsy cache, the lookup's empty answer reached `generate`, which then"
            " failed with `KeyError` putting the results together. The `aupdate_cache` half"
            " cannot be reached through `agenerate`: in the replay the cache already holds the"
            " hit `'b'`, so it is truthy and written in both releases, and an empty one fails"
            " at the lookup first."
        ),
        links=(
            ("issue #38440", f"{LANGCHAIN}/issues/38440"),
            ("Handle falsy LLM and chat model caches, #39283", f"{LANGCHAIN}/pull/39283"),
        ),
    ),
}
