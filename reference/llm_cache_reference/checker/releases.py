"""Which releases of langchain-core did exactly what a learner's helper did, case by case.

From the recorded version history (`releases.json` beside this module, made by
`make regen` from history/results.json): a learner whose mistake is one langchain-core
itself once made is told so, and in which release it changed.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm_cache_reference.harness import Outcome

__all__ = ["Run", "behaved_so"]


@dataclass(frozen=True)
class Run:
    """Neighbouring releases (among those the history ran) that had one outcome.

    Attributes:
        first: The first release of the run.
        last: The last release of the run.
        count: How many releases it holds.
        changed_in: The release after it, which behaved otherwise; `None` if the run
            reaches the newest release the history holds.
    """

    first: str
    last: str
    count: int
    changed_in: str | None


@functools.cache
def _recorded() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Path(__file__).with_name("releases.json").read_text())
    return loaded


def behaved_so(case: str, outcome: Outcome) -> tuple[Run, ...]:
    """The runs of releases whose outcome on `case` was exactly `outcome`; none if none."""
    # As history/outcomes.py keeps an outcome (that module runs inside old releases' installs).
    data = json.loads(json.dumps(dataclasses.asdict(outcome)))
    for recorded in _recorded()["cases"].get(case, ()):
        if recorded["outcome"] == data:
            return tuple(Run(*run) for run in recorded["runs"])
    return ()
