"""Regenerate the version history of the cache helpers.

    python -m history            # everything (what `make history` runs)
    python -m history bisect     # only the boundaries, probing no more than bisection needs
    python -m history page       # only the docs page, from the committed data
    python -m history probe 0.1.52 0.1.53   # probe some releases, print a line each

`everything` lists langchain-core's final releases, probes each in its own
throwaway environment (records are kept in `build/history/runs/`, so an
interrupted run resumes), bisects every case whose result differs between the
oldest and newest release, confirms each boundary by probing both releases
again, writes `history/results.json` and regenerates the docs page from it.
"""

from __future__ import annotations

import argparse
import sys
import time

from history import analysis, bisect, page
from history.releases import final_releases
from history.runner import ROOT, Runner, summary
from llm_cache_reference.cases import CASES

STORE = ROOT / "build" / "history" / "runs"
DATA = ROOT / "history" / "results.json"
PAGE = ROOT / "docs" / "explanation" / "version-history.md"


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def everything(runner: Runner, jobs: int) -> None:
    """Probe every release, bisect, confirm, write the data and the page."""
    started = time.monotonic()
    releases = final_releases()
    _log(f"{len(releases)} final releases of langchain-core, {releases[0]} to {releases[-1]}")
    records = runner.records(releases, jobs=jobs)

    def confirm(version: str) -> dict[str, object]:
        _log(f"confirming {version} afresh")
        return runner.record(version, fresh=True)

    data = analysis.assemble(
        releases,
        records,
        [case.name for case in CASES],
        [repr(case.scenario) for case in CASES],
        confirm,
    )
    DATA.write_text(analysis.dump(data))
    write_page()
    for boundary in data["boundaries"]:
        count = len(boundary["cases"])
        _log(f"boundary {boundary['last_old']} -> {boundary['first_new']}: {count} cases")
    _log(f"wrote {DATA.relative_to(ROOT)} and {PAGE.relative_to(ROOT)}")
    _log(f"done in {time.monotonic() - started:.0f} s")


def bisect_only(runner: Runner) -> None:
    """Print each case's boundaries, probing only the releases bisection asks for."""
    releases = final_releases()
    for case in CASES:

        def outcome(version: str, name: str = case.name) -> str | None:
            record = runner.record(version)
            if record["status"] != "ran":
                return None
            return analysis.canonical(record["probe"]["cases"][name])

        for boundary in bisect.boundaries(releases, outcome, case.name):
            print(f"{boundary.last_old} -> {boundary.first_new}: {case.name}")


def write_page() -> None:
    """Regenerate the docs page from the data file."""
    PAGE.parent.mkdir(parents=True, exist_ok=True)
    PAGE.write_text(page.render(analysis.load(DATA)))


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the chosen step."""
    parser = argparse.ArgumentParser(prog="python -m history", description=__doc__.splitlines()[1])
    parser.add_argument(
        "step", nargs="?", default="all", choices=["all", "bisect", "page", "probe"]
    )
    parser.add_argument("versions", nargs="*", help="for probe: the releases")
    parser.add_argument("--jobs", type=int, default=2, help="releases probed at once")
    options = parser.parse_args(argv)
    if options.step == "page":
        write_page()
        return
    runner = Runner(STORE, log=_log)
    if options.step == "probe":
        for version in options.versions:
            print(f"{version}: {summary(runner.record(version))}")
    elif options.step == "bisect":
        bisect_only(runner)
    else:
        everything(runner, options.jobs)


if __name__ == "__main__":
    main()
