"""A failing row says where to look first, chosen from what differs, and asks before it answers.

Run through the command line, as a learner meets it: the checker's memory (`memory`) is
this test's own (see conftest.py), so each test starts as a learner who has seen nothing.
"""

from __future__ import annotations

import re

import pytest

from llm_cache_reference.cases import CASES_BY_NAME
from llm_cache_reference.checker import check, hints
from llm_cache_reference.checker import layout as checker_text
from llm_cache_reference.checker.cli import main
from tests.checker.test_checker import INPUTS, ROOT

HELD_OUT = sorted(
    f"{INPUTS}/{name}"
    for name in (
        "broken_truthiness.py",
        "broken_truthiness_async.py",
        "broken_forgets_existing_prompts.py",
        "broken_missing_await.py",
        "broken_equals_true.py",
        "raises_unexpectedly.py",
    )
)


@pytest.fixture(autouse=True)
def _from_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "80")


def _checked(path: str, capsys: pytest.CaptureFixture[str]) -> str:
    main(["check", path])
    return capsys.readouterr().out


def _rows(report: str) -> dict[str, str]:
    """Each case's part of a report, by the case's name."""
    parts = re.split(r"^\d +(\S+)\s+", report, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.parametrize("path", HELD_OUT)
def test_each_failing_row_hints_at_the_most_telling_field_that_differs(path: str) -> None:
    report = check(path)
    failing = [row for row in report.rows if row.status == "FAIL"]
    assert failing
    for row in failing:
        assert row.observed is not None
        assert row.observed.outcome is not None
        differing = row.expected.differing(row.observed.outcome)
        chosen = hints.hint(differing)
        field = next(name for name, text in hints.HINTS.items() if text == chosen)
        assert field in differing  # never a pointer at something that agrees
        telling = list(hints.HINTS)
        assert all(telling.index(field) <= telling.index(other) for other in differing)
        shown = checker_text.render(report, width=80)
        assert "hint: " + chosen.split()[0] in shown


def test_the_first_failing_check_asks_and_the_next_one_answers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = f"{INPUTS}/broken_truthiness.py"
    case = CASES_BY_NAME["falsy-cache-still-written[update_cache]"]
    first = _rows(_checked(path, capsys))[case.name]
    assert "think first: what would a caller of llm.generate notice here?" in first
    assert "why it matters" not in first
    assert "hint: look first at the cache calls" in first
    second = _rows(_checked(path, capsys))[case.name]
    assert "think first" not in second
    shows = " ".join(case.shows.split())
    assert shows in " ".join(second.split("why it matters: ", 1)[1].split())
    assert first.split("think first")[0] == second.split("why it matters")[0]


def test_the_answer_is_kept_for_the_file_that_failed_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _checked(f"{INPUTS}/broken_truthiness.py", capsys)
    # Another learner's file fails the same case: it is asked, not answered.
    other = _rows(_checked(f"{INPUTS}/broken_equals_true.py", capsys))
    failing = [text for text in other.values() if "differs in:" in text]
    assert failing
    assert all("think first" in text and "why it matters" not in text for text in failing)


def test_a_summary_shows_no_rows_so_it_answers_nothing_later(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = f"{INPUTS}/broken_truthiness.py"
    main(["check", path, "--summary"])
    capsys.readouterr()
    assert "think first" in _checked(path, capsys)


def test_a_row_that_could_not_run_says_why_it_matters_at_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = _rows(_checked(f"{INPUTS}/hangs_update_cache.py", capsys))
    errors = [
        text for text in rows.values() if text.startswith("ERROR\n") and "not run" not in text
    ]
    assert len(errors) == 1  # the case it was stopped in; the others did not run
    assert all("why it matters" in text and "hint:" not in text for text in errors)
