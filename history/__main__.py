"""Regenerate the version history of the cache helpers.

    python -m history            # everything (what `make history` runs)
    python -m history page       # only the docs page, from the committed data
    python -m history check      # only the attribution check, from the committed data
    python -m history diff 0.2.7 0.2.8      # the source units that differ, as diffs
    python -m history probe 0.1.52 0.1.53   # probe some releases, print a line each

`everything` lists every release of langchain-core on the index, pre-releases
included; downloads each wheel into a cache outside git (`releases.WHEELS`)
and reads the source a caller depends on from it (`sources`); installs each
release in a throwaway environment and runs every case there (`runner`,
records kept in `build/history/runs/`, so an interrupted run resumes); walks
the releases in order for every change of a case's outcome, confirming each
by probing both releases again; writes `history/results.json`; and fails,
with a diff, on any change not attributed in `attributions.ATTRIBUTIONS`.
Only then does it regenerate the docs page.
"""

from __future__ import annotations

import argparse
import sys
import time

from history import analysis, attributions, page, sources
from history.releases import all_releases, download, is_final
from history.runner import ROOT, Runner, summary
from llm_cache_reference.cases import CASES

STORE = ROOT / "build" / "history" / "runs"
DATA = ROOT / "history" / "results.json"
PAGE = ROOT / "docs" / "explanation" / "version-history.md"


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _sources(releases: list[str]) -> dict[str, dict[str, tuple[str, str]]]:
    wheels = download(releases, log=_log)
    return {version: sources.wheel_units(wheels[version]) for version in releases}


def everything(runner: Runner, jobs: int) -> int:
    """Read every wheel, probe every release, write the data, check it, write the page."""
    started = time.monotonic()
    releases = all_releases()
    finals = sum(map(is_final, releases))
    _log(
        f"{len(releases)} releases of langchain-core ({finals} final), {releases[0]} to"
        f" {releases[-1]}"
    )
    units = _sources(releases)
    source_changes = sources.changes(releases, units)
    _log(f"read {len(units)} wheels: {len(source_changes)} pairs of releases differ in source")
    records = runner.records(releases, jobs=jobs)

    def confirm(versions: list[str]) -> dict[str, dict[str, object]]:
        _log(f"confirming {len(versions)} releases, on either side of a change, afresh")
        return runner.records(versions, jobs=jobs, fresh=True)

    data = analysis.assemble(
        releases,
        records,
        {version: sources.fingerprint(found) for version, found in units.items()},
        source_changes,
        [case.name for case in CASES],
        [repr(case.scenario) for case in CASES],
        confirm,
    )
    DATA.write_text(analysis.dump(data))
    _log(f"wrote {DATA.relative_to(ROOT)}")
    installed = sum(row["status"] == "ran" for row in data["releases"])
    _log(f"{len(releases)} wheels read, {installed} releases installed and run")
    failed = report(data, units)
    if not failed:
        write_page()
    _log(f"done in {time.monotonic() - started:.0f} s")
    return failed


def report(data: analysis.Data, units: dict[str, dict[str, tuple[str, str]]] | None) -> int:
    """Print every attribution problem, with the diff of what changed; how many there are."""
    found = list(attributions.problems(data))
    for problem in found:
        _log(f"UNATTRIBUTED {problem.last_old} -> {problem.first_new}: {problem.what}")
        for unit in problem.units:
            _log(f"  {unit}")
            if units is not None:
                old, new = units[problem.last_old], units[problem.first_new]
                for line in list(sources.diff(old, new, unit))[2:40]:
                    _log(f"    {line[:120]}")
    if found:
        _log(f"{len(found)} changes are not attributed in history/attributions.py")
    return len(found)


def write_page() -> None:
    """Regenerate the docs page from the data file; name the cases it has not run."""
    data = analysis.load(DATA)
    PAGE.parent.mkdir(parents=True, exist_ok=True)
    PAGE.write_text(page.render(data, [case.name for case in CASES]))
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
        for version in options.versions:
            print(f"{version}: {summary(runner.record(version))}")
    else:
        return 1 if everything(Runner(STORE, log=_log), options.jobs) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
