"""Line by line: each line a helper runs, what it changed, and which events it caused.

`trace` runs one scenario as `harness.record` does, watching the frames of one
file (the reference's `cache_helpers.py`, or a learner's file) with
`sys.settrace`. Every line they run becomes a `Step`: the line and its source,
the locals that line changed (described as the harness describes values, so
`new[0]` is the very list the model returned), the timeline events it caused,
and the state once it had run. A call into another function of the same file is
traced too, one level deeper; a function of any other file (langchain-core, the
caches) runs untraced, and what it does at the boundaries still shows as events.

The trace function only takes notes (`building.Note`, cheap to make);
`building.steps` makes the steps from them once the call is over.

A helper that loops for ever is stopped after `MAX_LINES` lines or `time_limit`
seconds, whichever comes first, by an exception its `except Exception` cannot
catch; one that awaits or sleeps for ever, by `checker.deadline`'s bounds on
`asyncio.run` and `time.sleep`.
The trace then ends where it was stopped.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from inspect import CO_ASYNC_GENERATOR, CO_COROUTINE, CO_GENERATOR
from types import FrameType, SimpleNamespace
from typing import Any

from llm_cache_reference.checker.deadline import Deadline, OutOfTime, bounded
from llm_cache_reference.harness import (
    ASYNC_FUNCTIONS,
    Describer,
    Event,
    Log,
    Outcome,
    Scenario,
    contents,
    record,
)
from llm_cache_reference.trace.building import Note, NoteKind, State, Step, StepKind, steps

__all__ = ["MAX_LINES", "State", "Step", "StepKind", "Trace", "trace"]

MAX_LINES = 2000
"""Lines a traced helper may run: a correct one runs a few dozen on any case."""

DEFAULT_TIME_LIMIT = 2.0
"""Seconds a traced helper may run; the checker's own default (`checker.DEFAULT_TIME_LIMIT`)."""

OUT_OF_TIME = "it ran out of time, so it was stopped"


@dataclass(frozen=True)
class Trace:
    """A traced call: its steps, its timeline and, if it ended, its outcome.

    Attributes:
        path: The file whose lines were traced.
        steps: Every step, in order.
        timeline: Every event, in order (ending with how the call ended,
            unless it was stopped).
        outcome: What the harness observed, as the checker compares it;
            `None` when the call was stopped.
        stopped: Why the call was stopped, in words; `None` if it ended.
    """

    path: str
    steps: tuple[Step, ...]
    timeline: tuple[Event, ...]
    outcome: Outcome | None
    stopped: str | None = None


class Stopped(BaseException):
    """Raised into a traced helper that ran too long.

    A BaseException, as KeyboardInterrupt is, so that the helper's `except
    Exception` lets it by.
    """


