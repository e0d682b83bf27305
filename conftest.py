"""Runs every example in docs/ and in the package's docstrings as a test.

Rules for pages in docs/ (other pages and helpers rely on them):

1. Every ```python fence runs: whatever follows the word python (a title,
   exec="on"), however deeply it is indented (admonitions, content tabs). A
   page's fences run in page order and share one namespace. Top-level `await`
   works. Every ```pycon fence is a doctest.
2. A ```text title="Output" fence right after a python fence (blank lines
   only between) is what that block must print, exactly. An Output fence
   anywhere else fails, since nothing would check it.
3. A fence that includes a file with `--8<-- "path"` does not run here: the
   included file is tested on its own.
4. Every page, and every docstring, starts and ends with no global LLM cache.

Docstring examples (`>>>`) in reference/ are doctests. The parser lives in
tests/markdown_examples.py.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from pathlib import Path
from typing import Any

import pytest
from langchain_core.globals import set_llm_cache
from sybil import Sybil
from sybil.parsers.rest import DocTestParser

from llm_cache_reference.checker import memory
from tests.markdown_examples import parse_markdown


def _no_global_cache(namespace: dict[str, Any]) -> None:
    set_llm_cache(None)


docstrings = Sybil(
    parsers=[DocTestParser(optionflags=ELLIPSIS | NORMALIZE_WHITESPACE)],
    patterns=["*.py"],
    path="reference",
    setup=_no_global_cache,
    teardown=_no_global_cache,
)
pages = Sybil(
    parsers=[parse_markdown],
    patterns=["*.md"],
    path="docs",
    setup=_no_global_cache,
    teardown=_no_global_cache,
)
pytest_collect_file = (docstrings + pages).pytest()


# Outside any one test (the pages' and docstrings' examples too), nothing the tests check
# is remembered in the home directory.
os.environ[memory.ENVIRONMENT] = str(Path(tempfile.mkdtemp()) / "checker-memory.json")


@pytest.fixture(autouse=True)
def fresh_checker_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every test a learner who has seen nothing fail (the checker's `memory`)."""
    monkeypatch.setenv(memory.ENVIRONMENT, str(tmp_path / "checker-memory.json"))


@pytest.fixture(autouse=True)
def no_global_cache() -> Iterator[None]:
    """Start and end every test with no global LLM cache."""
    set_llm_cache(None)
    yield
    set_llm_cache(None)
