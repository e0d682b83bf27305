"""Turn the per-release records and sources into the committed data file.

The data file (`history/results.json`) keeps each distinct result once and
gives each release a row of indices into them, so 323 releases times 56 cases
stay small and a diff shows which release changed what. It holds:

- `code`: the fingerprint of the code that ran the cases (`runner.snapshot`);
  a later run reuses every result it holds only while that code is the same;
- `sources_code`: the fingerprint of the code that read the sources
  (`sources.CODE`); a later run reads only new releases' wheels while it is the same;
- `scenario_defaults`: the defaults of `Scenario`'s fields when it was made;
- `cases`: every case's identity (`identity`: its name and the scenario fields
  that differ from those defaults), in the order of `CASES`;
- `results` / `replays`: per case, the distinct direct results (each outcome
  as data, `outcomes`) and the distinct replays through `generate` (see
  `through_generate`);
- `signatures`: per helper, the distinct signatures;
- `releases`: one row per release, oldest first, pre-releases included: its
  status, the fingerprint of its source (`sources.fingerprint`), the
  environment the cases ran in, and the index of each case's result, replay
  and signature;
- `source_changes`: every pair of neighbouring releases whose source (see
  `sources`) differs, with the units that changed;
- `boundaries`: every change of a case's direct result between neighbouring
  releases that ran, grouped by pair, each pair confirmed by running both
  releases again; with, per case, whether the replay through `generate`
  changed across the same pair;
- `generate_only_changes`: changes a `generate` user sees (the visible part of
  a replay) where the case's direct result did not change, grouped by pair;
- `signature_changes`: every change of a helper's signature.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from history.identity import Identity, as_today, defaults, key
from history.probe import SIGNED_HELPERS, TIME_LIMIT
from history.releases import is_final
from history.runner import EXTRA_REQUIREMENTS, Record
from history.sources import CODE as SOURCES_CODE
from history.sources import SourceChange
from history.through_generate import visible

Data = dict[str, Any]
Outcome = Callable[[str], str | None]
"""A value on a release, as comparable text; `None` if the release did not run."""


def canonical(value: object) -> str:
    """A value as sorted, compact JSON: equal values, equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Transition:
    """A value that differs between two neighbouring releases that ran."""

    name: str
    last_old: str
    first_new: str
    old: str
    new: str


def transitions(releases: Sequence[str], outcome: Outcome, name: str) -> list[Transition]:
    """Every change of a value, walking all releases in order (those that did not run skipped)."""
    found: list[Transition] = []
    previous: tuple[str, str] | None = None
    for release in releases:
        current = outcome(release)
        if current is None:
            continue
        if previous is not None and previous[1] != current:
            found.append(Transition(name, previous[0], release, previous[1], current))
        previous = (release, current)
    return found


class Distinct:
    """Numbers each distinct value in order of first appearance."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[str, int] = {}

    def index(self, value: object) -> int:
        """The number of a value, adding it if it is new."""
        key = canonical(value)
        if key not in self._index:
            self._index[key] = len(self.values)
            self.values.append(value)
        return self._index[key]


@dataclass
class Tables:
    """The distinct values and the per-release rows of indices into them."""

    releases: Sequence[str]
    cases: Sequence[Identity]
    results: dict[str, Distinct] = field(init=False)
    replays: dict[str, Distinct] = field(init=False)
    signatures: dict[str, Distinct] = field(init=False)
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def case_names(self) -> list[str]:
        """The cases' names, in order."""
        return [case["name"] for case in self.cases]

    def __post_init__(self) -> None:
        self.results = {name: Distinct() for name in self.case_names}
        self.replays = {name: Distinct() for name in self.case_names}
        self.signatures = {helper: Distinct() for helper in SIGNED_HELPERS}

    def add(self, record: Record, source: str) -> None:
        """Add one release's row."""
        version = record["version"]
        row: dict[str, Any] = {"version": version, "final": is_final(version), "source": source}
        row["status"] = record["status"]
        if record["status"] != "ran":
            row["reason"] = record["reason"]
            if "needs" in record:
                row["needs"] = record["needs"]
        else:
            found = [(case["name"], record["results"][key(case)]) for case in self.cases]
            row["python"] = record["python"]
            row["installed"] = record["installed"]
            row["environment"] = record["environment"]
            row["results"] = [self.results[n].index(each["result"]) for n, each in found]
            row["replays"] = [self.replays[n].index(each["replay"]) for n, each in found]
            row["signatures"] = {
                helper: None if sig is None else self.signatures[helper].index(sig)
                for helper, sig in record["signatures"].items()
            }
        self.rows.append(row)

    @property
    def ran(self) -> dict[str, dict[str, Any]]:
        """The rows of the releases that ran, by version."""
        return {row["version"]: row for row in self.rows if row["status"] == "ran"}

    def column(
        self, *path: str | int, then: Callable[[Any], object] = lambda value: value
    ) -> Outcome:
        """A value from each row that ran (as comparable text), `None` for the others."""
        ran = self.ran

        def value(version: str) -> str | None:
            row = ran.get(version)
            if row is None:
                return None
            found: Any = row
            for step in path:
                found = found[step]
            return canonical(then(found))

        return value

    def at(self, name: str) -> int:
        """A case's position in the rows."""
        return list(self.case_names).index(name)


