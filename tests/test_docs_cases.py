"""The case names the tutorial, how-to and workshop pages cite are real cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llm_cache_reference.cases import CASES_BY_NAME

PAGES = sorted(
    path
    for folder in ("tutorials", "how-to", "workshop")
    for path in (Path(__file__).resolve().parent.parent / "docs" / folder).glob("*.md")
)
CITED = re.compile(r"`([a-z0-9-]+\[a?(?:update_cache|get_prompts)\])`")


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.parent.name}/{p.name}" for p in PAGES])
def test_every_cited_case_exists(page: Path) -> None:
    cited = CITED.findall(page.read_text())
    assert [name for name in cited if name not in CASES_BY_NAME] == []


def test_the_workshop_pages_cite_cases() -> None:
    assert sum(len(CITED.findall(page.read_text())) for page in PAGES) > 30
