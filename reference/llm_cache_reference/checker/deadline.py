"""The in-process deadline: stop a learner's code, running in this process, once time is up.

Where there are no child processes to kill (Pyodide, in the page), the learner's
code runs in the checker's own process. A trace function raises `OutOfTime` on
the next line the learner's own code runs once time is up, which stops a loop
that computes; a coroutine that awaits something that never happens runs no line
at all, so `asyncio.run` is bounded by `asyncio.wait_for` as well, and a
`time.sleep` wakes at the deadline and stops there, while `bounded` is in force
(`under` runs a call so).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from types import FrameType
from typing import Any, TypeVar

__all__ = ["Deadline", "OutOfTime", "bounded", "under"]

_T = TypeVar("_T")


class OutOfTime(BaseException):
    """Raised into the learner's code when its time is up.

    A BaseException, as KeyboardInterrupt is, so that the learner's `except
    Exception` lets it by.
    """


class Deadline:
    """Stops the learner's code once `seconds` have passed; `expired` says if it did."""

    def __init__(self, seconds: float, filename: str) -> None:
        self.end = time.monotonic() + seconds
        self.filename = filename
        self.expired = False
        self.previous: Any = sys.gettrace()  # what _under gives back
        self.run = asyncio.run
        self.sleep_for_real: Callable[[float], None] = time.sleep

    # Any: typeshed's trace function types are private to sys.
    def trace(self, frame: FrameType, event: Any, arg: Any) -> Any:
        """The global trace function: trace the learner's own frames, line by line.

        No other new frame is traced meanwhile. Frames already running keep the
        trace function they had (a debugger's, or coverage's under the tests). The
        one that was global is not called for new frames: coverage's, called for
        one, would make itself the global trace function again and end the deadline.
        """
        if frame.f_code.co_filename != self.filename:
            return None
        self.tick()
        return self.local_trace

    def local_trace(self, frame: FrameType, event: Any, arg: Any) -> Any:
        """Called for each line the learner's code runs."""
        self.tick()
        return self.local_trace

    def tick(self) -> None:
        """Raise into the running code if time is up."""
        if time.monotonic() >= self.end:
            self.expired = True
            raise OutOfTime

    def bounded_run(self, main: Coroutine[Any, Any, _T], **options: Any) -> _T:
        """`asyncio.run`, stopped at the deadline even when no line of the coroutine runs."""

        async def bounded() -> _T:
            try:
                return await asyncio.wait_for(main, max(0.0, self.end - time.monotonic()))
            except TimeoutError:
                self.expired = True
                raise OutOfTime from None

        return self.run(bounded(), **options)

    def bounded_sleep(self, seconds: float) -> None:
        """`time.sleep`, woken at the deadline and stopped there, as a loop that computes is."""
        self.sleep_for_real(min(seconds, max(0.0, self.end - time.monotonic())))
        self.tick()


@contextlib.contextmanager
def bounded(deadline: Deadline) -> Iterator[None]:
    """`asyncio.run` and `time.sleep` bounded by the deadline, until the block ends.

    For the learner's code, which calls them as the harness's cases do, by name from
    their modules: a sleep or an `await` that never ends runs no line to stop it at.
    """
    asyncio.run = deadline.bounded_run
    time.sleep = deadline.bounded_sleep  # type: ignore[assignment]  # numbers, as helpers pass
    try:
        yield
    finally:
        asyncio.run = deadline.run
        time.sleep = deadline.sleep_for_real  # type: ignore[assignment]


def under(deadline: Deadline, call: Callable[[], _T]) -> _T:
    """Make the call with the deadline in force."""
    # The trace function there was before (coverage's, under the tests; a debugger's)
    # stays this frame's own, so that it sees this frame's lines and its return, which
    # keeps its count of running frames right. The frames the call starts are the
    # deadline's alone: the old one sees neither their start nor their end.
    sys._getframe().f_trace = deadline.previous
    sys.settrace(deadline.trace)
    try:
        with bounded(deadline):
            return call()
    finally:
        sys.settrace(deadline.previous)
