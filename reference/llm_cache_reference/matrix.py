"""Tables made from the behaviour cases, as Markdown, for the documentation site.

The site prints these at build time, so every cell is an outcome that was just
observed, never one typed by hand.

- `behaviour_matrix` lays out a `run_cases` report: each case, what it shows,
  langchain-core's outcome and the candidate's, side by side.
- `resolution_table` says which cache `update_cache` writes to for each
  `cache` argument, with and without a global cache.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from itertools import groupby
from typing import get_args

from langchain_core.language_models import llms as langchain_llms

from llm_cache_reference.harness import (
    ASYNC_FUNCTIONS,
    CacheArg,
    CaseResult,
    Outcome,
    Scenario,
    observe,
)

__all__ = ["behaviour_matrix", "resolution_table", "written_cache"]


def _slug(result: CaseResult) -> str:
    return result.case.name.partition("[")[0]


def _verdict(result: CaseResult) -> str:
    return "same" if result.agree else "**differs**"


def _fence(text: str, title: str = "") -> str:
    title = f' title="{title}"' if title else ""
    return f"```text{title}\n{text}\n```"


def _tab(label: str, text: str) -> str:
    return f'=== "{label}"\n\n' + textwrap.indent(_fence(text), "    ")


def behaviour_matrix(report: Iterable[CaseResult], candidate: str = "reference") -> str:
    """Lay a `run_cases` report out as Markdown: an overview, then every case.

    Twins (a sync helper and its async twin) share one section, anchored by
    the case name without its bracket, e.g. `#write-fails-halfway`. Sections
    are grouped under the heading of their first twin's step.

    Args:
        report: What `run_cases` returned.
        candidate: What to call the candidate in column titles.

    Returns:
        Markdown for the mkdocs-material site: each pair of outcomes is a pair
        of content tabs, the candidate's first, like every side-by-side
        comparison on the site.

    Examples:
        >>> import llm_cache_reference
        >>> from llm_cache_reference.cases import CASES_BY_NAME
        >>> from llm_cache_reference.harness import run_cases
        >>> case = CASES_BY_NAME["no-generations[update_cache]"]
        >>> print(behaviour_matrix(run_cases(llm_cache_reference, (case,))))
        | Case | What it shows | Sync twin | Async twin |
        | --- | --- | --- | --- |
        | [`no-generations`](#no-generations) | Nothing is written; ... | same | |
        <BLANKLINE>
        ## Writing back
        <BLANKLINE>
        ### `no-generations` { #no-generations }
        ...
    """
    twins = sorted(
        (list(group) for _, group in groupby(report, key=_slug)),
        key=lambda group: group[0].case.step,
    )
    lines = ["| Case | What it shows | Sync twin | Async twin |", "| --- | --- | --- | --- |"]
    for group in twins:
        by_kind = {_is_async(result): _verdict(result) for result in group}
        lines.append(
            f"| [`{_slug(group[0])}`](#{_slug(group[0])}) | {group[0].case.shows}"
            f" | {by_kind.get(False, '')} | {by_kind.get(True, '')} |"
        )
    for step, sections in groupby(twins, key=lambda group: group[0].case.step):
        lines += ["", f"## {step.heading}"]
        for group in sections:
            lines += _case_section(group, candidate)
    return "\n".join(lines)


def _is_async(result: CaseResult) -> bool:
    return result.case.scenario.function in ASYNC_FUNCTIONS


def _case_section(group: list[CaseResult], candidate: str) -> list[str]:
    case = group[0].case
    lines = ["", f"### `{_slug(group[0])}` {{ #{_slug(group[0])} }}", ""]
    lines.append(f"**{case.title}** {case.shows}")
    for result in group:
        function = result.case.scenario.function
        lines += ["", f"`{function}`: {_verdict(result)}."]
        if not result.agree:
            lines += ["", _fence(result.difference, "difference")]
        lines += [
            "",
            _tab(candidate, result.actual.render()),
            "",
            _tab("langchain-core", result.expected.render()),
        ]
    return lines


def written_cache(outcome: Outcome) -> str:
    """Say in words which cache a write-back call used, from its outcome.

    Args:
        outcome: An `update_cache` or `aupdate_cache` outcome.

    Returns:
        `ValueError` (or whatever was raised), `the instance`, `the global
        cache`, or `no cache` when no cache method was called.

    Examples:
        >>> from llm_cache_reference.harness import CacheCall, Outcome
        >>> written_cache(Outcome(None, "ValueError", "{}", (), ()))
        'ValueError'
        >>> write = CacheCall("global", "update", ("'a'", "'llm-string'", "new[0]"))
        >>> written_cache(Outcome("llm_output", None, "{}", (write,), ()))
        'the global cache'
    """
    if outcome.raised is not None:
        return outcome.raised
    owners = {call.owner for call in outcome.calls}
    return {
        frozenset(): "no cache",
        frozenset({"cache"}): "the instance",
        frozenset({"global"}): "the global cache",
    }[frozenset(owners)]


def resolution_table(candidate: object, baseline: object = langchain_llms) -> str:
    """Which cache `update_cache` writes to, for every `cache` argument.

    Each cell is observed: the `hits-and-misses` call with that `cache`
    argument, with and without a global cache set.

    Args:
        candidate: A module or object with `update_cache`, e.g. the reference.
        baseline: What the table describes; langchain-core by default.

    Returns:
        A Markdown table of the baseline's behaviour.

    Raises:
        AssertionError: The candidate disagrees with the baseline on a cell.

    Examples:
        >>> import llm_cache_reference
        >>> print(resolution_table(llm_cache_reference))
        | `cache=` | no global cache | a global cache is set |
        | --- | --- | --- |
        | a `BaseCache` instance | the instance | the instance |
        | `None` | no cache | the global cache |
        ...
    """
    names = {"instance": "a `BaseCache` instance", "duck": "a duck-typed non-`BaseCache`"}
    lines = ["| `cache=` | no global cache | a global cache is set |", "| --- | --- | --- |"]
    for cache in get_args(CacheArg):
        cells = []
        for global_cache in (False, True):
            scenario = Scenario("update_cache", cache=cache, global_cache=global_cache)
            expected = written_cache(observe(scenario, baseline))
            actual = written_cache(observe(scenario, candidate))
            if actual != expected:
                msg = f"{scenario}: the candidate wrote to {actual}, the baseline to {expected}"
                raise AssertionError(msg)
            cells.append(expected)
        lines.append(f"| {names.get(cache, f'`{cache}`')} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)
