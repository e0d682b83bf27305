"""The tables the site prints at build time show disagreements, not only agreement."""

from __future__ import annotations

import types
from typing import Any

import pytest

import llm_cache_reference
from llm_cache_reference.cases import CASES, CASES_BY_NAME, Step
from llm_cache_reference.harness import run_cases
from llm_cache_reference.matrix import (
    FOLDED_WIDTH,
    SHOWN_WIDTH,
    behaviour_matrix,
    resolution_table,
)


def _update_cache_treating_false_as_none(cache: Any, *args: Any) -> Any:
    """A plausible mistake: `cache or None` turns False into "the global cache"."""
    return llm_cache_reference.update_cache(cache or None, *args)


MISTAKEN = types.SimpleNamespace(update_cache=_update_cache_treating_false_as_none)


def test_the_matrix_has_a_section_for_every_case_and_one_outcome_where_both_agree() -> None:
    matrix = behaviour_matrix(run_cases(llm_cache_reference, CASES))
    for case in CASES:
        slug = case.slug
        assert f"### `{slug}` {{ #{slug} }}" in matrix
        assert f'{case.scenario.function}: identical in both"' in matrix
    assert matrix.count(': identical in both"') == len(CASES)
    assert "**differ**" not in matrix
    assert ' differ"' not in matrix


def test_the_overview_says_what_each_case_shows_and_that_both_agree() -> None:
    matrix = behaviour_matrix(run_cases(llm_cache_reference, CASES))
    twins: dict[str, list[str]] = {}
    for case in CASES:
        twins.setdefault(case.slug, []).append(case.shows)
    for slug, shows in twins.items():
        agree = "the same, sync and async" if len(shows) == 2 else "the same"
        assert f"| [`{slug}`](#{slug}) | {shows[0]} | {agree} |" in matrix
    assert {len(shows) for shows in twins.values()} == {1, 2}


def test_the_overview_names_each_twin_that_differs() -> None:
    both = [
        CASES_BY_NAME[f"false-ignores-global[{name}]"] for name in ("update_cache", "aupdate_cache")
    ]
    broken = types.SimpleNamespace(update_cache=lambda *args: None, aupdate_cache=_async_none)
    matrix = behaviour_matrix(run_cases(broken, both), candidate="broken")
    differ = (
        "update_cache in returned, existing_prompts; aupdate_cache in returned, existing_prompts"
    )
    assert f"| **differ**: {differ} |" in matrix


async def _async_none(*args: Any) -> None:
    return None


def test_an_outcome_both_agree_on_is_shown_once() -> None:
    case = CASES_BY_NAME["hits-and-misses[update_cache]"]
    (result,) = run_cases(llm_cache_reference, (case,))
    matrix = behaviour_matrix([result])
    assert matrix.count(result.expected.render()) == 1


def test_every_outcome_fits_the_column() -> None:
    matrix = behaviour_matrix(run_cases(llm_cache_reference, CASES))
    fence, too_wide = "", []
    for line in matrix.splitlines():
        if line.lstrip().startswith("```"):
            fence = "" if fence else line
        elif fence:
            folded = fence.startswith("    ")
            width = len(line) - 4 if folded else len(line)
            if width > (FOLDED_WIDTH if folded else SHOWN_WIDTH):
                too_wide.append(line)
    assert too_wide == []
    # Each pair of twins folds its second outcome away.
    sections = {case.slug for case in CASES}
    assert matrix.count('??? success "') == len(CASES) - len(sections)


def test_the_matrix_has_a_heading_per_step_in_step_order() -> None:
    matrix = behaviour_matrix(run_cases(llm_cache_reference, CASES))
    headings = [line[3:] for line in matrix.splitlines() if line.startswith("## ")]
    assert headings == [step.heading for step in Step]


def test_the_matrix_shows_where_a_candidate_differs_side_by_side() -> None:
    case = CASES_BY_NAME["false-ignores-global[update_cache]"]
    matrix = behaviour_matrix(run_cases(MISTAKEN, (case,)), candidate="yours")
    assert "| [`false-ignores-global`](#false-ignores-global) |" in matrix
    assert "| **differ**: update_cache in cache calls, cache contents |" in matrix
    assert 'title="update_cache: langchain-core and yours differ"' in matrix
    assert "cache calls:\n  langchain-core: (none)\n  yours:" in matrix
    assert "cache contents:\n  langchain-core: global: {}\n  yours:" in matrix
    assert "identical" not in matrix


def test_the_resolution_table_refuses_a_candidate_that_disagrees() -> None:
    with pytest.raises(AssertionError, match="the candidate wrote to the global cache"):
        resolution_table(MISTAKEN)


def test_a_case_title_is_shown_as_written() -> None:
    case = CASES_BY_NAME["falsy-cache-still-written[update_cache]"]
    matrix = behaviour_matrix(run_cases(llm_cache_reference, (case,)))
    assert "**An empty cache whose \\_\\_len\\_\\_ makes bool(cache) False.**" in matrix
