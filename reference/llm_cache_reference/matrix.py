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

from llm_cache_reference.cases import Case
from llm_cache_reference.harness import (
    FIELD_LABELS,
    CacheArg,
    CaseResult,
    Outcome,
    Scenario,
    field_lines,
    observe,
)

__all__ = ["behaviour_matrix", "plain", "resolution_table", "written_cache"]

SHOWN_WIDTH = 80
"""The width of a code block on the site, in characters: outcomes are wrapped to it."""
FOLDED_WIDTH = 74
"""The same inside a folded (collapsible) block, whose frame takes some of the column."""


def _fence(text: str, title: str = "") -> str:
    """An outcome as a code block, left out of the site's search index.

    Every case's outcome is a few lines of the same fields: indexed, they would make the
    matrix the first result for any field name or value a reader types. The case's words
    are in its section's prose, which is indexed.
    """
    title = f' title="{title}"' if title else ""
    return f'```{{ .text{title} data-search-exclude="" }}\n{text}\n```'


def _wrapped(label: str, lines: tuple[str, ...], width: int) -> tuple[str, ...]:
    """One field of an outcome, aligned under its label, wrapped to `width` in all."""
    width -= len(field_lines(label, ("",))[0])
    wrapped = [
        part
        for line in lines
        for part in textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False)
        or [line]
    ]
    return field_lines(label, tuple(wrapped))


def _outcome_lines(outcome: Outcome, width: int) -> list[str]:
    return [line for label, lines in outcome.display() for line in _wrapped(label, lines, width)]


def _compared_lines(result: CaseResult[Case], candidate: str, width: int) -> list[str]:
    """The two outcomes field by field: one line where they agree, both where they differ."""
    expected, actual = dict(result.expected.display()), dict(result.actual.display())
    lines: list[str] = []
    for label in dict.fromkeys([*expected, *actual]):
        if expected.get(label) == actual.get(label):
            lines += _wrapped(label, expected[label], width)
            continue
        lines += [f"{label}:"]
        for side, shown in (("langchain-core", expected), (candidate, actual)):
            lines += _wrapped(f"  {side}", shown.get(label, ("(nothing)",)), width)
    return lines


def plain(text: str) -> str:
    r"""Plain text as Markdown that shows it as it is (`__len__` is not bold), in a table too.

    Examples:
        >>> print(plain("__len__ | bool"))
        \_\_len\_\_ \| bool
    """
    return "".join(f"\\{char}" if char in "\\`*_[]<>|" else char for char in text)


def _verdict(group: list[CaseResult[Case]], candidate: str) -> str:
    """Say whether the two implementations agree on a case, and where they do not."""
    differing = [
        f"{result.case.scenario.function} in "
        + ", ".join(FIELD_LABELS[name] for name in result.expected.differing(result.actual))
        for result in group
        if not result.agree
    ]
    if differing:
        return f"**differ**: {'; '.join(differing)}"
    return "the same, sync and async" if len(group) > 1 else "the same"


