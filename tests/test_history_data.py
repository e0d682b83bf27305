"""The committed version history still holds: for the installed release, and on its page.

`make history` probes every release in its own environment. These tests redo
the part that needs no network: the cases and their replays through `generate`
against the langchain-core installed here, compared with that release's row in
`history/results.json`; and the docs page, regenerated from the data file.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

import pytest
from langchain_core.language_models import llms as langchain_llms

from history import analysis, page, probe
from history.__main__ import DATA, PAGE
from llm_cache_reference import cases

HISTORY = analysis.load(DATA)


def _installed_row() -> dict[str, Any]:
    version = importlib.metadata.version("langchain-core")
    rows: dict[str, dict[str, Any]] = {row["version"]: row for row in HISTORY["releases"]}
    if version not in rows:
        pytest.fail(
            f"history/results.json has no row for langchain-core {version}, the installed"
            " release: run `make history` to add it"
        )
    row = rows[version]
    if row["status"] != "ran":
        pytest.fail(
            f"history/results.json says langchain-core {version} {row['status']}"
            f" ({row['reason']}), yet it is installed here: run `make history`"
        )
    return row


def test_the_history_was_made_with_todays_cases() -> None:
    made_with = [(case["name"], case["scenario"]) for case in HISTORY["cases"]]
    today = [(case.name, repr(case.scenario)) for case in cases.CASES]
    assert made_with == today, "the cases changed since the history was made: run `make history`"


def test_the_installed_release_still_does_what_its_row_says() -> None:
    row = _installed_row()
    fresh = probe.probe(cases, langchain_llms)
    names = [case["name"] for case in HISTORY["cases"]]
    differ = []
    for position, name in enumerate(names):
        if fresh["cases"][name] != HISTORY["results"][name][row["results"][position]]:
            differ.append(f"{name} (called directly)")
        if fresh["generate"][name] != HISTORY["replays"][name][row["replays"][position]]:
            differ.append(f"{name} (through generate)")
    for helper, index in row["signatures"].items():
        recorded = None if index is None else HISTORY["signatures"][helper][index]
        if fresh["signatures"][helper] != recorded:
            differ.append(f"the signature of {helper}")
    assert not differ, "differs from history/results.json: " + "; ".join(differ)


def test_the_page_is_the_one_generated_from_the_data() -> None:
    assert PAGE.read_text() == page.render(HISTORY), (
        "docs/explanation/version-history.md is stale: run `python -m history page`"
    )


def test_a_boundary_without_a_note_stops_the_page() -> None:
    boundary = {"last_old": "0.0.0", "first_new": "0.0.1", "cases": [{"case": "x"}]}
    with pytest.raises(page.MissingNote, match=r"0\.0\.0 -> 0\.0\.1 \(x\)"):
        page.render({**HISTORY, "boundaries": [boundary]})


def test_an_installed_release_without_a_row_fails_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(HISTORY, "releases", [])
    with pytest.raises(
        pytest.fail.Exception, match=r"has no row for langchain-core .*make history"
    ):
        _installed_row()
