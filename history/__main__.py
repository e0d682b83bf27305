"""Regenerate the version history of the cache helpers.

    python -m history            # everything (what `make history` runs)
    python -m history page       # only the docs page, from the committed data
    python -m history check      # only the attribution check, from the committed data
    python -m history diff 0.2.7 0.2.8      # the source units that differ, as diffs
    python -m history probe 0.1.52 0.1.53   # probe some releases, print a line each

`everything` lists every release of langchain-core on the index, pre-releases
included; downloads the wheel of each release the data file does not hold yet
into a cache outside git (`releases.WHEELS`) and reads the source a caller
depends on from it (`sources`); installs each release in a throwaway
environment and runs there every case the data file holds no result for
(`runner`: a case is known by its `identity`; records kept in
`build/history/runs/`, so an interrupted run resumes); walks the releases in
order for every change of a case's outcome, confirming each new one by probing
both releases again; writes `history/results.json`; and fails, with a diff, on
any change not attributed in `attributions.ATTRIBUTIONS`. Only then does it
regenerate the docs page. After a case is added only that case runs, on every
release; after a change to the code that runs a case, every case runs again.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable

from history import analysis, attributions, for_checker, page, sources
from history.identity import Identity, identity
from history.releases import all_releases, download, is_final
from history.runner import ROOT, Record, Runner, summary
from llm_cache_reference.cases import CASES

STORE = ROOT / "build" / "history" / "runs"
DATA = ROOT / "history" / "results.json"
PAGE = ROOT / "docs" / "explanation" / "version-history.md"


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


Units = dict[str, tuple[str, str]]


def _sources(releases: list[str]) -> dict[str, Units]:
    wheels = download(releases, log=_log)
    return {version: sources.wheel_units(wheels[version]) for version in releases}


def read_sources(
    releases: list[str], recorded: analysis.Data | None
) -> tuple[dict[str, str], list[sources.SourceChange], dict[str, Units]]:
    """Each release's source fingerprint, and every change of source between neighbours.

    What the data file holds (read by the same `sources` code) is kept; only the
    wheels of releases it lacks, and of their neighbours, are downloaded and read.

    Returns:
        The fingerprints, the changes, and the units of the wheels read.
    """
    usable = recorded is not None and recorded.get("sources_code") == sources.CODE
    rows = {row["version"]: row for row in recorded["releases"]} if recorded and usable else {}
    known_pairs = set(itertools.pairwise(rows))
    known_changes = {
        (change["last_old"], change["first_new"]): change
        for change in (recorded["source_changes"] if recorded and usable else [])
    }
    pairs = list(itertools.pairwise(releases))
    needed = {v for v in releases if v not in rows}
    needed |= {v for pair in pairs if pair not in known_pairs for v in pair}
    units = _sources([v for v in releases if v in needed])
    changes: list[sources.SourceChange] = []
    for pair in pairs:
        if pair not in known_pairs:
            changes += sources.changes(list(pair), units)
        elif (found := known_changes.get(pair)) is not None:
            changes.append(
                sources.SourceChange(
                    *pair, tuple(found["units"]), tuple(found["beyond_annotations"])
                )
            )
    fingerprints = {
        v: rows[v]["source"] if v in rows else sources.fingerprint(units[v]) for v in releases
    }
    return fingerprints, changes, units


def everything(runner: Runner, jobs: int) -> int:
    """Probe every release for the cases the data lacks; write the data, check it, the page."""
    started = time.monotonic()
    releases = all_releases()
    finals = sum(map(is_final, releases))
    _log(
        f"{len(releases)} releases of langchain-core ({finals} final), {releases[0]} to"
        f" {releases[-1]}"
    )
    recorded = analysis.load(DATA) if DATA.exists() else None
    same_code = recorded is not None and recorded.get("code") == runner.fingerprint
    if recorded is not None and not same_code:
        _log(f"the code that runs a case changed since {DATA.name} was made: every case reruns")
    runner.known = analysis.records_from(recorded) if recorded and same_code else {}
    fingerprints, source_changes, units = read_sources(releases, recorded)
    _log(
        f"read {len(units)} wheels (the data holds the rest):"
        f" {len(source_changes)} pairs of releases differ in source"
    )
    cases = [identity(case) for case in CASES]
    records = runner.records(releases, cases, jobs=jobs)

    def confirm(versions: list[str], which: list[Identity]) -> dict[str, Record]:
        _log(f"confirming {len(which)} cases on {len(versions)} releases, afresh")
        return runner.records(versions, which, jobs=jobs, fresh=True)

    data = analysis.assemble(
        releases,
        records,
        fingerprints,
        source_changes,
        cases,
        confirm,
        runner.fingerprint,
        analysis.confirmed_changes(recorded) if recorded and same_code else frozenset(),
    )
    DATA.write_text(analysis.dump(data))
    _log(f"wrote {DATA.relative_to(ROOT)}")
    installed = sum(row["status"] == "ran" for row in data["releases"])
    _log(f"{len(releases)} releases, {installed} installed and run")

    def units_of(version: str) -> Units:
        return units[version] if version in units else _sources([version])[version]

    failed = report(data, units_of)
    if not failed:
        write_page()
    _log(f"done in {time.monotonic() - started:.0f} s")
    return failed


def report(data: analysis.Data, units: Callable[[str], Units] | None) -> int:
    """Print every attribution problem, with the diff of what changed; how many there are."""
    found = list(attributions.problems(data))
    for problem in found:
        _log(f"UNATTRIBUTED {problem.last_old} -> {problem.first_new}: {problem.what}")
        for unit in problem.units:
            _log(f"  {unit}")
            if units is not None:
                old, new = units(problem.last_old), units(problem.first_new)
                for line in list(sources.diff(old, new, unit))[2:40]:
                    _log(f"    {line[:120]}")
    if found:
        _log(f"{len(found)} changes are not attributed in history/attributions.py")
    return len(found)


def write_page() -> None:
    """Regenerate the docs page and the checker's releases file from the data file.

    Name the cases the data has not run.
    """
    data = analysis.load(DATA)
    PAGE.parent.mkdir(parents=True, exist_ok=True)
    PAGE.write_text(page.render(data, [case.name for case in CASES]))
    for_checker.write(data)
    for name in page.not_yet_run(data, [case.name for case in CASES]):
        _log(f"not yet run against old releases: {name} (run `make history`)")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen step."""
    parser = argparse.ArgumentParser(prog="python -m history", description=__doc__.splitlines()[1])
    steps = ["all", "page", "check", "diff", "probe"]
    parser.add_argument("step", nargs="?", default="all", choices=steps)
    parser.add_argument("versions", nargs="*", help="for diff and probe: the releases")
    parser.add_argument("--jobs", type=int, default=3, help="releases probed at once")
    options = parser.parse_args(argv)
    if options.step == "page":
        write_page()
    elif options.step == "check":
        return report(analysis.load(DATA), None)
    elif options.step == "diff":
        old, new = options.versions
        units = _sources([old, new])
        for unit in sorted(set(units[old]) | set(units[new])):
            for line in sources.diff(units[old], units[new], unit):
                print(line)
    elif options.step == "probe":
        runner = Runner(STORE, log=_log)
        cases = [identity(case) for case in CASES]
        for version in options.versions:
            print(f"{version}: {summary(runner.record(version, cases, fresh=True), cases)}")
    else:
        return 1 if everything(Runner(STORE, log=_log), options.jobs) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
