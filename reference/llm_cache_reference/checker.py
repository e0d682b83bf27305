"""The workshop checker: run the behaviour cases against a learner's own helpers.

`check` loads a Python file that defines some of `update_cache`,
`aupdate_cache`, `get_prompts` and `aget_prompts`, runs every behaviour case
for the helpers it defines, and compares each outcome with langchain-core's.
`render` lays the result out as a table; `python -m llm_cache_reference check
PATH` does both.

The learner's code runs in a child process, never in the checker's own: a
helper that never returns (a `while` loop whose index never moves, an `await`
on something that never happens) cannot be interrupted from inside, but a
child process can be stopped. The child loads the file, reports which helpers
it found, then sends one `Observed` per case; the parent waits at most
`time_limit` seconds for each message. When a case runs out of time, or the
child dies, that case is marked and a fresh child runs the cases after it.
langchain-core's outcomes are observed in the parent.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import multiprocessing
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Literal

from langchain_core.language_models import llms as langchain_llms

from llm_cache_reference.cases import CASES, CASES_BY_NAME, Case, Step
from llm_cache_reference.harness import (
    FIELD_LABELS,
    FUNCTIONS,
    FunctionName,
    Outcome,
    WrongKind,
    field_lines,
    observe,
)

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "STEPS",
    "CheckError",
    "LoadFailed",
    "Loaded",
    "Message",
    "Observed",
    "Report",
    "Row",
    "Status",
    "cases_for",
    "check",
    "load_candidate",
    "observe_candidate",
    "render",
    "run_in_child",
]

STEPS: dict[int, str] = {step.value: step.label for step in Step}
"""The workshop's exercise steps' labels, by the number each `Case.step` carries."""

DEFAULT_TIME_LIMIT = 10.0
"""Seconds a learner's helper may take on one case (every correct one takes milliseconds)."""

# fork makes a child in milliseconds with langchain-core already imported, and
# does not re-run the caller's __main__ as spawn and forkserver do (a script that
# calls `check` needs no `if __name__ == "__main__":` guard). It is safe here: the
# checker starts no threads. Where there is no fork (Windows), spawn it is.
_CONTEXT = (
    multiprocessing.get_context("fork")
    if "fork" in multiprocessing.get_all_start_methods()
    else multiprocessing.get_context("spawn")
)
_CANDIDATE_MODULE = "checked_file"

Status = Literal["pass", "FAIL", "ERROR", "not attempted"]

_LEGEND = (
    "How to read the outcomes: new[i] is the very i-th generation list the model returned,",
    "hit[i] the list already in existing_prompts at index i, stored[p] what the cache held",
    "for prompt p, and llm_output the very llm_output dict. A copy shows as its contents.",
)


class CheckError(Exception):
    """The file cannot be checked at all; the message says why, in one paragraph."""


@dataclass(frozen=True)
class Loaded:
    """Sent by the child once the file is imported: which helpers it defines."""

    defined: tuple[FunctionName, ...]


@dataclass(frozen=True)
class LoadFailed:
    """Sent by the child when the file cannot be imported."""

    message: str


@dataclass(frozen=True)
class Observed:
    """Sent by the child for each case: the outcome, or why there is none.

    Attributes:
        case_name: Which case.
        outcome: What the learner's helper did, or `None` if it could not run.
        problem: Why it could not run, in words; `None` if it ran.
        warnings: The warnings Python raised during the call, as text.
    """

    case_name: str
    outcome: Outcome | None
    problem: str | None = None
    warnings: tuple[str, ...] = ()


Message = Loaded | LoadFailed | Observed


@dataclass(frozen=True)
class Row:
    """One line of the report.

    Attributes:
        case: The behaviour case.
        status: `pass`, `FAIL` (ran, differs), `ERROR` (could not run), or
            `not attempted` (the file does not define the helper).
        expected: langchain-core's outcome.
        observed: What the learner's helper did; `None` if not attempted.
    """

    case: Case
    status: Status
    expected: Outcome
    observed: Observed | None


@dataclass(frozen=True)
class Report:
    """Every applicable case, checked.

    Attributes:
        path: The file, as given.
        step: The exercise step checked, or `None` for all.
        rows: One per case, in case order.
    """

    path: str
    step: int | None
    rows: tuple[Row, ...]

    def count(self, status: Status) -> int:
        """How many rows have this status."""
        return sum(row.status == status for row in self.rows)

    @property
    def exit_status(self) -> int:
        """0 when every attempted case agrees (and at least one was attempted), else 1."""
        attempted = len(self.rows) - self.count("not attempted")
        return 0 if attempted and self.count("pass") == attempted else 1


