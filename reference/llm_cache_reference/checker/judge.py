"""What is judged: each case's outcome, the learner's against langchain-core's.

`check` runs a file's helpers in child processes, `check_module` an imported
module's in this process; both fill in a `Report`, row by row, with
`fill_report`. langchain-core's outcomes are observed here, in the calling
process, before any child exists: nothing the learner's file does while it is
imported, such as replacing langchain-core's helpers or the checker's own
recording caches, can reach them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from langchain_core.language_models import llms as langchain_llms

from llm_cache_reference.cases import CASES, Case, Step
from llm_cache_reference.checker.candidate import (
    CheckError,
    Observed,
    defined_helpers,
    observe_candidate,
)
from llm_cache_reference.checker.kinds import KindProblem, kind_problems, parameters_of
from llm_cache_reference.harness import FUNCTIONS, FunctionName, Outcome, observe

__all__ = [
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
    "refuse_path",
]

STEPS: dict[int, str] = {step.value: step.label for step in Step}
"""The workshop's exercise steps' labels, by the number each `Case.step` carries."""

DEFAULT_TIME_LIMIT = 2.0
"""Seconds a learner's helper may take on one case, and the file on being imported.

The solution runs every case in about 20 ms, so a correct helper takes well
under a millisecond per case: 2 s leaves a margin of a thousand times for a slow
or busy machine, and a file whose four helpers all hang still gets its whole
verdict in about four time limits (one per helper), under ten seconds.
"""

MAX_TIME_LIMIT = 300.0
"""The longest time limit the command line accepts, in seconds."""

Status = Literal["pass", "FAIL", "ERROR", "not attempted"]

_ROOT = Path(__file__).resolve().parents[3]
_EXAMPLE = _ROOT / "tutorials" / "exercises" / "my_cache_helpers.py"


@dataclass(frozen=True)
class Row:
    """One case of the report.

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
    """The applicable cases, checked (or, while the check runs, those checked so far).

    Attributes:
        path: The file as given, or the label of a module checked in-process.
        step: The exercise step checked, or `None` for all.
        cases: Every case the check runs, in order.
        rows: One per case checked so far, in case order.
        import_output: What the file printed while it was imported.
        import_output_cut: How many more characters it printed than that.
    """

    path: str
    step: int | None
    cases: tuple[Case, ...]
    rows: tuple[Row, ...] = ()
    import_output: str = ""
    import_output_cut: int = 0

    def count(self, status: Status) -> int:
        """How many rows have this status."""
        return sum(row.status == status for row in self.rows)

    @property
    def exit_status(self) -> int:
        """0 when every attempted case agrees (and at least one was attempted), else 1."""
        attempted = len(self.rows) - self.count("not attempted")
        return 0 if attempted and self.count("pass") == attempted else 1


Progress = Callable[[Report], None]
"""Called once the file is loaded (with no rows), then after each row (with the rows so far)."""


def cases_for(step: int | None) -> tuple[Case, ...]:
    """The cases of one exercise step, or all of them step by step."""
    return tuple(sorted((c for c in CASES if step in (None, c.step)), key=lambda c: c.step))


def expected_outcomes(cases: Iterable[Case]) -> dict[str, Outcome]:
    """langchain-core's outcome for each case, by case name.

    Call it before the learner's module is imported into this process (as
    `check` does, and as an in-process caller of `check_module` should), so
    that nothing the module does can change what it returns.
    """
    return {case.name: observe(case.scenario, langchain_llms) for case in cases}


