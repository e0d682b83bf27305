"""Turn the per-release records and sources into the committed data file.

The data file (`history/results.json`) keeps each distinct result once and
gives each release a row of indices into them, so 323 releases times 56 cases
stay small and a diff shows which release changed what. It holds:

- `cases`: every case's name and scenario, in the order of `CASES`;
- `results` / `replays`: per case, the distinct direct results and the distinct
  replays through `generate` (see `through_generate`);
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

from history.probe import SIGNED_HELPERS, TIME_LIMIT
from history.releases import is_final
from history.runner import EXTRA_REQUIREMENTS, Record
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
    case_names: Sequence[str]
    results: dict[str, Distinct] = field(init=False)
    replays: dict[str, Distinct] = field(init=False)
    signatures: dict[str, Distinct] = field(init=False)
    rows: list[dict[str, Any]] = field(default_factory=list)

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
            probe = record["probe"]
            names = self.case_names
            row["python"] = probe["python"]
            row["installed"] = record["installed"]
            row["environment"] = probe["environment"]
            row["results"] = [self.results[n].index(probe["cases"][n]) for n in names]
            row["replays"] = [self.replays[n].index(probe["generate"][n]) for n in names]
            row["signatures"] = {
                helper: None if sig is None else self.signatures[helper].index(sig)
                for helper, sig in probe["signatures"].items()
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
            for key in path:
                found = found[key]
            return canonical(then(found))

        return value

    def at(self, name: str) -> int:
        """A case's position in the rows."""
        return list(self.case_names).index(name)


def assemble(
    releases: Sequence[str],
    records: dict[str, Record],
    sources: dict[str, str],
    source_changes: Sequence[SourceChange],
    case_names: Sequence[str],
    scenarios: Sequence[str],
    confirm: Callable[[list[str]], dict[str, Record]],
) -> Data:
    """Build the data file's content.

    Args:
        releases: Every release, oldest first.
        records: The record of each release (`runner.Runner.record`).
        sources: The fingerprint of each release's source.
        source_changes: Every change of source between neighbouring releases.
        case_names: The cases' names, in order.
        scenarios: Each case's scenario, as `repr` text, in the same order.
        confirm: Probes releases afresh, for confirming boundaries.
    """
    tables = Tables(releases, case_names)
    for version in releases:
        tables.add(records[version], sources[version])
    found = [
        change
        for name in case_names
        for change in transitions(releases, tables.column("results", tables.at(name)), name)
    ]
    return {
        "about": "Behaviour cases, signatures and source of langchain-core's cache helpers.",
        "regenerate": "make history",
        "extra_requirements": list(EXTRA_REQUIREMENTS),
        "time_limit": TIME_LIMIT,
        "cases": [
            {"name": name, "scenario": scenario}
            for name, scenario in zip(case_names, scenarios, strict=True)
        ],
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
        "boundaries": _boundaries(tables, found, confirm),
        "generate_only_changes": _generate_only_changes(tables, found),
        "signature_changes": _signature_changes(tables),
    }


def _boundaries(
    tables: Tables, found: list[Transition], confirm: Callable[[list[str]], dict[str, Record]]
) -> list[dict[str, Any]]:
    """Group the changes by pair of releases; confirm each pair by probing it afresh."""
    pairs: dict[tuple[str, str], list[Transition]] = {}
    for change in found:
        pairs.setdefault((change.last_old, change.first_new), []).append(change)
    entries = []
    fresh = confirm(sorted({version for pair in pairs for version in pair}))
    ran = tables.ran
    for (last_old, first_new), changes in sorted(
        pairs.items(), key=lambda item: tables.releases.index(item[0][1])
    ):
        reproduced = all(
            fresh[version]["status"] == "ran"
            and canonical(fresh[version]["probe"]["cases"][c.name])
            == canonical(tables.results[c.name].values[ran[version]["results"][tables.at(c.name)]])
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
