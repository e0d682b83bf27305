"""The site's Python, in the page: run a script, or check a learner's helpers, in-process.

The site's Web Worker (`docs/assets/js/python-worker.js`) loads Pyodide and calls
the two functions here, which return plain data for the page: `run` runs a script
as `python FILE` does and keeps what it prints; `check` runs the checker's cases
against a learner's source and renders the report `python -m llm_cache_reference
check` prints. Both work the same on a local Python, where the tests run them.

The command-line checker runs the learner's code in a child process, which it can
stop. Pyodide has no child processes, so here the learner's code runs in the
checker's own process, under a deadline kept inside Python. That is the cheaper
of the two ways to stop it in a browser: terminating the Web Worker throws the
whole runtime away (a reload of 9-18 s), and Pyodide's interrupt buffer needs
SharedArrayBuffer, which a plain static server cannot enable (it takes
cross-origin isolation headers). The deadline has two halves. A trace function
raises once time is up, on the next line the learner's own code runs: that stops
a loop that computes, before or after an `await` (the page's event loop,
`checker.blocking_loop`, runs every callback under it). A coroutine that awaits
something that never happens runs no line at all, so `asyncio.run` is bounded by
`asyncio.wait_for` as well, and `time.sleep` wakes at the deadline. What none of
these stops (a loop inside C code, a loop that swallows every exception) is left
to the page, which terminates the worker and starts anew.
"""

from __future__ import annotations

import contextlib
import io
import sys
import traceback
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference import cache_helpers, checker
from llm_cache_reference.checker import candidate, in_process, layout, memory
from llm_cache_reference.harness import record
from llm_cache_reference.trace import command, page

__all__ = ["EXERCISE_PATH", "Checked", "Ran", "Stepped", "check", "run", "run_file", "step_through"]

EXERCISE_PATH = "tutorials/exercises/my_cache_helpers.py"
"""Where `check` saves the learner's source: the path the workshop's command names."""

_T = TypeVar("_T")


@dataclass(frozen=True)
class Ran:
    """What a script printed, and how it ended.

    Attributes:
        stdout: Everything it printed.
        stderr: Everything it wrote to standard error.
        error: The traceback, as Python prints it, if the script raised (or
            exited with a non-zero status); `None` if it ended normally.
    """

    stdout: str
    stderr: str
    error: str | None


@dataclass(frozen=True)
class Checked:
    """A check's counts and its report.

    Attributes:
        passed: Rows that agree with langchain-core.
        failed: Rows that ran and differ.
        errors: Rows that could not run.
        not_attempted: Rows for helpers the source does not define.
        exit_status: What the command line would exit with: 0 all agree,
            1 not yet, 2 the source cannot be checked at all.
        report: What the command line prints: the table, or the reason the
            source cannot be checked.
        failing: The names of the cases that failed or could not run, in
            report order: those the page offers to step through.
        summary: What `check --summary` prints, one line per step: the room's
            progress line; empty when the source cannot be checked.
        differing: The names of the cases that ran and differ: the page adds
            them to the cases the learner has seen fail (`memory.failed`).
    """

    passed: int
    failed: int
    errors: int
    not_attempted: int
    exit_status: int
    report: str
    failing: tuple[str, ...] = ()
    summary: str = ""
    differing: tuple[str, ...] = ()


def run(source: str, path: str = "<page>", argv: Sequence[str] = ()) -> Ran:
    """Run source as `python PATH ARGV...` runs a file: as `__main__`, output captured.

    The script's folder comes first on `sys.path` while it runs, so it can import
    the modules beside it (the tutorials share `_walkthrough.py`).
    """
    module = ModuleType("__main__")
    module.__file__ = path
    folder = str(Path(path).resolve().parent)
    stdout, stderr = io.StringIO(), io.StringIO()
    previous = sys.argv, sys.modules["__main__"], list(sys.path)
    sys.argv = [path, *argv]
    sys.modules["__main__"] = module  # dataclasses and pickle look the module up here
    sys.path.insert(0, folder)
    error = None
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            exec(compile(source, path, "exec"), module.__dict__)
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            error = f"SystemExit: {exit_.code}"
    except BaseException as raised:  # the page shows every failure, even KeyboardInterrupt
        error = _traceback(raised)
    finally:
        sys.argv, sys.modules["__main__"], sys.path[:] = previous
    return Ran(stdout.getvalue(), stderr.getvalue(), error)