def check(
    path: str,
    step: int | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    cases: tuple[Case, ...] | None = None,
    *,
    on_progress: Progress | None = None,
    memory_headroom: int | None = None,
) -> Report:
    """Run the applicable behaviour cases against the helpers defined in a file.

    The file is imported and run in child processes (see `checker.child`); a
    helper stopped for time or memory has its later cases reported at once.

    Args:
        path: The learner's Python file.
        step: Only this exercise step's cases (see `STEPS`); all when `None`.
        time_limit: Seconds one case (and importing the file) may take.
        cases: Exactly these cases instead (`step` is then only a label).
        on_progress: Called once the file is loaded, then as each row is made.
        memory_headroom: Bytes the child may allocate beyond what it starts with;
            `checker.child.DEFAULT_MEMORY_HEADROOM` (1 GiB) when `None`.

    Returns:
        The report: a row per case, compared with langchain-core.

    Raises:
        CheckError: The file is missing, cannot be imported, defines none of
            the four helpers, or defines one of the wrong kind.
    """
    # Imported here, not above: `check_module` and the report model must import where
    # there are no child processes (Pyodide), and only `check` needs them.
    from llm_cache_reference.checker import child  # noqa: PLC0415

    refuse_path(path)
    headroom = child.DEFAULT_MEMORY_HEADROOM if memory_headroom is None else memory_headroom
    chosen = cases_for(step) if cases is None else cases
    expected = expected_outcomes(chosen)  # before any child exists: see the module's docstring
    with child.FileRun(path, chosen, time_limit, headroom) as run:
        loaded = run.loaded
        _refuse_helpers(path, loaded.defined, loaded.problems)
        start = Report(path, step, chosen, (), loaded.output, loaded.output_cut)
        return fill_report(start, expected, loaded.defined, run.observations(), on_progress)


def check_module(
    module: object,
    *,
    step: int | None = None,
    label: str = "your module",
    cases: tuple[Case, ...] | None = None,
    expected: Mapping[str, Outcome] | None = None,
    on_progress: Progress | None = None,
) -> Report:
    """Run the applicable behaviour cases against a module that is already imported.

    This is `check` without child processes, for where there are none (the
    in-browser checker runs in Pyodide): the same wrong-kind refusals, the same
    rows, the same `Report`, which `checker.layout.render` lays out as for a file.
    Importing this module, `checker.candidate` and `checker.layout` starts and
    needs no process machinery (`checker.child` is imported by `check` alone).
    What it cannot do in-process is stop a helper that never returns, cap its
    memory, or keep the learner's module from reaching langchain-core's
    outcomes. For the last, compute `expected_outcomes(cases_for(step))` before
    importing the learner's code and pass it as `expected`.

    Args:
        module: Anything with some of the four helpers as attributes.
        step: Only this exercise step's cases; all when `None`.
        label: What the report calls the module (where `check` names the file).
        cases: Exactly these cases instead (`step` is then only a label).
        expected: langchain-core's outcomes by case name, from
            `expected_outcomes`; computed now when `None`.
        on_progress: Called once at the start, then as each row is made.

    Returns:
        The report: a row per case, compared with langchain-core.

    Raises:
        CheckError: The module defines none of the four helpers, or one of the
            wrong kind.
    """
    chosen = cases_for(step) if cases is None else cases
    defined = defined_helpers(module)
    _refuse_helpers(label, defined, kind_problems(module))
    outcomes = expected_outcomes(chosen) if expected is None else expected
    attempted = (observe_candidate(c, module) for c in chosen if c.scenario.function in defined)
    return fill_report(Report(label, step, chosen), outcomes, defined, attempted, on_progress)


def _row(case: Case, expected: Outcome, seen: Observed | None) -> Row:
    status: Status
    if seen is None:
        status = "not attempted"
    elif seen.outcome is None:
        status = "ERROR"
    else:
        status = "pass" if seen.outcome == expected else "FAIL"
    return Row(case, status, expected, seen)


def fill_report(
    report: Report,
    expected: Mapping[str, Outcome],
    defined: Sequence[FunctionName],
    observations: Iterator[Observed],
    on_progress: Progress | None = None,
) -> Report:
    """Judge each of the report's cases, in order, and return the report with its rows.

    Args:
        report: The report with no rows yet: its cases, and what the file printed.
        expected: langchain-core's outcomes, by case name.
        defined: The helpers the learner's module defines.
        observations: One `Observed` per case of a defined helper, in case order
            (`checker.candidate.observe_each` makes them so).
        on_progress: Called once at the start, then as each row is made.
    """
    if on_progress is not None:
        on_progress(report)
    for case in report.cases:
        seen = next(observations) if case.scenario.function in defined else None
        report = replace(report, rows=(*report.rows, _row(case, expected[case.name], seen)))
        if on_progress is not None:
            on_progress(report)
    return report


