"""Line by line: each line a helper runs, what it changed, and which events it caused.

`trace` runs one scenario as `harness.record` does, watching the frames of one
file (the reference's `cache_helpers.py`, or a learner's file) with
`sys.settrace`. Every line they run becomes a `Step`: the line and its source,
the locals that line changed (described as the harness describes values, so
`new[0]` is the very list the model returned), the timeline events it caused,
and the state once it had run. A call into another function of the same file is
traced too, one level deeper; a function of any other file (langchain-core, the
caches) runs untraced, and what it does at the boundaries still shows as events.

The trace function only takes notes (`_Note`, cheap to make); the steps are
built from them once the call is over, when it is known which of a coroutine's
`call` and `return` events were its start and end and which were an `await`
suspending and resuming it.

A helper that loops for ever is stopped after `MAX_LINES` lines or `time_limit`
seconds, whichever comes first, by an exception its `except Exception` cannot
catch; one that awaits or sleeps for ever, by `checker.deadline`'s bounds on
`asyncio.run` and `time.sleep`.
The trace then ends where it was stopped.
"""

from __future__ import annotations

import linecache
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from inspect import CO_ASYNC_GENERATOR, CO_COROUTINE, CO_GENERATOR
from types import FrameType, SimpleNamespace
from typing import Any, Literal

from llm_cache_reference.checker.deadline import Deadline, OutOfTime, bounded
from llm_cache_reference.harness import (
    ASYNC_FUNCTIONS,
    CacheContents,
    Describer,
    Event,
    Log,
    Outcome,
    Scenario,
    contents,
    record,
)

__all__ = ["MAX_LINES", "State", "Step", "StepKind", "Trace", "trace"]

MAX_LINES = 2000
"""Lines a traced helper may run: a correct one runs a few dozen on any case."""

DEFAULT_TIME_LIMIT = 2.0
"""Seconds a traced helper may run; the checker's own default (`checker.DEFAULT_TIME_LIMIT`)."""

OUT_OF_TIME = "it ran out of time, so it was stopped"

StepKind = Literal["call", "line", "back", "return", "raise"]
"""What a step is: a function called (its arguments as the changes), a line run, a
line resumed once a function of the same file it called has returned, or a
function's end, by returning or by raising."""


@dataclass(frozen=True)
class State:
    """What there is to see once a step has run.

    Attributes:
        locals: The step's function's locals, described, in the order Python
            lists them.
        existing_prompts: The caller's `existing_prompts`, described (the
            write-back helpers only).
        cached: What each recording cache holds.
        events: How many events of the timeline had happened.
    """

    locals: tuple[tuple[str, str], ...]
    existing_prompts: str | None
    cached: tuple[CacheContents, ...]
    events: int


@dataclass(frozen=True)
class Step:
    """One step of a traced call.

    Attributes:
        kind: What the step is (see `StepKind`).
        function: The name of the function it is in.
        depth: 0 for the helper, 1 for a function it calls, and so on.
        line: The line number in the traced file.
        source: That line, as written (its indentation kept, its end stripped).
        changed: The locals the step changed, described, as (name, value).
        events: The indices, in the timeline, of the events the step caused.
        state: What there is to see once it has run.
        result: For `return`, the value, described; for `raise`, the
            exception's type name; else `None`.
        raised_here: The type name of an exception raised while the line ran
            (it may have been caught), or `None`.
    """

    kind: StepKind
    function: str
    depth: int
    line: int
    source: str
    changed: tuple[tuple[str, str], ...]
    events: tuple[int, ...]
    state: State
    result: str | None = None
    raised_here: str | None = None


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


NoteKind = Literal["call", "line", "return", "exception", "stop"]