Confirmed = frozenset[tuple[str, str, str, str, str]]
"""Confirmed changes: the pair of releases, the case's key, its old and new result (JSON)."""

Confirm = Callable[[list[str], list[Identity]], dict[str, Record]]
"""Probes releases afresh for some cases (`runner.Runner.records` with `fresh`)."""


def assemble(
    releases: Sequence[str],
    records: dict[str, Record],
    sources: dict[str, str],
    source_changes: Sequence[SourceChange],
    cases: Sequence[Identity],
    confirm: Confirm,
    code: str,
    confirmed: Confirmed = frozenset(),
) -> Data:
    """Build the data file's content.

    Args:
        releases: Every release, oldest first.
        records: The record of each release (`runner.Runner.record`).
        sources: The fingerprint of each release's source.
        source_changes: Every change of source between neighbouring releases.
        cases: The cases' identities, in order.
        confirm: Probes releases afresh, for confirming boundaries.
        code: The fingerprint of the code that made the records.
        confirmed: The changes a data file made by the same code has
            confirmed already (`confirmed_changes`); they are not probed again.
    """
    tables = Tables(releases, cases)
    for version in releases:
        tables.add(records[version], sources[version])
    found = [
        change
        for name in tables.case_names
        for change in transitions(releases, tables.column("results", tables.at(name)), name)
    ]
    return {
        "about": "Behaviour cases, signatures and source of langchain-core's cache helpers.",
        "regenerate": "make history",
        "extra_requirements": list(EXTRA_REQUIREMENTS),
        "time_limit": TIME_LIMIT,
        "code": code,
        "sources_code": SOURCES_CODE,
        "scenario_defaults": defaults(),
        "cases": list(cases),
        "results": {name: d.values for name, d in tables.results.items()},
        "replays": {name: d.values for name, d in tables.replays.items()},
        "signatures": {helper: d.values for helper, d in tables.signatures.items()},
        "releases": tables.rows,
        "source_changes": [
            {
                "last_old": c.last_old,
                "first_new": c.first_new,
                "units": list(c.units),
                "beyond_annotations": list(c.beyond_annotations),
            }
            for c in source_changes
        ],
        "boundaries": _boundaries(tables, found, confirm, confirmed),
        "generate_only_changes": _generate_only_changes(tables, found),
        "signature_changes": _signature_changes(tables),
    }


def _change_key(tables: Tables, change: Transition) -> tuple[str, str, str, str, str]:
    """A change as `Confirmed` holds it: by the case's key and the results themselves."""
    values = tables.results[change.name].values
    case = tables.cases[tables.at(change.name)]
    old, new = (canonical(values[json.loads(index)]) for index in (change.old, change.new))
    return (change.last_old, change.first_new, key(case), old, new)


def _boundaries(
    tables: Tables, found: list[Transition], confirm: Confirm, confirmed: Confirmed
) -> list[dict[str, Any]]:
    """Group the changes by pair of releases; confirm each change by probing it afresh.

    A change confirmed before (`confirmed`) is not probed again.
    """
    pairs: dict[tuple[str, str], list[Transition]] = {}
    for change in found:
        pairs.setdefault((change.last_old, change.first_new), []).append(change)
    by_name = {case["name"]: case for case in tables.cases}
    unconfirmed = [c for c in found if _change_key(tables, c) not in confirmed]
    fresh = (
        confirm(
            sorted({v for c in unconfirmed for v in (c.last_old, c.first_new)}),
            [case for case in tables.cases if case["name"] in {c.name for c in unconfirmed}],
        )
        if unconfirmed
        else {}
    )
    entries = []
    ran = tables.ran
    for (last_old, first_new), changes in sorted(
        pairs.items(), key=lambda item: tables.releases.index(item[0][1])
    ):
        reproduced = all(
            _change_key(tables, c) in confirmed
            or (
                fresh[version]["status"] == "ran"
                and canonical(fresh[version]["results"][key(by_name[c.name])]["result"])
                == canonical(
                    tables.results[c.name].values[ran[version]["results"][tables.at(c.name)]]
                )
            )
            for c in changes
            for version in (last_old, first_new)
        )
        cases = []
        for c in changes:
            position = tables.at(c.name)
            replays = [ran[v]["replays"][position] for v in (last_old, first_new)]
            seen = [visible(tables.replays[c.name].values[i]) for i in replays]
            cases.append(
                {
                    "case": c.name,
                    "old": ran[last_old]["results"][position],
                    "new": ran[first_new]["results"][position],
                    "replay_old": replays[0],
                    "replay_new": replays[1],
                    "seen_through_generate": canonical(seen[0]) != canonical(seen[1]),
                }
            )
        entries.append(
            {"last_old": last_old, "first_new": first_new, "confirmed": reproduced, "cases": cases}
        )
    return entries


