"""The tables the site prints at build time show disagreements, not only agreement."""

from __future__ import annotations

import types
from typing import Any

import pytest

import llm_cache_reference
from llm_cache_reference.cases import CASES, CASES_BY_NAME, Step
from llm_cache_reference.harness import run_cases
from llm_cache_reference.matrix import behaviour_matrix, resolution_table


def _update_cache_treating_false_as_none(cache: Any, *args: Any) -> Any:
    """A plausible mistake: `cache or None` turns False into "the global cache"."""
    return llm_cache_reference.update_cache(cache or None, *args)


MISTAKEN = types.SimpleNamespace(update_cache=_update_cache_treating_false_as_none)


def test_the_matrix_has_a_section_for_every_case_and_both_outcomes() -> None:
    matrix = behaviour_matrix(run_cases(llm_cache_reference, CASES))
    for case in CASES:
        slug = case.name.partition("[")[0]
        assert f"### `{slug}` {{ #{slug} }}" in matrix
        assert f"`{case.scenario.function}`: same." in matrix
    assert matrix.count('=== "reference"') == len(CASES)
    assert matrix.count('=== "langchain-core"') == len(CASES)
    assert "differs" not in matrix


def test_the_matrix_has_a_heading_per_step_in_step_order() -> None:
    matrix = behaviour_matrix(run_cases(llm_cache_reference, CASES))
    headings = [line[3:] for line in matrix.splitlines() if line.startswith("## ")]
    assert headings == [step.heading for step in Step]


def test_the_matrix_shows_where_a_candidate_differs() -> None:
    case = CASES_BY_NAME["false-ignores-global[update_cache]"]
    matrix = behaviour_matrix(run_cases(MISTAKEN, (case,)), candidate="yours")
    assert "| [`false-ignores-global`](#false-ignores-global) |" in matrix
    assert "| **differs** |  |" in matrix
    assert "`update_cache`: **differs**." in matrix
    assert '```text title="difference"\ncalls: expected no calls, got global.update(' in matrix
    assert '=== "yours"' in matrix


def test_the_resolution_table_refuses_a_candidate_that_disagrees() -> None:
    with pytest.raises(AssertionError, match="the candidate wrote to the global cache"):
        resolution_table(MISTAKEN)