def behaviour_matrix(report: Iterable[CaseResult[Case]], candidate: str = "reference") -> str:
    """Lay a `run_cases` report out as Markdown: an overview, then every case.

    Twins (a sync helper and its async twin) share one section, anchored by
    the case name without its bracket, e.g. `#write-fails-halfway`. Sections
    are grouped under the heading of their first twin's step. Where the two
    implementations agree, an outcome is shown once, marked identical in both;
    where they differ, the two are shown field by field, side by side. The
    async twin's outcome is folded away, one click from its sync twin's.

    Args:
        report: What `run_cases` returned.
        candidate: What to call the candidate.

    Returns:
        Markdown for the mkdocs-material site.

    Examples:
        >>> import types
        >>> import llm_cache_reference
        >>> from llm_cache_reference.cases import CASES_BY_NAME
        >>> from llm_cache_reference.harness import run_cases
        >>> case = CASES_BY_NAME["no-generations[update_cache]"]
        >>> print(behaviour_matrix(run_cases(llm_cache_reference, (case,))))
        | Case | What it shows | langchain-core and reference |
        | --- | --- | --- |
        | [`no-generations`](#no-generations) | Nothing is written; ... | the same |
        <BLANKLINE>
        ## Writing back
        <BLANKLINE>
        ### `no-generations` { #no-generations }
        <BLANKLINE>
        **The model returned no generation lists.** Nothing is written; ...
        <BLANKLINE>
        ```{ .text title="update_cache: identical in both" data-search-exclude="" }
        returned:         llm_output
        existing_prompts: {1: hit[1]}
        cache calls:      (none)
        cache contents:   cache: {}
        ```
        <BLANKLINE>
        <div class="llmcr-stepper" data-case="no-generations[update_cache]" ...></div>

        A deliberately different candidate, whose `update_cache` returns
        nothing, is shown beside langchain-core field by field where the two
        differ:

        >>> returns_none = types.SimpleNamespace(update_cache=lambda *args: None)
        >>> print(behaviour_matrix(run_cases(returns_none, (case,)), "returns-none"))
        | Case | What it shows | langchain-core and returns-none |
        | --- | --- | --- |
        | ... | **differ**: update_cache in returned |
        ...
        ```{ .text title="update_cache: langchain-core and returns-none differ" ...
        returned:
          langchain-core: llm_output
          returns-none:   None
        existing_prompts: {1: hit[1]}
        cache calls:      (none)
        cache contents:   cache: {}
        ```
        <BLANKLINE>
        <div class="llmcr-stepper" data-case="no-generations[update_cache]" ...></div>
    """
    twins = sorted(
        (list(group) for _, group in groupby(report, key=lambda result: result.case.slug)),
        key=lambda group: group[0].case.step,
    )
    # The overview says what each case shows and whether the two agree, so that it reads
    # without opening a section; the sections give the outcomes.
    lines = [f"| Case | What it shows | langchain-core and {candidate} |", "| --- | --- | --- |"]
    for group in twins:
        slug = group[0].case.slug
        link = f"[`{slug}`](#{slug})"
        lines.append(f"| {link} | {group[0].case.shows} | {_verdict(group, candidate)} |")
    for step, sections in groupby(twins, key=lambda group: group[0].case.step):
        lines += ["", f"## {step.heading}"]
        for group in sections:
            lines += _case_section(group, candidate)
    return "\n".join(lines)


def _case_section(group: list[CaseResult[Case]], candidate: str) -> list[str]:
    case = group[0].case
    lines = ["", f"### `{case.slug}` {{ #{case.slug} }}", ""]
    lines.append(f"**{plain(case.title)}** {case.shows}")
    for number, result in enumerate(group):
        function = result.case.scenario.function
        # The first twin is shown; the other, much like it, is folded away under a
        # summary line, open where it differs.
        folded = number > 0
        width = FOLDED_WIDTH if folded else SHOWN_WIDTH
        if result.agree:
            summary = f"{function}: identical in both"
            text = _outcome_lines(result.expected, width)
        else:
            summary = f"{function}: langchain-core and {candidate} differ"
            text = _compared_lines(result, candidate, width)
        if folded:
            marker = "??? success" if result.agree else "???+ failure"
            block = textwrap.indent(_fence("\n".join(text)), "    ")
            lines += ["", f'{marker} "{summary}"', "", block]
        else:
            lines += ["", _fence("\n".join(text), summary)]
    # The page's stepper (docs/assets/js/stepper.js) puts a "Step through" control in each.
    lines += ["", *(_stepper(result.case) for result in group)]
    return lines


def _stepper(case: Case) -> str:
    """The place of a case's "Step through" control: its name, and its helper's apart."""
    helper = case.scenario.function
    return f'<div class="llmcr-stepper" data-case="{case.name}" data-helper="{helper}"></div>'


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
    names = {
        "instance": "a `BaseCache` instance",
        "duck": "a duck-typed non-`BaseCache`",
        "unprintable": "an object whose `str()` raises",
    }
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
