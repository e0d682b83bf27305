"""Command line: `python -m llm_cache_reference check|trace ...`.

`check PATH [--step N] [--summary]` checks a learner's helpers, case by case
(remembering which cases it has shown failing: `checker.memory`);
`trace CASE [PATH]` steps through one case, line by line (`trace.command`).

Exit status: 0 when every attempted case agrees with langchain-core (for
`trace`: when the timelines agree), 1 when one does not, 2 when the file cannot
be checked at all or an argument is wrong (one paragraph says why), 130 when
interrupted with Ctrl-C, 141 when the reader of the output goes away (`| head`),
as if ended by SIGPIPE.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from typing_extensions import override

from llm_cache_reference import checker, interrupt
from llm_cache_reference.checker import layout, memory
from llm_cache_reference.trace import command


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one plain line, without the usage text."""

    @override
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def _time_limit(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= checker.MAX_TIME_LIMIT:
        raise argparse.ArgumentTypeError(
            f"give a number of seconds above 0 and at most {checker.MAX_TIME_LIMIT:g}, "
            f"such as {checker.DEFAULT_TIME_LIMIT:g}; not {text!r}"
        )
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m llm_cache_reference",
        description="Tools for learning langchain-core's LLM cache helpers.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="compare your own helpers with langchain-core's, case by case",
        description=(
            "Load a Python file that defines some of update_cache, aupdate_cache, "
            "get_prompts and aget_prompts, run every behaviour case for the ones it "
            "defines, and compare each outcome with langchain-core's."
        ),
    )
    check.add_argument("path", help="your Python file")
    check.add_argument(
        "--step",
        type=int,
        choices=sorted(checker.STEPS),
        help="only one exercise step: "
        + ", ".join(f"{n} {title}" for n, title in checker.STEPS.items()),
    )
    check.add_argument(
        "--time-limit",
        type=_time_limit,
        default=checker.DEFAULT_TIME_LIMIT,
        metavar="SECONDS",
        help="how long one case may take before its helper is stopped (default: %(default)g)",
    )
    check.add_argument(
        "--summary",
        action="store_true",
        help="print only one line per step: how many of its cases agree",
    )
    trace = commands.add_parser(
        "trace",
        help="step through one case: a helper line by line, beside langchain-core's timeline",
        description=(
            "Run one behaviour case on the reference's helper, or on yours in PATH, line by "
            "line: what each line changed and the events it caused (each write into "
            "existing_prompts, each cache call, the return). Print that beside "
            "langchain-core's events, and name the first event where they differ and the "
            "line that made it."
        ),
    )
    trace.add_argument(
        "case",
        help="a case's name, such as 'write-fails-halfway[update_cache]'; without the "
        "bracket, the first of its twins that PATH defines",
    )
    trace.add_argument("path", nargs="?", help="your Python file (default: the reference)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, run the command, print its report; return the exit status."""
    try:
        if signal.getsignal(signal.SIGINT) is interrupt.exit_quietly:
            # Ready: from here on Ctrl-C raises, so the checker stops its child first.
            signal.signal(signal.SIGINT, signal.default_int_handler)
        args = _parser().parse_args(argv)
        return _trace(args) if args.command == "trace" else _check(args)
    except KeyboardInterrupt:
        print(interrupt.MESSAGE, file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Whoever read the output has gone: say nothing more, and keep Python's
        # own flush at exit from failing on the closed pipe too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 141


def _refusal(why: Exception, width: int) -> int:
    """Print why nothing could be done, a paragraph at a time; return exit status 2."""
    print(layout.refusal(str(why), width), file=sys.stderr)
    return 2


def _trace(args: argparse.Namespace) -> int:
    width = layout.terminal_width()
    try:
        traced = command.run(args.case, args.path, width)
    except command.TraceError as error:
        return _refusal(error, width)
    except checker.CheckError as error:
        return _refusal(Exception(f"Cannot trace: {error}"), width)
    print(traced.text, flush=True)
    return traced.exit_status


def _check(args: argparse.Namespace) -> int:
    width = layout.terminal_width()
    seen_before = memory.seen(args.path)

    def show(report: checker.Report) -> None:
        lines = (
            layout.row_lines(report, report.rows[-1], width, seen_before)
            if report.rows
            else layout.header(report, width)
        )
        print("\n".join(lines), flush=True)

    try:
        report = checker.check(
            args.path,
            step=args.step,
            time_limit=args.time_limit,
            on_progress=None if args.summary else show,
        )
    except checker.CheckError as error:
        return _refusal(Exception(f"Cannot check: {error}"), width)
    if args.summary:
        print("\n".join(layout.summary(report)), flush=True)
        return report.exit_status
    print("\n".join(layout.footer(report, width)), flush=True)
    memory.remember(args.path, memory.failed(report))
    return report.exit_status
