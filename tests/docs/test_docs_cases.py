"""The tutorial, how-to and workshop pages: cited cases are real, counts are the cases', and
includes are intact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llm_cache_reference.cases import CASES, CASES_BY_NAME
from site_build.hooks.step_cases import cases_table, on_page_markdown

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


@pytest.mark.parametrize("step", [2, 3, 4])
def test_each_exercise_table_names_cases_of_its_own_step(step: int) -> None:
    (page,) = (ROOT / "docs" / "workshop").glob(f"exercise-{step}-*.md")
    named = _table_cases(page)
    assert named
    assert {CASES_BY_NAME[name].step for name in named} == {step}


def test_the_first_exercise_shows_the_table_made_from_its_steps_cases() -> None:
    page = (ROOT / "docs" / "workshop" / "exercise-1-write-back.md").read_text()
    shown = on_page_markdown(page)
    step_1 = [case.name for case in CASES if case.step == 1]
    assert "<!-- the cases of step 1 -->" in page
    assert [name for name in CITED.findall(shown) if name in step_1][: len(step_1)] == step_1
    assert cases_table(1).count("\n| `") == len(step_1)


def test_a_title_in_the_generated_table_reads_as_written() -> None:
    falsy = CASES_BY_NAME["falsy-cache-still-written[update_cache]"]
    assert "__len__" in falsy.title
    row = next(line for line in cases_table(1).splitlines() if falsy.name in line)
    assert row == f"| `{falsy.name}` | {falsy.title.replace('_', chr(92) + '_')} |"
