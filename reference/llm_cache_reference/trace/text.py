"""A trace as text, at a given width: what `python -m llm_cache_reference trace` prints.

Three parts: the traced helper line by line (each line's number and source,
then what it changed and the events it caused, loops folded by `loops.fold`),
the two timelines event by event, and the verdict: where they first differ and
which line made the helper's event there. No line is longer than the width.
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass

from llm_cache_reference.cases import Case
from llm_cache_reference.harness import Event
from llm_cache_reference.trace.compare import Divergence, caused_by, diverge
from llm_cache_reference.trace.loops import Repeat, fold
from llm_cache_reference.trace.steps import Step, Trace

__all__ = ["REFERENCE", "YOURS", "Whose", "render", "shown_changes", "shown_path"]

_MIN_WIDTH = 40
_NUMBER = 6  # a line number, right-aligned, and the space after it
_DETAIL = " " * (_NUMBER + 4)  # what a line did, under its source
_SIDE = 16  # the width of "langchain-core" and the space after it


@dataclass(frozen=True)
class Whose:
    """How the text names the traced helper's owner.

    Attributes:
        owner: Before the helper's name: `your update_cache`.
        pronoun: Standing alone: `langchain-core's and yours`.
        column: Beside its events, under langchain-core's.
    """

    owner: str
    pronoun: str
    column: str


YOURS = Whose("your", "yours", "yours")
REFERENCE = Whose("the reference's", "the reference's", "reference")


def shown_path(path: str) -> str:
    """The path from the current folder when the file is under it, else as it is."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def render(
    case: Case, expected: tuple[Event, ...], trace: Trace, whose: Whose, width: int = 80
) -> str:
    """The whole trace, compared with langchain-core's timeline.

    Args:
        case: The case that was run.
        expected: langchain-core's timeline on it.
        trace: The traced helper's run.
        whose: Whose helper it is: `YOURS` or `REFERENCE`.
        width: The most characters a line may have.
    """
    width = max(width, _MIN_WIDTH)
    divergence = diverge(expected, trace)
    function = case.scenario.function
    lines = _wrap(
        f"Tracing {whose.owner} {function}, from {shown_path(trace.path)}, "
        f"on the case {case.name}: {case.title}",
        width,
    )
    lines += ["", *_wrap("Line by line: what each line changed, and the events it caused:", width)]
    lines += _steps(trace, divergence, width)
    if trace.stopped is not None:
        lines += _wrap(f"(stopped here: {trace.stopped})", width, _DETAIL)
    title = f"The timelines, langchain-core's and {whose.pronoun}, event by event:"
    lines += ["", *_wrap(title, width)]
    lines += _timelines(expected, trace.timeline, whose, width)
    lines += ["", *_verdict(divergence, trace, whose, width)]
    return "\n".join(lines)


def shown_changes(step: Step) -> tuple[tuple[str, str], ...]:
    """The changes of a step worth showing: `existing_prompts`'s show as events instead.

    On its call, `existing_prompts` is an argument like the others, and shown.
    """
    if step.kind == "call":
        return step.changed
    return tuple((name, value) for name, value in step.changed if name != "existing_prompts")


def _steps(trace: Trace, divergence: Divergence | None, width: int) -> list[str]:
    if not trace.steps:
        return _wrap(f"(no line of {shown_path(trace.path)} ran)", width, "  ")
    keep = set()
    if divergence is not None and divergence.step is not None:
        keep.add(trace.steps.index(divergence.step))
    lines: list[str] = []
    for item in fold(trace.steps, keep):
        if isinstance(item, Repeat):
            lines += _wrap(_repeat(item), width, _DETAIL)
        else:
            lines += _step(item, trace, divergence, width)
    return lines


def _repeat(item: Repeat) -> str:
    block = ", ".join(map(str, item.lines))
    events = f", causing {item.events} events" if item.events else ""
    return f"(lines {block} ran {item.times} more times{events})"


