"""Turn the per-release records into the committed data file.

The data file (`history/results.json`) keeps each distinct result once and
gives each release a row of indices into them, so 285 releases times 50 cases
stay small and a diff shows which release changed what. It holds:

- `cases`: every case's name and scenario, in the order of `CASES`;
- `results` / `replays`: per case, the distinct direct results and the distinct
  replays through `generate` (see `through_generate`);
- `signatures`: per helper, the distinct signatures;
- `releases`: one row per final release, oldest first: its status, and for a
  release that ran, the index of each case's result, replay and signature;
- `boundaries`: every change of a case's direct result found by bisection,
  grouped by the pair of releases it falls between, each pair confirmed by
  running both releases again; with, per case, whether the replay through
  `generate` changed across the same pair;
- `generate_only_changes`: changes a `generate` user sees (in the visible part
  of a replay) between neighbouring releases where the case's direct result
  did not change, grouped by pair of releases;
- `missed_by_bisection`: changes the release-by-release walk found that
  bisection did not (a change undone later); empty when bisection saw all;
- `signature_changes`: every change of a helper's signature between
  neighbouring releases, with which aspects changed (see `aspects`);
- `surroundings_changes`: every change of the two facts `probe.surroundings`
  records (the methods of `BaseCache`, what the LLM's `cache` field accepts).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from history import bisect
from history.probe import SIGNED_HELPERS
from history.runner import EXTRA_REQUIREMENTS, Record
from history.through_generate import visible

Data = dict[str, Any]


def canonical(value: object) -> str:
    """A value as sorted, compact JSON: equal values, equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


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


def aspects(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    """Which aspects of a helper's signature differ between two releases.

    Returns:
        `["added"]` or `["removed"]`, or any of `module` (where it lives),
        `async`, `parameters` (names, order, kinds, defaults) and
        `annotations` (of parameters or return), in that order.
    """
    if old is None or new is None:
        return ["added" if old is None else "removed"]

    def shape(signature: dict[str, Any]) -> list[object]:
        return [(p["name"], p["kind"], p.get("default")) for p in signature["parameters"]]

    def annotations(signature: dict[str, Any]) -> list[object]:
        return [*(p.get("annotation") for p in signature["parameters"]), signature["returns"]]

    checks = {
        "module": lambda s: s["module"],
        "async": lambda s: s["async"],
        "parameters": shape,
        "annotations": annotations,
    }
    return [name for name, key in checks.items() if key(old) != key(new)]


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

    def add(self, record: Record) -> None:
        """Add one release's row."""
        row: dict[str, Any] = {"version": record["version"], "status": record["status"]}
        if record["status"] != "ran":
            row["reason"] = record["reason"]
        else:
            probe = record["probe"]
            names = self.case_names
            row["installed"] = record["installed"]
            row["surroundings"] = probe["surroundings"]
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
    ) -> bisect.Outcome:
        """A value from each row that ran (as comparable text), `None` for the others.

        Args:
            path: The keys leading from a row to the value.
            then: Applied to the value before it is compared.
        """
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

    def result(self, name: str, version: str) -> Any:
        """A case's direct result on a release that ran."""
        return self.results[name].values[self.ran[version]["results"][self._at(name)]]

    def replay_index(self, name: str, version: str) -> int:
        """The index of a case's replay on a release that ran."""
        index: int = self.ran[version]["replays"][self._at(name)]
        return index

    def _at(self, name: str) -> int:
        return list(self.case_names).index(name)


def assemble(
    releases: Sequence[str],
    records: dict[str, Record],
    case_names: Sequence[str],
    scenarios: Sequence[str],
    confirm: Callable[[str], Record],
) -> Data:
    """Build the data file's content from one record per release.

    Args:
        releases: Every final release, oldest first.
        records: The record of each release (`runner.Runner.record`).
        case_names: The cases' names, in order.
        scenarios: Each case's scenario, as `repr` text, in the same order.
        confirm: Probes a release afresh, for confirming boundaries.

    Returns:
        The data, ready for `dump`.
    """
    tables = Tables(releases, case_names)
    for version in releases:
        tables.add(records[version])
    found: list[bisect.Boundary] = []
    walked: list[bisect.Boundary] = []
    for position, name in enumerate(case_names):
        outcome = tables.column("results", position)
        found += bisect.boundaries(releases, outcome, name)
        walked += bisect.transitions(releases, outcome, name)
    return {
        "about": "Behaviour cases and signatures of langchain-core's cache helpers, per release.",
        "regenerate": "make history",
        "extra_requirements": list(EXTRA_REQUIREMENTS),
        "cases": [
            {"name": name, "scenario": scenario}
            for name, scenario in zip(case_names, scenarios, strict=True)
        ],
        "results": {name: d.values for name, d in tables.results.items()},
        "replays": {name: d.values for name, d in tables.replays.items()},
        "signatures": {helper: d.values for helper, d in tables.signatures.items()},
        "releases": tables.rows,
        "boundaries": _boundaries(tables, found, confirm),
        "missed_by_bisection": [
            {"case": b.case, "last_old": b.last_old, "first_new": b.first_new}
            for b in walked
            if b not in found
        ],
        "generate_only_changes": _generate_only_changes(tables, found),
        "signature_changes": _signature_changes(tables),
        "surroundings_changes": _surroundings_changes(tables),
    }


