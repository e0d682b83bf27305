"""An event loop that runs coroutines inline, for the page's Python, which has no other kind.

In the page, Pyodide's own event loop hands each callback to the browser and gets it
back later; `asyncio.run` can only wait for that by suspending WebAssembly (stack
switching, JSPI), which Safari's engine lacks. And a callback the browser hands back
runs without the trace function that keeps the learner's time limit, so a helper that
spins after its first `await` could not be stopped. This loop needs neither: it is
asyncio's own loop with nothing to poll, so `run_until_complete` runs every callback
right here, on the stack of the call that started it (the deadline's trace function
sees each line), and waits for a timer by sleeping.

`install` makes `asyncio.run` use it. The site's worker installs it before each call
into Python (Pyodide is loaded with `enableRunUntilComplete: false`, so its own
`asyncio.run` hands over to asyncio's); the command line never does.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
import warnings
from collections.abc import Callable
from typing import TypeVar

__all__ = ["BlockingLoop", "install"]

_T = TypeVar("_T")
_sleep = time.sleep  # this one, even while a check replaces time.sleep for the learner's code


_FOR_EVER = 365 * 24 * 3600.0  # seconds: a year is for ever to a learner's check


class _NothingToPoll:
    """The selector asyncio's loop polls between callbacks: here there are no files.

    Polling means waiting for the next timer. With no timer and nothing ready, a
    coroutine waits for something no callback will ever do, and asyncio's own loop
    then waits for ever for a file that never comes; so does this one (the page's
    check always has a timer, its deadline's).
    """

    def select(self, timeout: float | None) -> list[object]:
        _sleep(_FOR_EVER if timeout is None else timeout)
        return []

    def close(self) -> None:
        """Nothing to release."""


class BlockingLoop(asyncio.BaseEventLoop):
    """asyncio's loop with nothing to poll: callbacks run inline, timers wait by sleeping.

    `run_in_executor` runs the function at once, in this thread (the page has no
    other), and hands its result over as a thread pool's result is: through a
    `concurrent.futures.Future` wrapped for asyncio, so that what the awaiting
    coroutine sees (a StopIteration that cannot cross, say) is what it sees on a
    local Python.
    """

    def __init__(self) -> None:
        super().__init__()
        self._selector = _NothingToPoll()

    def _process_events(self, event_list: list[object]) -> None:
        """No file was polled, so no event came."""

    def _write_to_self(self) -> None:
        """Another thread wakes a waiting loop this way; here none waits in a poll."""

    def run_in_executor(
        self, executor: object, func: Callable[..., _T], *args: object
    ) -> asyncio.Future[_T]:
        """Call `func(*args)` now; its result or exception arrives as a thread's would."""
        done: concurrent.futures.Future[_T] = concurrent.futures.Future()
        try:
            done.set_result(func(*args))
        except BaseException as error:  # as a worker thread hands over any exception
            done.set_exception(error)
        return asyncio.wrap_future(done, loop=self)


def install() -> None:
    """Make `asyncio.run` (and `asyncio.new_event_loop`) use a `BlockingLoop` from now on.

    The host's own loop (Pyodide's, which the browser drives) counts as running on
    this thread whenever it has run a callback, and `asyncio.run` refuses to start
    inside a running loop: no call of the page's runs inside it, so that is undone.
    """
    asyncio.events._set_running_loop(None)
    # Event loop policies are deprecated from Python 3.14 (the page's), still the one way
    # to choose the loop that a plain `asyncio.run(main)` makes, until 3.16.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)

        class Policy(asyncio.DefaultEventLoopPolicy):  # type: ignore[misc,name-defined,unused-ignore]
            def new_event_loop(self) -> asyncio.AbstractEventLoop:
                return BlockingLoop()

        asyncio.set_event_loop_policy(Policy())
