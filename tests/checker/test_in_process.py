"""Where no child process can start (a browser page), `checker.check` checks in this process.

`checker.CHILD_PROCESSES` is false only in Pyodide, where `checker.check` is
`in_process.check`; here that check is called directly, and its report must be the one
the child processes give.
"""

from __future__ import annotations

from typing import NoReturn

import pytest

from llm_cache_reference import checker
from llm_cache_reference.checker import in_process, judge
from llm_cache_reference.checker import layout as checker_text
from tests.checker.test_checker import INPUTS, ROOT, SHORT, SOLUTION


@pytest.fixture(autouse=True)
def _from_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize(
    ("path", "step"),
    [
        (f"{INPUTS}/broken_truthiness.py", 1),
        (f"{INPUTS}/broken_missing_await.py", 3),
        (f"{INPUTS}/hangs_update_cache.py", 1),
        (SOLUTION, None),
    ],
)
def test_without_child_processes_the_check_runs_here_and_reports_as_the_children_do(
    monkeypatch: pytest.MonkeyPatch, path: str, step: int | None
) -> None:
    in_children = checker.check(path, step=step, time_limit=SHORT)

    def no_children(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("a child process was asked for")

    monkeypatch.setattr(judge, "check", no_children)
    rows_so_far: list[int] = []
    here = in_process.check(
        path, step=step, time_limit=SHORT, on_progress=lambda r: rows_so_far.append(len(r.rows))
    )
    assert checker_text.render(here) == checker_text.render(in_children)
    assert rows_so_far == list(range(len(here.rows) + 1))


@pytest.mark.parametrize("path", [f"{INPUTS}/wrong_kinds.py", f"{INPUTS}/missing.py", INPUTS])
def test_without_child_processes_a_file_that_cannot_be_checked_says_why(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    with pytest.raises(checker.CheckError) as in_children:
        checker.check(path)
    with pytest.raises(checker.CheckError) as here:
        in_process.check(path)
    assert str(here.value) == str(in_children.value)


def test_here_the_check_is_the_one_in_child_processes() -> None:
    assert checker.CHILD_PROCESSES
    assert checker.check is judge.check