def confirmed_changes(data: Data) -> Confirmed:
    """Every change a data file's boundaries confirmed, each case's identity as of today."""
    keys = _keys(data)
    found = set()
    for boundary in data["boundaries"]:
        if not boundary["confirmed"]:
            continue
        for case in boundary["cases"]:
            values = data["results"][case["case"]]
            found.add(
                (
                    boundary["last_old"],
                    boundary["first_new"],
                    keys[case["case"]],
                    canonical(values[case["old"]]),
                    canonical(values[case["new"]]),
                )
            )
    return frozenset(found)


def _keys(data: Data) -> dict[str, str]:
    """Each recorded case's key, its identity restated against today's defaults."""
    return {case["name"]: key(as_today(case, data["scenario_defaults"])) for case in data["cases"]}


def records_from(data: Data) -> dict[str, Record]:
    """The record of each release a data file holds, as `runner.Runner` makes them.

    Each case's result is kept under its key as of today (`identity.as_today`),
    so a record extends to today's cases without redoing those it has.
    """
    keys = [_keys(data)[case["name"]] for case in data["cases"]]
    names = [case["name"] for case in data["cases"]]
    records: dict[str, Record] = {}
    for row in data["releases"]:
        record: Record = {"version": row["version"], "fingerprint": data["code"]}
        record["status"] = row["status"]
        if row["status"] != "ran":
            record.update({k: row[k] for k in ("reason", "needs") if k in row})
        else:
            record["installed"] = row["installed"]
            record["python"] = row["python"]
            record["environment"] = row["environment"]
            record["signatures"] = {
                helper: None if index is None else data["signatures"][helper][index]
                for helper, index in row["signatures"].items()
            }
            record["results"] = {
                case_key: {
                    "result": data["results"][name][result],
                    "replay": data["replays"][name][replay],
                }
                for case_key, name, result, replay in zip(
                    keys, names, row["results"], row["replays"], strict=True
                )
            }
        records[row["version"]] = record
    return records


def _generate_only_changes(tables: Tables, found: list[Transition]) -> list[dict[str, Any]]:
    """Changes a `generate` user sees where the case's direct result did not change."""
    direct = {(c.name, c.last_old, c.first_new) for c in found}
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    ran = tables.ran
    for name in tables.case_names:
        position = tables.at(name)
        seen = tables.column(
            "replays", position, then=partial(_visible_replay, tables.replays[name].values)
        )
        for change in transitions(tables.releases, seen, name):
            if (name, change.last_old, change.first_new) in direct:
                continue
            pairs.setdefault((change.last_old, change.first_new), []).append(
                {
                    "case": name,
                    "replay_old": ran[change.last_old]["replays"][position],
                    "replay_new": ran[change.first_new]["replays"][position],
                }
            )
    return [
        {"last_old": last_old, "first_new": first_new, "cases": cases}
        for (last_old, first_new), cases in sorted(
            pairs.items(), key=lambda item: tables.releases.index(item[0][1])
        )
    ]


def _visible_replay(replays: list[Any], index: int) -> object:
    return visible(replays[index])


def _signature_changes(tables: Tables) -> list[dict[str, Any]]:
    """Every change of a helper's signature between neighbouring releases that ran."""
    changes = []
    for helper in tables.signatures:
        described = tables.column("signatures", helper)
        for change in transitions(tables.releases, described, helper):
            changes.append(
                {
                    "helper": helper,
                    "last_old": change.last_old,
                    "first_new": change.first_new,
                    "old": json.loads(change.old),
                    "new": json.loads(change.new),
                }
            )
    return changes


def dump(data: Data) -> str:
    """The data as JSON text: indented, with each release's row on one line."""
    rows = data["releases"]
    text = json.dumps({**data, "releases": ["\0"]}, indent=1, ensure_ascii=False)
    lines = ",\n  ".join(json.dumps(row, separators=(",", ":")) for row in rows)
    return text.replace('"\\u0000"', lines) + "\n"


def load(path: Path) -> Data:
    """Read the data file."""
    data: Data = json.loads(path.read_text())
    return data