def _step(step: Step, trace: Trace, divergence: Divergence | None, width: int) -> list[str]:
    indent = "  " * step.depth
    room = max(width - _NUMBER - len(indent), 10)
    source = step.source if step.kind in ("call", "line") else step.source.strip()
    if step.kind == "back":
        source = f"(back in {step.function}) {step.source.strip()}"
    elif step.kind in ("return", "raise"):
        verb = "returns" if step.kind == "return" else "raises"
        source = f"({step.function} {verb} {step.result})"
    lines = [f"{step.line:>{_NUMBER - 2}}  {indent}{_cut(source, room)}".rstrip()]
    detail = _DETAIL + indent
    changed = [f"{name} = {value}" for name, value in shown_changes(step)]
    together = "; ".join(changed)
    if changed and len(detail + together) <= width:
        lines.append(detail + together)
    else:
        for change in changed:
            lines += _wrap(change, width, detail)
    for index in step.events:
        event = f"#{index + 1} {trace.timeline[index].text()}"
        if divergence is not None and divergence.index == index:
            event += "   <- first difference"
        lines += _wrap(event, width, detail)
    if step.raised_here is not None and step.kind != "raise":
        lines += _wrap(f"({step.raised_here} raised here)", width, detail)
    return lines


def _timelines(
    expected: tuple[Event, ...], actual: tuple[Event, ...], whose: Whose, width: int
) -> list[str]:
    lines: list[str] = []
    number_width = len(str(max(len(expected), len(actual)))) + 2
    for index in range(max(len(expected), len(actual))):
        number = f"#{index + 1}".rjust(number_width)
        mine = _event_text(actual, index, "(none: it had ended)")
        theirs = _event_text(expected, index, "(none: it had ended)")
        if mine == theirs:
            lines += _side(f"{number} both", theirs, width, number_width)
            continue
        lines += _side(f"{number} langchain-core", theirs, width, number_width)
        lines += _side(f"{'':{number_width}} {whose.column}", mine, width, number_width)
    return lines


def _event_text(timeline: tuple[Event, ...], index: int, missing: str) -> str:
    return timeline[index].text() if index < len(timeline) else missing


def _side(label: str, text: str, width: int, number_width: int) -> list[str]:
    column = number_width + 1 + _SIDE
    room = max(width - column, 10)
    first, *rest = textwrap.wrap(text, room, subsequent_indent="  ", break_on_hyphens=False)
    return [f"{label:<{column}}{first}", *(" " * column + more for more in rest)]


def _verdict(divergence: Divergence | None, trace: Trace, whose: Whose, width: int) -> list[str]:
    if divergence is None:
        count = f"{len(trace.timeline)} event{'s' * (len(trace.timeline) != 1)}"
        return _wrap(f"The timelines agree, event by event ({count}).", width)
    number = divergence.index + 1
    theirs = "nothing" if divergence.expected is None else divergence.expected.text()
    if divergence.actual is None:
        mine = "nothing: it had been stopped" if trace.stopped else "nothing: it had ended"
    else:
        mine = divergence.actual.text()
    lines = _wrap(
        f"First difference: event #{number}. langchain-core's: {theirs}. "
        f"{whose.pronoun[0].upper()}{whose.pronoun[1:]}: {mine}.",
        width,
    )
    step = divergence.step
    if step is None:
        return lines
    made = "was made by" if divergence.actual is not None else "came after"
    where = f"line {step.line} of {shown_path(trace.path)}"
    lines += _wrap(f"It {made} {where}:", width)
    lines.append(_cut(f"    {step.source.strip()}", width))
    if divergence.since:
        shared = caused_by(trace, divergence.index - 1) if divergence.index else None
        after = f"event #{number - 1} (line {shared.line})" if shared else "the start"
        ran = _listed(divergence.since)
        lines += _wrap(
            f"Between {after} and this one it ran {ran}: it went another way there.", width
        )
    return lines


def _cut(text: str, width: int) -> str:
    """The text, cut to the width with `...` at the end if it is longer."""
    return text if len(text) <= width else text[: width - 3] + "..."


def _listed(numbers: tuple[int, ...]) -> str:
    words = [str(n) for n in numbers]
    if len(words) == 1:
        return f"line {words[0]}"
    return f"lines {', '.join(words[:-1])} and {words[-1]}"


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        max(width, _MIN_WIDTH),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    )
