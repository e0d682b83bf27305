"""The committed version history still holds: for the installed release, and on its page.

`make history` probes every release in its own environment. These tests redo
the part that needs no network: the cases and their replays through `generate`
against the langchain-core installed here, compared with that release's row in
`history/results.json`; and the docs page, regenerated from the data file.
They fail when the recorded data is wrong, not when it lacks a case added since
it was made: such a case is not yet run against old releases, until the next
`make history`.
"""

from __future__ import annotations

import importlib.metadata
import re
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


def test_every_case_in_the_history_is_still_a_case_making_the_same_call() -> None:
    # A case added since the history was made is simply not in it yet (not run against old
    # releases); a recorded case that is gone or calls something else makes the data wrong.
    today = {case.name: repr(case.scenario) for case in cases.CASES}
    wrong = [
        case["name"] for case in HISTORY["cases"] if today.get(case["name"]) != case["scenario"]
    ]
    assert not wrong, f"changed or gone since the history was made: {wrong}; run `make history`"


def test_a_case_changed_since_the_history_was_made_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorded = [dict(case) for case in HISTORY["cases"]]
    recorded[0]["scenario"] = recorded[0]["scenario"].replace("update_cache", "get_prompts")
    monkeypatch.setitem(HISTORY, "cases", recorded)
    with pytest.raises(
        AssertionError, match=rf"changed or gone .*{re.escape(recorded[0]['name'])}"
    ):
        test_every_case_in_the_history_is_still_a_case_making_the_same_call()


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