def cases_for(step: int | None) -> tuple[Case, ...]:
    """The cases of one exercise step, or all of them step by step."""
    return tuple(sorted((c for c in CASES if step in (None, c.step)), key=lambda c: c.step))


def _attempted(cases: Sequence[Case], defined: Sequence[FunctionName]) -> tuple[Case, ...]:
    return tuple(case for case in cases if case.scenario.function in defined)


def load_candidate(path: str) -> ModuleType:
    """Import a learner's file as a module, whatever its name.

    As with `python FILE`, the file's own folder comes first on `sys.path`, so it
    can import the modules that sit beside it.

    Raises:
        CheckError: The file has a syntax error, or raises while it is imported.
    """
    folder = str(Path(path).resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    loader = importlib.machinery.SourceFileLoader(_CANDIDATE_MODULE, path)
    spec = importlib.util.spec_from_loader(_CANDIDATE_MODULE, loader)
    assert spec is not None  # a SourceFileLoader always yields a spec
    module = importlib.util.module_from_spec(spec)
    sys.modules[_CANDIDATE_MODULE] = module  # dataclasses and pickle look modules up here
    try:
        loader.exec_module(module)
    except SyntaxError as error:
        raise CheckError(
            f"{path} is not valid Python: {error.msg} (line {error.lineno}). "
            "Fix that line, then run the check again."
        ) from None
    except BaseException as error:  # even SystemExit: the learner gets a message
        lines = [f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == path]
        where = f" at line {lines[-1]}" if lines else ""
        raise CheckError(
            f"Importing {path} raised {type(error).__name__}{where}: {error}. The checker "
            "imports your file before it runs anything in it, so code at the top level "
            "must run without errors; put experiments under `if __name__ == '__main__':`."
        ) from None
    return module


def observe_candidate(case: Case, module: object) -> Observed:
    """Run one case against the learner's module, as the child does for each case."""
    function = getattr(module, case.scenario.function)
    if not callable(function):
        kind = type(function).__name__
        return Observed(case.name, None, f"{case.scenario.function} is a {kind}, not a function")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            outcome = observe(case.scenario, module)
        except WrongKind as error:
            how = "async def" if case.scenario.function.startswith("a") else "def, not async def"
            return Observed(case.name, None, f"{error}: define it with {how}")
        except BaseException as error:  # SystemExit too: the child must report it
            return Observed(case.name, None, f"{type(error).__name__} escaped: {error}")
    return Observed(case.name, outcome, None, tuple(str(w.message) for w in caught))


def run_in_child(path: str, case_names: Sequence[str], send: Callable[[Message], None]) -> None:
    """The child's whole job: load the file, say what it defines, observe each case."""
    try:
        module = load_candidate(path)
    except CheckError as error:
        send(LoadFailed(str(error)))
        return
    defined = tuple(name for name in FUNCTIONS if hasattr(module, name))
    send(Loaded(defined))
    for case in _attempted([CASES_BY_NAME[name] for name in case_names], defined):
        send(observe_candidate(case, module))


def _child_main(path: str, case_names: tuple[str, ...], connection: Connection) -> None:
    run_in_child(path, case_names, connection.send)
    connection.close()


class _Child:
    """One child process running cases, and the end of the pipe it writes to."""

    def __init__(self, path: str, cases: Sequence[Case]) -> None:
        self.receiver, sender = _CONTEXT.Pipe(duplex=False)
        names = tuple(case.name for case in cases)
        self.process = _CONTEXT.Process(target=_child_main, args=(path, names, sender))
        self.process.start()
        sender.close()  # so the receiver sees the end when the child is gone

    def receive(self, time_limit: float) -> Message | str:
        """The next message, or in words why none came."""
        if not self.receiver.poll(time_limit):
            return f"did not finish within {time_limit:g} s, so it was stopped"
        try:
            message: Message = self.receiver.recv()
        except EOFError:
            self.process.join()
            return f"ended the checking process (exit code {self.process.exitcode})"
        return message

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.receiver.close()


def _observe_all(
    path: str, cases: tuple[Case, ...], time_limit: float
) -> tuple[tuple[FunctionName, ...], dict[str, Observed]]:
    observed: dict[str, Observed] = {}
    remaining = cases
    defined: tuple[FunctionName, ...] | None = None
    while defined is None or remaining:
        child = _Child(path, remaining)
        try:
            loaded = child.receive(time_limit)
            if isinstance(loaded, str):
                raise CheckError(
                    f"Importing {path} {loaded}. Does the file run a loop, wait for input or "
                    "exit at the top level? Put such code under `if __name__ == '__main__':`."
                )
            if isinstance(loaded, LoadFailed):
                raise CheckError(loaded.message)
            assert isinstance(loaded, Loaded)
            defined = loaded.defined
            remaining = _attempted(remaining, defined)
            while remaining:
                case, remaining = remaining[0], remaining[1:]
                message = child.receive(time_limit)
                if isinstance(message, str):
                    observed[case.name] = Observed(case.name, None, f"Your helper {message}")
                    break  # this child is stuck or gone: a fresh one runs the rest
                assert isinstance(message, Observed)  # the child sends one per case, in order
                observed[case.name] = message
        finally:
            child.stop()
    return defined, observed


def check(
    path: str,
    step: int | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    cases: tuple[Case, ...] | None = None,
) -> Report:
    """Run the applicable behaviour cases against the helpers defined in a file.

    Args:
        path: The learner's Python file.
        step: Only this exercise step's cases (see `STEPS`); all when `None`.
        time_limit: Seconds one case (and importing the file) may take.
        cases: Exactly these cases instead (`step` is then only a label).

    Returns:
        The report: a row per case, compared with langchain-core.

    Raises:
        CheckError: The file is missing, cannot be imported, or defines none of
            the four helpers.
    """
    if not Path(path).is_file():
        raise CheckError(
            f"There is no file at {path}. Give the path of the Python file that defines "
            "your helpers, for example tutorials/exercises/my_cache_helpers.py."
        )
    chosen = cases_for(step) if cases is None else cases
    defined, observed = _observe_all(path, chosen, time_limit)
    if not defined:
        raise CheckError(
            f"{path} defines none of {', '.join(FUNCTIONS)}, so there is nothing to check. "
            "The checker looks for functions with exactly these names at the top level."
        )
    rows = []
    for case in chosen:
        expected = observe(case.scenario, langchain_llms)
        seen = observed.get(case.name)
        status: Status
        if seen is None:
            status = "not attempted"
        elif seen.outcome is None:
            status = "ERROR"
        else:
            status = "pass" if seen.outcome == expected else "FAIL"
        rows.append(Row(case, status, expected, seen))
    return Report(path, step, tuple(rows))


def render(report: Report) -> str:
    """Lay a report out as a table, with the details of every row that did not pass."""
    scope = f"step {report.step} ({STEPS[report.step]})" if report.step else "every step"
    width = max(len(row.case.name) for row in report.rows)
    lines = [
        f"Checking {report.path} against langchain-core, {scope}.",
        "",
        f"step  {'case':<{width}}  result",
    ]
    for row in report.rows:
        lines.append(f"{row.case.step:<4}  {row.case.name:<{width}}  {row.status}")
        lines.extend(f"      {line}".rstrip() for line in _details(row))
    counts = ", ".join(
        f"{report.count(status)} {status.lower()}"
        for status in ("pass", "FAIL", "ERROR", "not attempted")
        if report.count(status) or status == "pass"
    )
    absent = {row.case.scenario.function for row in report.rows if row.observed is None}
    missing = [name for name in FUNCTIONS if name in absent]
    if missing:
        counts += f" (no {', no '.join(missing)} in the file)"
    verdict = "all agree with langchain-core" if report.exit_status == 0 else "not there yet"
    if report.count("FAIL"):
        lines += ["", *_LEGEND]
    lines += ["", f"{len(report.rows)} cases: {counts}; {verdict}."]
    return "\n".join(lines)


def _details(row: Row) -> list[str]:
    if row.observed is None or row.status == "pass":
        return []
    expected = _fields(row.expected)
    if row.observed.outcome is None:
        actual = [[str(row.observed.problem)]]
        in_words = []
    else:
        actual = _fields(row.observed.outcome)
        differing = row.expected.differing(row.observed.outcome)
        in_words = [f"differs in: {', '.join(FIELD_LABELS[name] for name in differing)}"]
    # Field beside field, so that a longer list of calls on one side shifts nothing.
    pairs: list[tuple[str, str]] = [("langchain-core did", "yours did")]
    empty: list[str] = []
    for left_field, right_field in zip_longest(expected, actual, fillvalue=empty):
        pairs += zip_longest(left_field, right_field, fillvalue="")
    width = max(len(left) for left, _ in pairs)
    return [
        row.case.title,
        *(f"| {left:<{width}} | {right}".rstrip() for left, right in pairs),
        *in_words,
        *(
            f"Python warned ({row.observed.warnings.count(text)}x): {text}"
            for text in dict.fromkeys(row.observed.warnings)
        ),
        f"why it matters: {row.case.shows}",
    ]


def _fields(outcome: Outcome) -> list[list[str]]:
    """The outcome's rendered lines, one list per field."""
    return [list(field_lines(label, lines)) for label, lines in outcome.display()]
