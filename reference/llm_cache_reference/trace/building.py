"""Steps from a watcher's notes: what each line a traced helper ran changed and caused.

The trace function (`steps.Watcher`) only takes notes, cheap to make, while the helper
runs; here, once the call is over, they become `Step`s, when it is known which of a
coroutine's `call` and `return` events were its start and end and which were an `await`
suspending and resuming it.
"""

from __future__ import annotations

import linecache
from dataclasses import dataclass, field
from typing import Literal

from llm_cache_reference.harness import CacheContents

__all__ = ["Note", "NoteKind", "State", "Step", "StepKind", "steps"]


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


NoteKind = Literal["call", "line", "return", "exception", "stop"]


@dataclass(frozen=True)
class Note:
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


def steps(notes: list[Note], path: str) -> tuple[Step, ...]:
    """Build the steps from a watcher's notes (see the module's docstring)."""
    first_call = {note.frame: n for n, note in reversed(list(enumerate(notes)))}
    last_return = {note.frame: n for n, note in enumerate(notes) if note.kind == "return"}
    done: list[Step] = []
    frames: dict[int, _Frame] = {}
    stack: list[_Frame] = []
    opened: _Open | None = None
    seen_events = notes[0].events if notes else 0

    def close(note: Note) -> None:
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


def _cleans_up(notes: list[Note], n: int) -> bool:
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
