"""The committed version history still holds: for the installed release, and on its page.

`make history` reads every release's wheel and probes every release in its own
environment. These tests redo the part that needs neither the network nor the
wheel cache: the cases and their replays through `generate` against the
langchain-core installed here, and the source read from its installed files,
compared with that release's row in `history/results.json`; the attribution of
every change in the data; and the docs page, regenerated from the data file.

They fail when the recorded data is wrong, not when it lacks a case added since
it was made: the page lists such a case as not yet run against old releases,
until the next `make history`.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any

import langchain_core
import pytest
from langchain_core.language_models import llms as langchain_llms

from history import analysis, attributions, for_checker, page, probe, sources
from history.__main__ import DATA, PAGE
from history.identity import as_today, identity, key
from llm_cache_reference import cases

HISTORY = analysis.load(DATA)
NAMES = [case.name for case in cases.CASES]


def _recorded_cases() -> list[dict[str, Any]]:
    """The data's cases, each identity restated against today's `Scenario` defaults."""
    return [as_today(case, HISTORY["scenario_defaults"]) for case in HISTORY["cases"]]


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
    today = {key(identity(case)) for case in cases.CASES}
    wrong = [case["name"] for case in _recorded_cases() if key(case) not in today]
    assert not wrong, f"changed or gone since the history was made: {wrong}; run `make history`"


def test_a_case_changed_since_the_history_was_made_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorded = [{**case, "scenario": dict(case["scenario"])} for case in HISTORY["cases"]]
    recorded[0]["scenario"]["function"] = "get_prompts"
    monkeypatch.setitem(HISTORY, "cases", recorded)
    with pytest.raises(
        AssertionError, match=rf"changed or gone .*{re.escape(recorded[0]['name'])}"
    ):
        test_every_case_in_the_history_is_still_a_case_making_the_same_call()


def test_what_is_recorded_for_the_installed_release_is_what_it_does() -> None:
    row = _installed_row()
    fresh = probe.probe(_recorded_cases(), langchain_llms)
    differ = []
    for position, recorded in enumerate(HISTORY["cases"]):
        name = recorded["name"]
        if fresh["cases"][position] != HISTORY["results"][name][row["results"][position]]:
            differ.append(f"{name} (called directly)")
        if fresh["generate"][position] != HISTORY["replays"][name][row["replays"][position]]:
            differ.append(f"{name} (through generate)")
    for helper, index in row["signatures"].items():
        recorded_signature = None if index is None else HISTORY["signatures"][helper][index]
        if fresh["signatures"][helper] != recorded_signature:
            differ.append(f"the signature of {helper}")
    assert not differ, "history/results.json is wrong: " + "; ".join(differ)


def test_the_recorded_source_of_the_installed_release_is_its_source() -> None:
    installed = Path(langchain_core.__file__).parent.parent
    found = sources.units(sources.directory_reader(installed))
    assert sources.fingerprint(found) == _installed_row()["source"]
    assert "langchain_core/runnables/config.py:run_in_executor" in found


def test_every_change_in_the_data_is_attributed() -> None:
    found = [f"{p.last_old} -> {p.first_new}: {p.what}" for p in attributions.problems(HISTORY)]
    assert found == []


def test_the_page_is_the_one_generated_from_the_data() -> None:
    assert PAGE.read_text() == page.render(HISTORY, NAMES), (
        "docs/explanation/version-history.md is stale: run `python -m history page`"
    )


def test_the_checkers_releases_file_is_the_one_generated_from_the_data() -> None:
    assert json.loads(for_checker.OUT.read_text()) == for_checker.releases_by_outcome(HISTORY), (
        "reference/llm_cache_reference/checker/releases.json is stale: run `make regen`"
    )


def test_each_outcome_holds_the_runs_of_releases_that_had_it() -> None:
    # Counted from the data directly: every release that ran falls in exactly one run of
    # one outcome, per case; the runs of a case follow one another without a gap.
    ran = [row["version"] for row in HISTORY["releases"] if row["status"] == "ran"]
    written = for_checker.releases_by_outcome(HISTORY)["cases"]
    falsy = written["falsy-cache-still-written[aupdate_cache]"]
    assert [recorded["runs"] for recorded in falsy] == [
        [["0.1.41", "1.5.4", ran.index("1.5.4") - ran.index("0.1.41") + 1, "1.5.5"]],
        [["1.5.5", ran[-1], len(ran) - ran.index("1.5.5"), None]],
    ]


def test_a_case_added_after_the_data_was_recorded_is_listed_as_not_yet_run() -> None:
    rendered = page.render(HISTORY, [*NAMES, "brand-new[update_cache]"])
    assert page.not_yet_run(HISTORY, [*NAMES, "brand-new[update_cache]"])[-1] == (
        "brand-new[update_cache]"
    )
    missing = rendered.partition("## Cases not yet run against old releases")[2]
    assert "- `brand-new[update_cache]`" in missing.partition("\n## ")[0]


def test_a_change_without_a_behaviour_note_stops_the_page() -> None:
    boundary = {"last_old": "0.0.1", "first_new": "0.0.2", "confirmed": True, "cases": []}
    boundary["cases"] = [HISTORY["boundaries"][0]["cases"][0]]
    with pytest.raises(page.MissingNote, match=r"0\.0\.1 -> 0\.0\.2"):
        page.render({**HISTORY, "boundaries": [boundary]}, NAMES)


def test_an_installed_release_without_a_row_fails_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(HISTORY, "releases", [])
    with pytest.raises(
        pytest.fail.Exception, match=r"has no row for langchain-core .*make history"
    ):
        _installed_row()


def test_the_data_rebuilt_from_its_own_records_is_the_data_and_probes_nothing() -> None:
    # What `make history` does when nothing was added: every result is known, every change
    # was confirmed, so it writes the same file back without installing a release.
    def confirm(versions: list[str], which: list[Any]) -> dict[str, Any]:
        raise AssertionError(f"probed {versions} again")

    releases = [row["version"] for row in HISTORY["releases"]]
    changes = [
        sources.SourceChange(
            c["last_old"], c["first_new"], tuple(c["units"]), tuple(c["beyond_annotations"])
        )
        for c in HISTORY["source_changes"]
    ]
    rebuilt = analysis.assemble(
        releases,
        analysis.records_from(HISTORY),
        {row["version"]: row["source"] for row in HISTORY["releases"]},
        changes,
        _recorded_cases(),
        confirm,
        HISTORY["code"],
        analysis.confirmed_changes(HISTORY),
    )
    assert analysis.dump(rebuilt) == DATA.read_text()


def test_a_field_added_to_scenario_with_a_default_keeps_every_recorded_case() -> None:
    # Recorded before `langchain_global` existed: the key is what it is today.
    before = {k: v for k, v in HISTORY["scenario_defaults"].items() if k != "langchain_global"}
    case = next(c for c in HISTORY["cases"] if "langchain_global" not in c["scenario"])
    assert key(as_today(case, before)) == key(as_today(case, HISTORY["scenario_defaults"]))


def test_a_changed_default_changes_the_key_of_the_cases_that_used_it() -> None:
    then = {**HISTORY["scenario_defaults"], "generations": 3}
    uses = next(c for c in HISTORY["cases"] if "generations" not in c["scenario"])
    sets = next(c for c in HISTORY["cases"] if "generations" in c["scenario"])
    assert as_today(uses, then)["scenario"]["generations"] == 3
    assert key(as_today(sets, then)) == key(as_today(sets, HISTORY["scenario_defaults"]))
