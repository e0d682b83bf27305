"""The checker's report as text, at a given width: for a terminal, a page, a chat.

A report is laid out in pieces, so that a caller can print each row as soon
as it is made: `header` (once the file is loaded), `row_lines` (per row),
`footer` (at the end); `render` is all three. `summary` is one line per step.
No line is longer than the width: the two outcomes of a failing case stand
side by side when they fit, one over the other ("langchain-core did" over
"yours did") when they do not, and long values wrap.
"""

from __future__ import annotations

import shutil
import textwrap
from itertools import zip_longest

from llm_cache_reference.checker import hints, releases
from llm_cache_reference.checker.candidate import Observed
from llm_cache_reference.checker.judge import STEPS, Report, Row
from llm_cache_reference.harness import FIELD_LABELS, FUNCTIONS, Display, Outcome, field_lines
from llm_cache_reference.harness.text import LABEL_WIDTH

__all__ = [
    "OUTPUT_LINES",
    "footer",
    "header",
    "history_line",
    "refusal",
    "render",
    "row_lines",
    "summary",
    "terminal_width",
]

OUTPUT_LINES = 5
"""Lines of a case's captured output shown under its row."""

_INDENT = "      "  # under the case name
_MIN_WIDTH = 30

_LEGEND = (
    "How to read the outcomes: new[i] is the very i-th generation list the model returned, "
    "hit[i] the list already in existing_prompts at index i, stored[p] what the cache held "
    "for prompt p, and llm_output the very llm_output dict. A copy shows as its contents."
)

# Fewer columns than this beside the labels, and values go under them (a phone's width).
_ROOM_BESIDE_LABELS = 24


def terminal_width() -> int:
    """The terminal's width in columns (`COLUMNS` if set; 80 when unknown)."""
    return shutil.get_terminal_size((80, 24)).columns


def refusal(why: str, width: int) -> str:
    """Why nothing could be checked, a paragraph at a time, wrapped to `width` (at most 88)."""
    return "\n\n".join(
        textwrap.fill(paragraph, width=min(width, 88), break_on_hyphens=False)
        for paragraph in why.split("\n\n")
    )


def history_line(runs: tuple[releases.Run, ...]) -> str:
    """In words: the releases of langchain-core that did exactly what the helper did."""
    said = []
    for run in runs:
        span = run.first if run.count == 1 else f"{run.first} to {run.last} ({run.count} releases)"
        after = f"; {run.changed_in} changed it" if run.changed_in else ", and still does"
        said.append(span + after)
    return f"langchain-core itself did exactly this in {'; and in '.join(said)}."


def render(report: Report, width: int = 80, seen_before: frozenset[str] = frozenset()) -> str:
    """The whole report, as `python -m llm_cache_reference check` prints it.

    Args:
        report: The check's report.
        width: Columns: no line is longer.
        seen_before: The cases the learner has seen fail before (`memory.seen`): their
            rows say why they matter; other failing rows ask a question first.
    """
    lines = header(report, width)
    for row in report.rows:
        lines += row_lines(report, row, width, seen_before)
    return "\n".join(lines + footer(report, width))


def header(report: Report, width: int) -> list[str]:
    """What comes before the rows: what is checked, what the file printed, the column titles."""
    scope = f"step {report.step} ({STEPS[report.step]})" if report.step else "every step"
    lines = [*_wrap(f"Checking {report.path} against langchain-core, {scope}.", width), ""]
    if report.import_output or report.import_output_cut:
        lines += _output(
            "Your file printed while it was imported:",
            report.import_output,
            report.import_output_cut,
            width,
            indent="",
        )
        lines.append("")
    lines += _row_line(report, "step", "case", "result", width)
    return lines


def row_lines(
    report: Report, row: Row, width: int, seen_before: frozenset[str] = frozenset()
) -> list[str]:
    """One row, with what the helper printed and, unless it passed, the details.

    A row that differs says where to look first; the first time its case fails for the
    learner (not in `seen_before`) it asks a question where it would say why the case matters.
    """
    lines = _row_line(report, str(int(row.case.step)), row.case.name, row.status, width)
    seen = row.observed
    if seen is None:
        return lines
    if seen.output or seen.output_cut:
        lines += _output("printed:", seen.output, seen.output_cut, width)
    if row.status == "pass":
        return lines
    if seen.stopped_in is not None:
        return lines + _wrap(
            f"not run: {row.case.scenario.function} was stopped in {seen.stopped_in}",
            width,
            _INDENT,
        )
    lines += _wrap(row.case.title, width, _INDENT)
    lines += _outcomes(row.expected, seen, width)
    differing = () if seen.outcome is None else row.expected.differing(seen.outcome)
    if seen.outcome is not None:
        lines += _wrap(
            f"differs in: {', '.join(FIELD_LABELS[name] for name in differing)}", width, _INDENT
        )
        runs = releases.behaved_so(row.case.name, seen.outcome)
        if runs:
            lines += _wrap(history_line(runs), width, _INDENT)
    if seen.raised is not None and (seen.outcome is None or seen.outcome.raised is not None):
        raised = seen.raised
        where = f" (at {raised.where.file}:{raised.where.line})" if raised.where else ""
        message = f": {raised.message}" if raised.message else ""
        lines += _wrap(f"your helper raised {raised.type_name}{message}{where}", width, _INDENT)
    for text in dict.fromkeys(seen.warnings):
        lines += _wrap(f"Python warned ({seen.warnings.count(text)}x): {text}", width, _INDENT)
    if differing:
        # Chosen from what differs; the answer waits until the learner has seen it once.
        lines += _wrap(f"hint: {hints.hint(differing)}", width, _INDENT)
        if row.case.name not in seen_before:
            return lines + _wrap(hints.question(row.case.scenario.function), width, _INDENT)
    return lines + _wrap(f"why it matters: {row.case.shows}", width, _INDENT)


