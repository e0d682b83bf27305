"""Collects the examples in docstrings (and, later, in docs/) as tests.

Docstring examples are doctests, run by Sybil. Every example starts and ends
with no global LLM cache, so no example depends on another's leftovers.
"""

from __future__ import annotations

from collections.abc import Iterator
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from typing import Any

import pytest
from langchain_core.globals import set_llm_cache
from sybil import Sybil
from sybil.parsers.rest import DocTestParser


def _no_global_cache(namespace: dict[str, Any]) -> None:
    set_llm_cache(None)


pytest_collect_file = Sybil(
    parsers=[DocTestParser(optionflags=ELLIPSIS | NORMALIZE_WHITESPACE)],
    patterns=["*.py"],
    path="reference",
    setup=_no_global_cache,
    teardown=_no_global_cache,
).pytest()


@pytest.fixture(autouse=True)
def no_global_cache() -> Iterator[None]:
    """Start and end every test with no global LLM cache."""
    set_llm_cache(None)
    yield
    set_llm_cache(None)