def refuse_path(path: str) -> None:
    """Refuse a path that is not a file, saying where the file may be.

    Raises:
        CheckError: `path` is a directory, or there is nothing there.
    """
    given = Path(path)
    if given.is_file():
        return
    if given.is_dir():
        raise CheckError(
            f"{path} is a directory, not a file. Give the path of the Python file in it "
            f"that defines your helpers{_for_example()}."
        )
    here = Path.cwd()
    suggestion = _found_elsewhere(given, here)
    hint = (
        f" From here it is {suggestion}."
        if suggestion
        else f" Give the path, from this folder, of the Python file that defines your helpers"
        f"{_for_example()}."
    )
    raise CheckError(f"There is no file at {path}, looking from {here}.{hint}")


def _found_elsewhere(given: Path, here: Path) -> str | None:
    """The path, from here, of a file that `given` may have meant; `None` if none exists.

    Tried: `given` from the project's root (a path copied from the docs, run in
    another folder), then `given` less its first folders (run from inside them).
    """
    if given.is_absolute():
        return None
    tries = [_ROOT / given] + [here.joinpath(*given.parts[i:]) for i in range(1, len(given.parts))]
    for candidate in tries:
        if candidate.is_file():  # so never `given` itself, which is not a file from here
            return os.path.relpath(candidate, here)
    return None


def _for_example() -> str:
    if not _EXAMPLE.is_file():
        return ""
    # Never the path that just failed: that one is not a file, and this one is.
    return f", for example {os.path.relpath(_EXAMPLE, Path.cwd())}"


def _refuse_helpers(
    label: str, defined: Sequence[FunctionName], problems: Sequence[KindProblem]
) -> None:
    if not defined:
        raise CheckError(
            f"{label} defines none of {', '.join(FUNCTIONS)}, so there is nothing to check. "
            "The checker looks for functions with exactly these names at the top level."
        )
    if problems:
        raise CheckError("\n\n".join(_kind_paragraph(problem) for problem in problems))


def _kind_paragraph(problem: KindProblem) -> str:
    name = problem.function
    is_async = name.startswith("a")
    define = f"`{'async def' if is_async else 'def'} {name}({', '.join(parameters_of(name))}):`"
    plain = "a coroutine function (`async def`, no `yield`)" if is_async else "a plain function"
    paragraphs: dict[str, str] = {
        "not a function": f"{name} is a {problem.found}, not a function. Define it with {define}.",
        "langchain-core's own": f"{name} is langchain-core's own helper (from "
        f"{problem.found or 'langchain_core'}), so checking it would compare langchain-core "
        f"with itself. Write your own {name} in the file: {define}.",
        "async generator": f"{name} is an async generator: it has `yield` in an `async def`, "
        f"so calling it runs none of its body. langchain-core's {name} is {plain}: "
        "return the result instead of yielding it.",
        "generator": f"{name} is a generator function: it contains `yield`, so calling it "
        f"runs none of its body. langchain-core's {name} is {plain}: return the result "
        "instead of yielding it.",
        "sync, should be async": f"{name} is a plain function, but langchain-core's is a "
        f"coroutine function: define it with {define}, and await the cache's async "
        "methods in it.",
        "async, should be sync": f"{name} is defined with `async def`, but langchain-core's "
        f"is a plain function: define it with {define}.",
        "parameters": f"{name} takes ({problem.found}), but langchain-core's takes "
        f"({', '.join(parameters_of(name))}). Use the same names in the same order: "
        "callers may pass any of them by name.",
    }
    return paragraphs[problem.kind]
