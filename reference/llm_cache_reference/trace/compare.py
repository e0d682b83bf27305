"""Where a traced helper's timeline first parts from langchain-core's, and which line did it.

Two timelines are compared event by event. The first event that differs is
where the helper went another way: `diverge` names it, the step of the traced
file that caused the helper's event there, and the lines the helper ran since
the last event both made, among which the turn was taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from llm_cache_reference.harness import Event, Finish
from llm_cache_reference.trace.steps import Step, Trace

__all__ = ["Divergence", "caused_by", "diverge", "first_difference"]

ENDINGS = ("return", "raise")


@dataclass(frozen=True)
class Divergence:
    """The first event at which two timelines differ.

    Attributes:
        index: Its index in both timelines (0 for the first event).
        expected: langchain-core's event there; `None` if its timeline had ended.
        actual: The traced helper's event there; `None` if its timeline had
            ended (or the helper was stopped).
        step: The step of the traced file that caused `actual` (for `None`,
            the last step run); `None` if no line of the file ran.
        since: The line numbers run since the last event both made (or since
            the start), in the order first run, that step's own excluded.
    """

    index: int
    expected: Event | None
    actual: Event | None
    step: Step | None
    since: tuple[int, ...]


def first_difference(expected: tuple[Event, ...], actual: tuple[Event, ...]) -> int | None:
    """The index of the first event at which two timelines differ; `None` if they agree.

    Examples:
        >>> end = Finish("llm_output", None)
        >>> first_difference((end,), (end,)) is None
        True
        >>> first_difference((end,), ())
        0
    """
    for index in range(max(len(expected), len(actual))):
        if index >= len(expected) or index >= len(actual) or expected[index] != actual[index]:
            return index
    return None


def caused_by(trace: Trace, index: int) -> Step | None:
    """The step that caused the event at `index` of the trace's timeline.

    How the call ended is caused by the helper's own last step, its return or
    its raise; an index past the timeline's end, by the last step run.
    """
    if index < len(trace.timeline) and isinstance(trace.timeline[index], Finish):
        ends = [n for n, s in enumerate(trace.steps) if s.depth == 0 and s.kind in ENDINGS]
        if not ends:
            return None
        n = ends[-1]
        # An exception is the doing of the line that raised it, not of the line it left by.
        if trace.steps[n].kind == "raise":
            while n > 1 and (trace.steps[n - 1].kind == "raise" or trace.steps[n - 1].raised_here):
                n -= 1
        return trace.steps[n]
    for step in trace.steps:
        if index in step.events:
            return step
    return trace.steps[-1] if trace.steps else None


def diverge(expected: tuple[Event, ...], trace: Trace) -> Divergence | None:
    """Compare langchain-core's timeline with a traced helper's; `None` if they agree."""
    index = first_difference(expected, trace.timeline)
    if index is None:
        return None
    step = caused_by(trace, index)
    start = 0
    if index:
        shared = caused_by(trace, index - 1)
        start = trace.steps.index(shared) + 1 if shared is not None else 0
    end = trace.steps.index(step) if step is not None else 0
    since = tuple(dict.fromkeys(s.line for s in trace.steps[start:end] if s.kind == "line"))
    return Divergence(
        index,
        expected[index] if index < len(expected) else None,
        trace.timeline[index] if index < len(trace.timeline) else None,
        step,
        since,
    )