class Watcher:
    """The trace function: notes every event of the frames of one file.

    Args:
        path: The file, as its code objects name it (`co_filename`).
        log: The harness's log of the call being traced.
        max_lines: Lines the helper may run before it is stopped.
        time_limit: Seconds it may run before it is stopped.
    """

    def __init__(self, path: str, log: Log, max_lines: int, time_limit: float) -> None:
        self.path, self.log, self.max_lines = path, log, max_lines
        self.end = time.monotonic() + time_limit
        self.notes: list[Note] = []
        self.lines = 0
        self.stopped: str | None = None
        self._frames: dict[int, int] = {}
        self._kept: list[FrameType] = []  # held so that no frame's id is reused

    # Any: typeshed's trace function types are private to sys.
    def global_trace(self, frame: FrameType, event: Any, arg: Any) -> Any:
        """Called for each new frame (and each resumed coroutine): watch the file's own."""
        if frame.f_code.co_filename != self.path:
            return None
        self.note(frame, event, arg)
        return self.local_trace

    def local_trace(self, frame: FrameType, event: Any, arg: Any) -> Any:
        """Called for each line, return and exception of a watched frame."""
        self.note(frame, event, arg)
        return self.local_trace

    def note(self, frame: FrameType, event: NoteKind, arg: Any) -> None:
        """Take a note of one event; stop the helper if it has run too long."""
        if event == "line":
            self.lines += 1
            if self.lines > self.max_lines:
                self.stop(frame, f"it ran more than {self.max_lines} lines, so it was stopped")
            if time.monotonic() > self.end:
                self.stop(frame, OUT_OF_TIME)
        if id(frame) not in self._frames:
            self._frames[id(frame)] = len(self._frames)
            self._kept.append(frame)
        if event == "exception" and _suspends(frame, arg[0]):
            return
        describe = self.log.describe
        if event == "exception":
            described: str | None = arg[0].__name__
        else:
            described = describe(arg) if event == "return" else None
        self.notes.append(
            Note(
                event,
                self._frames[id(frame)],
                frame.f_code.co_name,
                frame.f_lineno,
                tuple((name, describe(value)) for name, value in frame.f_locals.items()),
                len(self.log.events),
                None if self.log.existing_prompts is None else describe(self.log.existing_prompts),
                tuple(contents(cache, describe) for cache in self.log.caches),
                described,
            )
        )

    def stop(self, frame: FrameType, why: str) -> None:
        """End the trace here: note why, and raise `Stopped` into the helper."""
        self.stopped = why
        self.note(frame, "stop", None)
        raise Stopped

    def wrap(self, function: Callable[..., Any], is_async: bool) -> Callable[..., Any]:
        """The function, unchanged in kind, run with this watcher as the trace function."""
        if is_async:

            async def watched_async(*args: object) -> object:
                previous = self.start()
                try:
                    return await function(*args)
                finally:
                    sys.settrace(previous)

            return watched_async

        def watched(*args: object) -> object:
            previous = self.start()
            try:
                return function(*args)
            finally:
                sys.settrace(previous)

        return watched

    def start(self) -> Any:
        """Make this the trace function of new frames; return the one there was."""
        previous: Any = sys.gettrace()  # Any: typeshed's trace function type is private
        # The trace function there was (coverage's, under the tests) keeps this frame,
        # so that it sees the frame's own lines and return; new frames are the watcher's.
        sys._getframe(1).f_trace = previous
        sys.settrace(self.global_trace)
        return previous


def _suspends(frame: FrameType, raised: type[BaseException]) -> bool:
    """Whether an exception is how a coroutine or generator hands over, not an error.

    An `await` whose awaitable is done, and a generator's end, raise StopIteration
    inside the frame; a coroutine being closed, GeneratorExit.
    """
    resumable = frame.f_code.co_flags & (CO_COROUTINE | CO_GENERATOR | CO_ASYNC_GENERATOR)
    return bool(resumable) and issubclass(raised, (StopIteration, GeneratorExit))


def trace(
    scenario: Scenario,
    implementation: object,
    path: str,
    *,
    max_lines: int = MAX_LINES,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Trace:
    """Run one scenario against one implementation, tracing the lines of one file.

    Args:
        scenario: The call to make (a case's `scenario`).
        implementation: A module or object with the helper as an attribute.
        path: The file whose lines to trace, as its code objects name it.
        max_lines: Lines the helper may run before it is stopped.
        time_limit: Seconds it may run before it is stopped.

    Raises:
        AttributeError: The implementation lacks the helper.
        harness.WrongKind: The helper is not async where it should be, or
            the reverse.
    """
    name = scenario.function
    log = Log(Describer())
    watcher = Watcher(path, log, max_lines, time_limit)
    stand_in = SimpleNamespace(
        **{name: watcher.wrap(getattr(implementation, name), name in ASYNC_FUNCTIONS)}
    )
    try:
        with bounded(Deadline(time_limit, path)):
            recorded = record(scenario, stand_in, log)
    except (Stopped, OutOfTime):
        stopped = watcher.stopped or OUT_OF_TIME
        return Trace(path, steps(watcher.notes, path), tuple(log.events), None, stopped)
    return Trace(path, steps(watcher.notes, path), recorded.timeline, recorded.outcome)