def footer(report: Report, width: int) -> list[str]:
    """What comes after the rows: how to read them (when one failed), and the count."""
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
    lines = []
    if report.count("FAIL"):
        lines += ["", *_wrap(_LEGEND, width)]
    cases = f"{len(report.rows)} case{'s' * (len(report.rows) != 1)}"
    return [*lines, "", *_wrap(f"{cases}: {counts}; {verdict}.", width)]


def summary(report: Report) -> list[str]:
    """One line per step checked: how many of its cases agree with langchain-core."""
    lines = []
    for step in dict.fromkeys(row.case.step for row in report.rows):
        rows = [row for row in report.rows if row.case.step == step]
        agree = sum(row.status == "pass" for row in rows)
        others = [
            f"{sum(row.status == status for row in rows)} {status.lower()}"
            for status in ("FAIL", "ERROR", "not attempted")
            if any(row.status == status for row in rows)
        ]
        lines.append(
            f"step {step}: {agree} of {len(rows)} agree"
            + (f" ({', '.join(others)})" * bool(others))
        )
    return lines


def _row_line(report: Report, step: str, name: str, status: str, width: int) -> list[str]:
    name_width = max(len(case.name) for case in report.cases)
    line = f"{step:<4}  {name:<{name_width}}  {status}"
    if len(line) <= width:
        return [line]
    # Too narrow for columns (a phone): the result goes under the name, where every row
    # has it, and a name too long for the line breaks at its hyphens.
    named = textwrap.wrap(f"{step:<4}  {name}", width, subsequent_indent=_INDENT)
    return [*named, f"{_INDENT}{status}"]


def _wrapped(shown: Display, width: int) -> list[str]:
    """A displayed outcome as `field_lines` lays it out, each value wrapped to `width`.

    Where too little room is left beside the labels, each value goes under its label.
    """
    room = width - LABEL_WIDTH
    lines: list[str] = []
    if room < _ROOM_BESIDE_LABELS:
        for label, values in shown:
            lines.append(f"{label}:")
            lines += [
                f"  {part}"
                for value in values
                for part in textwrap.wrap(
                    value, width - 2, subsequent_indent="  ", break_on_hyphens=False
                )
            ]
        return lines
    for label, values in shown:
        wrapped = [
            part
            for value in values
            for part in textwrap.wrap(value, room, subsequent_indent="  ", break_on_hyphens=False)
        ]
        lines += field_lines(label, tuple(wrapped))
    return lines


def _outcomes(expected: Outcome, seen: Observed, width: int) -> list[str]:
    """langchain-core's outcome beside the learner's when both fit, else one over the other."""
    left = [list(field_lines(label, values)) for label, values in expected.display()]
    if seen.outcome is None:
        right = [[str(seen.problem)]]
    else:
        right = [list(field_lines(label, values)) for label, values in seen.outcome.display()]
    # Field beside field, so that a longer list of calls on one side shifts nothing.
    pairs: list[tuple[str, str]] = [("langchain-core did", "yours did")]
    empty: list[str] = []
    for left_field, right_field in zip_longest(left, right, fillvalue=empty):
        pairs += zip_longest(left_field, right_field, fillvalue="")
    column = max(len(text) for text, _ in pairs)
    side_by_side = [f"{_INDENT}| {a:<{column}} | {b}".rstrip() for a, b in pairs]
    if max(len(line) for line in side_by_side) <= width:
        return side_by_side
    inner = _INDENT + "  "
    stacked = [f"{_INDENT}langchain-core did:"]
    stacked += [inner + line for line in _wrapped(expected.display(), width - len(inner))]
    stacked.append(f"{_INDENT}yours did:")
    if seen.outcome is None:
        return stacked + _wrap(str(seen.problem), width, inner)
    return stacked + [inner + line for line in _wrapped(seen.outcome.display(), width - len(inner))]


def _output(title: str, text: str, cut: int, width: int, indent: str = _INDENT) -> list[str]:
    """Captured output: the first `OUTPUT_LINES` lines, each cut to the width, and what was left."""
    lines = text.splitlines()
    shown = lines[:OUTPUT_LINES]
    room = max(width - len(indent) - 2, 1)
    result = [*_wrap(title, width, indent)]
    result += [f"{indent}> {line[:room]}".rstrip() for line in shown]
    left = len(lines) - len(shown)
    more = [f"{left} more lines"] * bool(left) + [f"{cut} more characters"] * bool(cut)
    if more:
        result += _wrap(f"({' and '.join(more)} not shown)", width, indent)
    return result


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        max(width, _MIN_WIDTH),
        initial_indent=indent,
        subsequent_indent=indent + "  " * bool(indent),
        break_on_hyphens=False,
    )
