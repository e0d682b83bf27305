"""The tutorial, how-to and workshop pages: cited cases are real, includes are intact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llm_cache_reference.cases import CASES_BY_NAME

PAGES = sorted(
    path
    for folder in ("tutorials", "how-to", "workshop")
    for path in (Path(__file__).resolve().parents[2] / "docs" / folder).glob("*.md")
)
CITED = re.compile(r"`([a-z0-9-]+\[a?(?:update_cache|get_prompts)\])`")


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.parent.name}/{p.name}" for p in PAGES])
def test_every_cited_case_exists(page: Path) -> None:
    cited = CITED.findall(page.read_text())
    assert [name for name in cited if name not in CASES_BY_NAME] == []


def test_the_workshop_pages_cite_cases() -> None:
    assert sum(len(CITED.findall(page.read_text())) for page in PAGES) > 30


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.parent.name}/{p.name}" for p in PAGES])
def test_every_include_is_a_snippet_include(page: Path) -> None:
    # A formatter once rewrote `--8<-- "path"` (valid Python!) as `--8 < --"path"`,
    # which the site then showed as code instead of including the file.
    lines = [line.strip() for line in page.read_text().splitlines()]
    includes = [line for line in lines if line.startswith("--8")]
    assert all(re.fullmatch(r'--8<--( "[\w./-]+(:[\w-]+)?")?', line) for line in includes)