@dataclass(frozen=True)
class _Note:
    """What the trace function saw at one event of a traced frame."""

    kind: NoteKind
    frame: int  # which frame: its number in order of first sight
    function: str
    line: int
    locals: tuple[tuple[str, str], ...]
    events: int
    existing_prompts: str | None
    cached: tuple[CacheContents, ...]
    arg: str | None  # the return value, described; the exception's type name


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
        self.notes: list[_Note] = []
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
            _Note(
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


@dataclass
class _Frame:
    """A traced frame, while its steps are built."""

    function: str
    depth: int
    locals: tuple[tuple[str, str], ...]
    line: int
    exception: str | None = None  # raised at its current line and not yet handled


@dataclass
class _Open:
    """The step being built: it lasts until the next note that ends it."""

    kind: StepKind
    frame: _Frame
    line: int
    changed: tuple[tuple[str, str], ...] = ()
    events: list[int] = field(default_factory=list)
    raised_here: str | None = None


def steps(notes: list[_Note], path: str) -> tuple[Step, ...]:
    """Build the steps from a watcher's notes (see the module's docstring)."""
    first_call = {note.frame: n for n, note in reversed(list(enumerate(notes)))}
    last_return = {note.frame: n for n, note in enumerate(notes) if note.kind == "return"}
    done: list[Step] = []
    frames: dict[int, _Frame] = {}
    stack: list[_Frame] = []
    opened: _Open | None = None
    seen_events = notes[0].events if notes else 0

    def close(note: _Note) -> None:
        """End the open step at this note: what happened since it began is its doing."""
        nonlocal seen_events
        if opened is not None:
            opened.events += range(seen_events, note.events)
            frame = opened.frame
            if frames.get(note.frame) is frame:
                opened.changed += _changes(frame.locals, note.locals)
                frame.locals = note.locals
            state = State(frame.locals, note.existing_prompts, note.cached, note.events)
            done.append(_step(opened, path, state))
        seen_events = note.events

    for n, note in enumerate(notes):
        if note.kind == "call" and first_call[note.frame] == n:
            close(note)
            frame = _Frame(note.function, len(stack), note.locals, note.line)
            frames[note.frame] = frame
            stack.append(frame)
            opened = _Open("call", frame, note.line, note.locals)
        elif note.kind == "line":
            if _cleans_up(notes, n):
                continue
            close(note)
            frame = frames[note.frame]
            frame.line, frame.exception = note.line, None
            opened = _Open("line", frame, note.line)
        elif note.kind == "exception":
            # Only a running frame raises, and the open step is the innermost running one's.
            assert opened is not None
            opened.frame.exception = opened.raised_here = note.arg
        elif note.kind == "stop":
            close(note)
            opened = None
        elif note.kind == "return" and last_return[note.frame] == n:
            close(note)
            frame = stack.pop()
            state = State(frame.locals, note.existing_prompts, note.cached, note.events)
            if frame.exception is None:
                done.append(_step(_Open("return", frame, note.line), path, state, note.arg))
            else:
                done.append(_step(_Open("raise", frame, note.line), path, state, frame.exception))
            # Back in the caller, on the line that made the call, until its next line.
            opened = _Open("back", stack[-1], stack[-1].line) if stack else None
        # A coroutine's other calls and returns are an `await` resuming and suspending
        # it: its step goes on.
    return tuple(done)


def _cleans_up(notes: list[_Note], n: int) -> bool:
    """Whether the line note at `n` is Python 3.12+ cleaning up the line that just raised.

    There, an exception thrown into a coroutine at an `await` is followed by one more
    `line` event for that same line: not the line run again, but the exception on its way.
    """
    before = notes[n - 1]
    return (before.kind, before.frame, before.line) == ("exception", notes[n].frame, notes[n].line)


def _step(opened: _Open, path: str, state: State, result: str | None = None) -> Step:
    return Step(
        kind=opened.kind,
        function=opened.frame.function,
        depth=opened.frame.depth,
        line=opened.line,
        source=linecache.getline(path, opened.line).rstrip(),
        changed=opened.changed,
        events=tuple(opened.events),
        state=state,
        result=result,
        raised_here=opened.raised_here,
    )


def _changes(
    before: tuple[tuple[str, str], ...], after: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """The locals that are new or described differently after than before."""
    old = dict(before)
    return tuple((name, value) for name, value in after if old.get(name) != value)
