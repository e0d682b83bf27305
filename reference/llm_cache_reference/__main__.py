"""Command line: `python -m llm_cache_reference check PATH [--step N]`.

Exit status: 0 when every attempted case agrees with langchain-core, 1 when
one does not, 2 when the file cannot be checked at all (the message says why),
130 when interrupted with Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence

from llm_cache_reference import checker


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, not {text}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, run the command, print its report; return the exit status."""
    parser = argparse.ArgumentParser(
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
        type=_seconds,
        default=checker.DEFAULT_TIME_LIMIT,
        metavar="SECONDS",
        help="how long one case may take before it is stopped (default: %(default)g)",
    )
    args = parser.parse_args(argv)
    try:
        report = checker.check(args.path, step=args.step, time_limit=args.time_limit)
    except checker.CheckError as error:
        print(textwrap.fill(f"Cannot check: {error}", width=88), file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: the child is already stopped; no traceback
        print("Check interrupted.", file=sys.stderr)
        return 130
    print(checker.render(report))
    return report.exit_status


if __name__ == "__main__":
    sys.exit(main())
