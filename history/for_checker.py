"""What the checker tells a learner about langchain-core's releases, from the history data.

For each case, each outcome that releases of langchain-core had, and the runs of releases
(in release order, among those that ran) that had it: written by `make regen` into the
package, beside the checker, so that a report can say "langchain-core itself did exactly
this in releases A to B; C changed it", on the command line and in the page alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "reference" / "llm_cache_reference" / "checker" / "releases.json"

Data = dict[str, Any]


def releases_by_outcome(data: Data) -> Data:
    """Per case: each recorded outcome with its runs of releases `[first, last, count, next]`.

    `next` is the first release after the run (the one that changed it), `None` when the
    run reaches the newest release the history holds.
    """
    names = [case["name"] for case in data["cases"]]
    ran = [row for row in data["releases"] if row["status"] == "ran"]
    cases: dict[str, list[Data]] = {}
    for column, name in enumerate(names):
        indices = [row["results"][column] if column < len(row["results"]) else None for row in ran]
        runs: dict[int, list[list[Any]]] = {}
        for position, index in enumerate(indices):
            if index is None:
                continue
            if position and indices[position - 1] == index:
                run = runs[index][-1]
                run[1], run[2] = ran[position]["version"], run[2] + 1
            else:
                runs.setdefault(index, []).append([ran[position]["version"]] * 2 + [1, None])
            if position + 1 < len(ran):
                runs[index][-1][3] = ran[position + 1]["version"]
            else:
                runs[index][-1][3] = None
        outcomes = data["results"][name]
        cases[name] = [
            {"outcome": outcomes[index]["outcome"], "runs": found}
            for index, found in sorted(runs.items())
            if "outcome" in outcomes[index]
        ]
    return {
        "about": "Made by `make regen` (python -m history page) from history/results.json.",
        "cases": cases,
    }


def write(data: Data) -> None:
    """Write the checker's file from the history data."""
    OUT.write_text(json.dumps(releases_by_outcome(data), indent=None, separators=(",", ":")) + "\n")
