"""Running a learner's file in child processes, with a time limit and a memory cap.

A helper that never returns (a `while` loop whose index never moves, an `await`
on something that never happens) cannot be interrupted from inside its own
process, but a child process can be stopped; a runaway allocation in a child
with a memory cap fails there instead of taking the machine with it.

A child loads the file, says which helpers it defines and which are of the
wrong kind (`Loaded`), then sends one `Observed` per case. The parent waits at
most `time_limit` seconds for each message. When a helper runs past it, or the
child dies, the child is stopped, that helper's remaining cases are reported
at once as not run (naming the case where it stopped), and a fresh child runs
the other helpers' cases. So a file whose helpers all hang costs one time limit
per helper, not one per case.

Nothing here compares outcomes or lays out text: see `checker` and `checker.layout`.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import resource
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType

from llm_cache_reference.cases import CASES_BY_NAME, Case
from llm_cache_reference.checker.candidate import (
    CheckError,
    Observed,
    captured_output,
    defined_helpers,
    import_did_not_finish,
    load_candidate,
    observe_candidate,
    observe_each,
    out_of_time,
)
from llm_cache_reference.checker.kinds import KindProblem, kind_problems
from llm_cache_reference.harness import FunctionName

__all__ = [
    "DEFAULT_MEMORY_HEADROOM",
    "FileRun",
    "LoadFailed",
    "Loaded",
    "Message",
    "cap_memory",
    "die_with_parent",
    "run_in_child",
]

DEFAULT_MEMORY_HEADROOM = 1 << 30
"""Bytes of address space a child may add to what it holds once started (1 GiB).

The cases need a few megabytes; the cap only stops a runaway allocation.
"""

# fork makes a child in milliseconds with langchain-core already imported, and
# does not re-run the caller's __main__ as spawn and forkserver do (a script that
# calls `check` needs no `if __name__ == "__main__":` guard). It is safe here: the
# checker starts no threads. Where there is no fork (Windows), spawn it is.
_CONTEXT = (
    multiprocessing.get_context("fork")
    if "fork" in multiprocessing.get_all_start_methods()
    else multiprocessing.get_context("spawn")
)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_STATM = "/proc/self/statm"  # Linux: the first number is the address space in use, in pages


@dataclass(frozen=True)
class Loaded:
    """Sent by the child once the file is imported.

    Attributes:
        defined: Which helpers the file defines.
        problems: Which of them are of the wrong kind (then no case is run).
        output: What the file printed while it was imported.
        output_cut: How many more characters it printed than `output` holds.
    """

    defined: tuple[FunctionName, ...]
    problems: tuple[KindProblem, ...] = ()
    output: str = ""
    output_cut: int = 0


@dataclass(frozen=True)
class LoadFailed:
    """Sent by the child when the file cannot be imported."""

    message: str


Message = Loaded | LoadFailed | Observed


def cap_memory(headroom: int) -> None:
    """Let this process grow by at most `headroom` bytes of address space (Linux only)."""
    try:
        with open(_STATM) as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux: no cap rather than a wrong one
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = in_use + headroom
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies, however it dies (Linux only).

    The parent stops its children when it ends in an orderly way, even on Ctrl-C; this
    covers the rest (`kill -9`, `timeout`'s SIGTERM), which would otherwise leave a
    child spinning in a learner's endless loop.
    """
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except AttributeError:  # no prctl: not Linux
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def run_in_child(path: str, case_names: Sequence[str], send: Callable[[Message], None]) -> None:
    """The child's whole job: load the file, say what it defines, observe each case.

    No case runs when a helper is of the wrong kind: the parent refuses the file.
    """
    try:
        with captured_output() as output:
            module = load_candidate(path)
    except CheckError as error:
        send(LoadFailed(str(error)))
        return
    defined = defined_helpers(module)
    problems = kind_problems(module)
    send(Loaded(defined, problems, *output.text()))
    if problems:
        return
    for name in case_names:
        case = CASES_BY_NAME[name]
        if case.scenario.function in defined:
            send(observe_candidate(case, module))


def _child_main(
    path: str, case_names: tuple[str, ...], connection: Connection, memory_headroom: int
) -> None:
    # Ctrl-C reaches every process of the terminal's group: the parent handles it
    # and stops this child, which must not report the interrupt as a case's outcome.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    cap_memory(memory_headroom)
    run_in_child(path, case_names, connection.send)
    connection.close()


class _Child:
    """One child process running cases, and the end of the pipe it writes to."""

    def __init__(self, path: str, cases: Sequence[Case], memory_headroom: int) -> None:
        self.receiver, sender = _CONTEXT.Pipe(duplex=False)
        names = tuple(case.name for case in cases)
        self.process = _CONTEXT.Process(
            target=_child_main, args=(path, names, sender, memory_headroom)
        )
        self.process.start()
        sender.close()  # so the receiver sees the end when the child is gone

    def receive(self, time_limit: float) -> Message | str:
        """The next message, or in words why none came."""
        if not self.receiver.poll(time_limit):
            return out_of_time(time_limit)
        try:
            message: Message = self.receiver.recv()
        except EOFError:
            self.process.join()
            return f"ended the checking process (exit code {self.process.exitcode})"
        return message

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.receiver.close()


class FileRun:
    """A learner's file, loaded in a child, whose cases are observed one by one.

    Use it as a context manager: leaving the block stops any child still running.

    Attributes:
        loaded: What the first child found in the file.
    """

    def __init__(
        self,
        path: str,
        cases: Sequence[Case],
        time_limit: float,
        memory_headroom: int = DEFAULT_MEMORY_HEADROOM,
    ) -> None:
        """Start a child on the file and wait for it to load the file.

        Raises:
            CheckError: The file cannot be imported, or importing it takes
                longer than `time_limit` or ends the process.
        """
        self.path, self.cases = path, tuple(cases)
        self.time_limit, self.memory_headroom = time_limit, memory_headroom
        self._child: _Child | None = None
        self.loaded = self._start(self.cases)

    def _start(self, cases: Sequence[Case]) -> Loaded:
        self._child = _Child(self.path, cases, self.memory_headroom)
        loaded = self._child.receive(self.time_limit)
        if isinstance(loaded, Loaded):
            return loaded
        self.close()
        if isinstance(loaded, LoadFailed):
            raise CheckError(loaded.message)
        assert isinstance(loaded, str)  # the child's first message is about loading
        raise import_did_not_finish(self.path, loaded)

    def observations(self) -> Iterator[Observed]:
        """One `Observed` per case whose helper the file defines, in order, as each ends.

        Once a helper has been stopped, its later cases come at once, not run.
        """
        return observe_each(self.cases, self.loaded.defined, self._observe_first)

    def _observe_first(self, cases: Sequence[Case]) -> Observed | str:
        if self._child is None:
            self._start(cases)
        assert self._child is not None  # just started
        message = self._child.receive(self.time_limit)
        if isinstance(message, Observed):  # the child sends one per case, in order
            return message
        assert isinstance(message, str)  # the file loaded before, so no other message
        self.close()  # this child is stuck or gone: a fresh one runs the rest
        return message

    def close(self) -> None:
        """Stop the child, if one is running."""
        if self._child is not None:
            self._child.stop()
            self._child = None

    def __enter__(self) -> FileRun:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