def _boundaries(
    tables: Tables, found: list[bisect.Boundary], confirm: Callable[[str], Record]
) -> list[dict[str, Any]]:
    """Group the boundaries by pair of releases; confirm each pair by probing it afresh."""
    pairs: dict[tuple[str, str], list[bisect.Boundary]] = {}
    for boundary in found:
        pairs.setdefault((boundary.last_old, boundary.first_new), []).append(boundary)
    entries = []
    for (last_old, first_new), boundaries in sorted(
        pairs.items(), key=lambda item: tables.releases.index(item[0][1])
    ):
        fresh = {version: confirm(version) for version in (last_old, first_new)}
        reproduced = all(
            fresh[version]["status"] == "ran"
            and canonical(fresh[version]["probe"]["cases"][b.case])
            == canonical(tables.result(b.case, version))
            for b in boundaries
            for version in (last_old, first_new)
        )
        cases = []
        for b in boundaries:
            replay_old = tables.replay_index(b.case, last_old)
            replay_new = tables.replay_index(b.case, first_new)
            seen = [visible(tables.replays[b.case].values[i]) for i in (replay_old, replay_new)]
            cases.append(
                {
                    "case": b.case,
                    "old": tables.ran[last_old]["results"][tables.case_names.index(b.case)],
                    "new": tables.ran[first_new]["results"][tables.case_names.index(b.case)],
                    "replay_old": replay_old,
                    "replay_new": replay_new,
                    "seen_through_generate": canonical(seen[0]) != canonical(seen[1]),
                }
            )
        entries.append(
            {
                "last_old": last_old,
                "first_new": first_new,
                "skipped": list(boundaries[0].skipped),
                "confirmed": reproduced,
                "cases": cases,
            }
        )
    return entries


def _generate_only_changes(tables: Tables, found: list[bisect.Boundary]) -> list[dict[str, Any]]:
    """Changes a `generate` user sees where the case's direct result did not change."""
    direct = {(b.case, b.last_old, b.first_new) for b in found}
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for position, name in enumerate(tables.case_names):
        seen = tables.column(
            "replays", position, then=partial(_visible_replay, tables.replays[name].values)
        )
        for change in bisect.transitions(tables.releases, seen, name):
            if (name, change.last_old, change.first_new) in direct:
                continue
            pairs.setdefault((change.last_old, change.first_new), []).append(
                {
                    "case": name,
                    "replay_old": tables.replay_index(name, change.last_old),
                    "replay_new": tables.replay_index(name, change.first_new),
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
    for helper, distinct in tables.signatures.items():
        described = tables.column("signatures", helper)
        for change in bisect.transitions(tables.releases, described, helper):
            old, new = json.loads(change.old), json.loads(change.new)
            changes.append(
                {
                    "helper": helper,
                    "last_old": change.last_old,
                    "first_new": change.first_new,
                    "old": old,
                    "new": new,
                    "changed": aspects(
                        None if old is None else distinct.values[old],
                        None if new is None else distinct.values[new],
                    ),
                }
            )
    return changes


def _surroundings_changes(tables: Tables) -> list[dict[str, Any]]:
    """Every change of the facts `probe.surroundings` records."""
    changes = []
    for fact in ("base_cache_methods", "llm_cache_field"):
        stated = tables.column("surroundings", fact)
        changes += [
            {
                "fact": fact,
                "last_old": c.last_old,
                "first_new": c.first_new,
                "old": json.loads(c.old),
                "new": json.loads(c.new),
            }
            for c in bisect.transitions(tables.releases, stated, fact)
        ]
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
