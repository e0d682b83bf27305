"""Shared by the tutorial scripts: run one behaviour case on both sides.

It says what happened, and whether the two sides agree.

The comparison itself is `llm_cache_reference.harness`: `observe` runs a case,
`Outcome.render` lays the outcome out, `difference` says where two differ.
"""

from __future__ import annotations

import textwrap

from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference.cases import CASES_BY_NAME
from llm_cache_reference.harness import difference, observe


def show_case(name: str) -> None:
    """Print a case, langchain-core's outcome, and if the reference agrees."""
    case = CASES_BY_NAME[name]
    expected = observe(case.scenario, langchain_llms)
    actual = observe(case.scenario, llm_cache_reference)
    print(f"  case {case.name}:")
    print(textwrap.indent(textwrap.fill(case.title, 72), "    "))
    print(textwrap.indent(expected.render(), "    "))
    print(textwrap.indent(textwrap.fill(case.shows, 72), "    > "))
    verdict = (
        difference(expected, actual) or "the reference did exactly the same"
    )
    print(textwrap.indent(verdict, "    reference: "))
    print()
