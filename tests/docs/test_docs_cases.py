"""The tutorial, how-to and workshop pages: cited cases are real, counts are the cases', and
includes are intact."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from llm_cache_reference.cases import CASES, CASES_BY_NAME

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    path
    for folder in ("tutorials", "how-to", "workshop")
    for path in (ROOT / "docs" / folder).glob("*.md")
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


def _table_cases(page: Path) -> list[str]:
    """The cases a page's table rows name (a row starts with a cited case)."""
    rows = [line for line in page.read_text().splitlines() if line.startswith("| `")]
    return [name for row in rows for name in CITED.findall(row.split(" | ")[0])]


def test_the_first_exercise_lists_every_case_of_its_step() -> None:
    page = ROOT / "docs" / "workshop" / "exercise-1-write-back.md"
    step_1 = [case.name for case in CASES if case.step == 1]
    assert sorted(_table_cases(page)) == sorted(step_1)


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_each_exercise_table_names_cases_of_its_own_step(step: int) -> None:
    (page,) = (ROOT / "docs" / "workshop").glob(f"exercise-{step}-*.md")
    named = _table_cases(page)
    assert named
    assert {CASES_BY_NAME[name].step for name in named} == {step}


def test_every_count_the_slides_ask_for_is_a_steps_count() -> None:
    # "Who has step 1 at 9 of 9?": the room counts against the checker's own total.
    deck = (ROOT / "slides" / "workshop.md").read_text()
    asked = re.findall(r"step (\d) at (\d+) of (\d+)", deck)
    counts = Counter(int(case.step) for case in CASES)
    assert asked
    assert [(int(step), int(total)) for step, _, total in asked] == [
        (int(step), counts[int(step)]) for step, _, _ in asked
    ]
