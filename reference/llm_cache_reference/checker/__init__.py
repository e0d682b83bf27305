"""The workshop checker: run the behaviour cases against a learner's own helpers.

`check` takes a Python file that defines some of `update_cache`,
`aupdate_cache`, `get_prompts` and `aget_prompts`, runs every behaviour case
for the helpers it defines, and compares each outcome with langchain-core's.
`check_module` does the same for a module that is already imported, in this
process. Both return a `Report`, and can hand over each row as it is made;
`checker.layout` lays reports out for a terminal, and `python -m
llm_cache_reference check PATH` does both.

One module, one job: `judge` compares and reports (everything it exports is
importable from here, as `llm_cache_reference.checker.check`); `candidate`
examines and runs a learner's module (the learner's side); `child` does so in
child processes (time limit, memory cap); `kinds` refuses a helper of the
wrong kind before any case runs; `deadline` stops a learner's code
running in this process; `layout` lays a report out as text; `hints` says
where to look first in a failing row, and asks before it answers; `memory`
keeps which cases a file has shown failing; `releases` says which
langchain-core releases behaved as a learner's helper does; `cli` is the
command line; `in_process` checks a file in this process, where no child
process can start, and `check` here chooses it there; `in_browser` is the
site's Python, in the page.
"""

from __future__ import annotations

import sys

from llm_cache_reference.checker import in_process, judge
from llm_cache_reference.checker.judge import (
    DEFAULT_TIME_LIMIT,
    MAX_TIME_LIMIT,
    STEPS,
    CheckError,
    Observed,
    Progress,
    Report,
    Row,
    Status,
    cases_for,
    check_module,
    expected_outcomes,
    fill_report,
)

__all__ = [
    "CHILD_PROCESSES",
    "DEFAULT_TIME_LIMIT",
    "MAX_TIME_LIMIT",
    "STEPS",
    "CheckError",
    "Observed",
    "Progress",
    "Report",
    "Row",
    "Status",
    "cases_for",
    "check",
    "check_module",
    "expected_outcomes",
    "fill_report",
]

CHILD_PROCESSES = sys.platform != "emscripten"
"""Whether this Python can start child processes: not in a browser page (Pyodide)."""

check = judge.check if CHILD_PROCESSES else in_process.check
"""Run the applicable behaviour cases against the helpers defined in a file: in child
processes (`judge.check`) where this Python can start them, else in this process under a
deadline (`in_process.check`). The two take the same arguments and give the same report."""