def _traceback(error: BaseException) -> str:
    """The traceback as `python FILE` prints it: from the script's frame, not from `run`'s."""
    below_run = error.__traceback__.tb_next if error.__traceback__ else None
    return "".join(traceback.format_exception(type(error), error, below_run))


def run_file(path: str, argv: Sequence[str] = ()) -> Ran:
    """Run the script at `path`, as `python PATH ARGV...` does."""
    return run(Path(path).read_text(), path, argv)


def check(
    source: str,
    step: int | None = None,
    path: str = EXERCISE_PATH,
    time_limit: float = checker.DEFAULT_TIME_LIMIT,
    width: int = 80,
    seen_before: Sequence[str] = (),
) -> Checked:
    """Save source at `path` and check it as `python -m llm_cache_reference check PATH` does.

    Args:
        source: The learner's Python file, as text.
        step: Only this exercise step's cases; all when `None`.
        path: Where to save it; the report names it.
        time_limit: Seconds one case (and importing the file) may take.
        width: Columns to lay the report out in: the page measures the box it shows it in.
        seen_before: The cases the learner has seen fail in earlier checks, which the
            page keeps (the command line keeps them in `memory`'s file).

    Returns:
        The counts and the report, as the command line prints it to a terminal `width`
        columns wide (80: as it prints to a file).
    """
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(source)
    try:
        report = in_process.check(path, step, time_limit)
    except checker.CheckError as error:
        return Checked(0, 0, 0, 0, 2, layout.refusal(f"Cannot check: {error}", width))
    failed = memory.failed(report)
    return Checked(
        passed=report.count("pass"),
        failed=report.count("FAIL"),
        errors=report.count("ERROR"),
        not_attempted=report.count("not attempted"),
        exit_status=report.exit_status,
        report=layout.render(report, width, frozenset(seen_before)),
        failing=tuple(row.case.name for row in report.rows if row.status in ("FAIL", "ERROR")),
        summary="\n".join(layout.summary(report)),
        differing=tuple(row.case.name for row in report.rows if row.case.name in failed),
    )


@dataclass(frozen=True)
class Stepped:
    """A case traced for the page's stepper, or why it could not be.

    Attributes:
        stepper: The trace, as the stepper shows it; `None` if there is none.
        problem: Why there is none, in words (as the command line says it).
    """

    stepper: page.Stepper | None
    problem: str | None = None


def step_through(
    case: str,
    source: str | None = None,
    path: str = EXERCISE_PATH,
    time_limit: float = checker.DEFAULT_TIME_LIMIT,
) -> Stepped:
    """Trace one case, line by line, on the reference or on the learner's source.

    Args:
        case: The case's name.
        source: The learner's Python file, as text; the reference when `None`.
        path: Where to save it.
        time_limit: Seconds the helper, and importing the file, may take.
    """
    try:
        chosen = command.find_case(case)
        expected = record(chosen.scenario, langchain_llms).timeline  # before the file is
        if source is None:
            traced = cache_helpers.update_cache.__code__.co_filename
            return Stepped(page.stepper(chosen, llm_cache_reference, traced, expected))
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(source)
        with candidate.captured_output(), in_process.modules_as_found():
            module = in_process.load(path, time_limit)
        checker.check_module(module, label=path, cases=(), expected={})  # its refusals only
        chosen = command.find_case(case, candidate.defined_helpers(module))
        with candidate.captured_output(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            shown = page.stepper(chosen, module, path, expected, time_limit=time_limit)
    except (checker.CheckError, command.TraceError) as error:
        return Stepped(None, str(error))
    return Stepped(shown)
