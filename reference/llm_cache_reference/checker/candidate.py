"""The learner's side of the checker: a learner's module, examined and run case by case.

Everything here happens in the calling process and knows nothing of child
processes, time limits or text layout: `checker.child` calls it inside a child
for a file, and `checker.check_module` calls it directly on a module that is
already imported (as the in-browser checker does, where there are no child
processes).

- `load_candidate` imports a file as a module.
- `defined_helpers` says which of the four helpers it defines (`checker.kinds`
  says, before any case runs, which are of the wrong kind).
- `observe_candidate` runs one case and returns an `Observed`: the outcome,
  plus what the outcome does not compare (the exception's message and the
  line of the learner's file it came from, the warnings, what was printed).
- `observe_each` runs case after case and applies the rule for a helper that
  had to be stopped: its later cases are reported at once, not run. How a
  helper is stopped (a child process killed, a deadline inside Python) is the
  caller's; so are `out_of_time` and `import_did_not_finish`, the words both
  callers use for it.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import io
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from typing_extensions import override

from llm_cache_reference.cases import Case
from llm_cache_reference.harness import ASYNC_FUNCTIONS, FUNCTIONS, FunctionName, Outcome, observe

__all__ = [
    "OUTPUT_LIMIT",
    "CheckError",
    "Observed",
    "Place",
    "Raised",
    "defined_helpers",
    "import_did_not_finish",
    "load_candidate",
    "observe_candidate",
    "observe_each",
    "out_of_time",
]

OUTPUT_LIMIT = 2000
"""Characters of a case's printed output that are kept; the rest is counted, not kept."""

_MESSAGE_LIMIT = 300
_CANDIDATE_MODULE = "checked_file"


class CheckError(Exception):
    """The file cannot be checked at all; the message says why, a paragraph per problem."""


@dataclass(frozen=True)
class Place:
    """A line of the learner's file.

    Attributes:
        file: The file's path, as the checker was given it.
        line: The line's number, from 1.
    """

    file: str
    line: int


@dataclass(frozen=True)
class Raised:
    """An exception from the learner's helper, as the learner needs to see it.

    Cases compare only the exception's type; this is the rest, for the reader.

    Attributes:
        type_name: The exception's class name.
        message: `str()` of the exception, shortened to a few hundred characters.
        where: The line of the last frame in the learner's file, or `None`
            when no frame was in it.
    """

    type_name: str
    message: str
    where: Place | None


@dataclass(frozen=True)
class Observed:
    """What happened when one case ran the learner's helper.

    Attributes:
        case_name: Which case.
        outcome: What the learner's helper did, or `None` if it could not run.
        problem: Why it could not run, in words; `None` if it ran.
        warnings: The warnings Python raised during the call, as text.
        raised: The exception the learner's helper raised (or let escape), if any.
        output: What the helper printed (stdout and stderr), at most `OUTPUT_LIMIT`
            characters.
        output_cut: How many more characters it printed than `output` holds.
        stopped_in: For a case not run because its helper was stopped (out of
            time, or it ended the process) in an earlier case: that case's name.
    """

    case_name: str
    outcome: Outcome | None
    problem: str | None = None
    warnings: tuple[str, ...] = ()
    raised: Raised | None = None
    output: str = ""
    output_cut: int = 0
    stopped_in: str | None = None


class _Captured(io.TextIOBase):
    """A text stream that keeps the first `limit` characters written and counts the rest."""

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        self.limit = limit
        self.kept: list[str] = []
        self.size = 0

    @override
    def write(self, text: str) -> int:
        room = self.limit - min(self.size, self.limit)
        if room:
            self.kept.append(text[:room])
        self.size += len(text)
        return len(text)

    def text(self) -> tuple[str, int]:
        """What was kept, and how many characters were not."""
        kept = "".join(self.kept)
        return kept, self.size - len(kept)


@contextlib.contextmanager
def captured_output() -> Any:
    """Send stdout and stderr to one `_Captured` stream while the block runs."""
    stream = _Captured()
    with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
        yield stream


def load_candidate(path: str) -> ModuleType:
    """Import a learner's file as a module, whatever its name.

    As with `python FILE`, the file's own folder comes first on `sys.path`, so it
    can import the modules that sit beside it.

    Raises:
        CheckError: The file has a syntax error, or raises while it is imported.
    """
    folder = str(Path(path).resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    loader = importlib.machinery.SourceFileLoader(_CANDIDATE_MODULE, path)
    spec = importlib.util.spec_from_loader(_CANDIDATE_MODULE, loader)
    assert spec is not None  # a SourceFileLoader always yields a spec
    module = importlib.util.module_from_spec(spec)
    sys.modules[_CANDIDATE_MODULE] = module  # dataclasses and pickle look modules up here
    try:
        loader.exec_module(module)
    except SyntaxError as error:
        raise CheckError(
            f"{path} is not valid Python: {error.msg} (line {error.lineno}). "
            "Fix that line, then run the check again."
        ) from None
    except BaseException as error:  # even SystemExit: the learner gets a message
        raised = _raised(error, path)
        where = f" at line {raised.where.line}" if raised.where else ""
        raise CheckError(
            f"Importing {path} raised {raised.type_name}{where}: {raised.message}. The "
            "checker imports your file before it runs anything in it, so code at the top "
            "level must run without errors; put experiments under "
            "`if __name__ == '__main__':`."
        ) from None
    return module


def defined_helpers(module: object) -> tuple[FunctionName, ...]:
    """Which of the four helpers the module defines, in `FUNCTIONS` order."""
    return tuple(name for name in FUNCTIONS if hasattr(module, name))


def _watched(function: Callable[..., Any], is_async: bool, seen: list[BaseException]) -> object:
    """The function, unchanged in kind, noting any exception it raises before re-raising it."""
    if is_async:

        async def watched_async(*args: object) -> object:
            try:
                return await function(*args)
            except BaseException as error:
                seen.append(error)
                raise

        return watched_async

    def watched(*args: object) -> object:
        try:
            return function(*args)
        except BaseException as error:
            seen.append(error)
            raise

    return watched


def _raised(error: BaseException, path: str | None) -> Raised:
    frames = traceback.extract_tb(error.__traceback__)
    mine = [frame for frame in frames if path is not None and frame.filename == path]
    message = str(error)
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 3] + "..."
    # A frame's line number is None only for code made without one, never a file's.
    where = Place(mine[-1].filename, mine[-1].lineno or 0) if mine else None
    return Raised(type(error).__name__, message, where)


def observe_candidate(case: Case, module: object) -> Observed:
    """Run one case against the learner's module, which `kind_problems` has found sound.

    What the helper prints is captured, its warnings recorded, and the last
    exception it raised kept with its message and line. Running out of memory is
    a problem, not an outcome: the exception says more about the machine than
    about the helper.
    """
    name = case.scenario.function
    seen: list[BaseException] = []
    stand_in = SimpleNamespace(
        **{name: _watched(getattr(module, name), name in ASYNC_FUNCTIONS, seen)}
    )
    path = getattr(module, "__file__", None)
    with (
        warnings.catch_warnings(record=True) as caught,
        captured_output() as output,
    ):
        warnings.simplefilter("always")
        outcome: Outcome | None
        try:
            outcome = observe(case.scenario, stand_in)
            problem = None
        except BaseException as error:  # SystemExit too: the report must say so
            seen.append(error)
            outcome, problem = None, f"{type(error).__name__} escaped"
    raised = _raised(seen[-1], path) if seen else None
    if any(isinstance(error, MemoryError) for error in seen):
        outcome, problem = None, "ran out of the memory the checker allows (MemoryError)"
    text, cut = output.text()
    return Observed(
        case.name,
        outcome,
        problem,
        tuple(str(w.message) for w in caught),
        raised,
        text,
        cut,
    )


def out_of_time(time_limit: float) -> str:
    """Why a helper, or importing the file, was stopped for time, in words."""
    return f"did not finish within {time_limit:g} s, so it was stopped"


def import_did_not_finish(path: str, why: str) -> CheckError:
    """The refusal for a file whose import was stopped; `why` as `out_of_time` says it."""
    return CheckError(
        f"Importing {path} {why}. Does the file run a loop, wait for input or "
        "exit at the top level? Put such code under `if __name__ == '__main__':`."
    )


def observe_each(
    cases: Sequence[Case],
    defined: Sequence[FunctionName],
    observe_first: Callable[[Sequence[Case]], Observed | str],
) -> Iterator[Observed]:
    """One `Observed` per case of a defined helper, in order; a stopped helper's rest not run.

    Args:
        cases: The cases to check, those of undefined helpers included.
        defined: The helpers the learner's module defines.
        observe_first: Observes the first of the cases it is given, which are
            every case still to be observed from that one on (a fresh child
            process is started on them). It returns the `Observed`, or why the
            helper had to be stopped, in words; the caller has then made ready
            to run the other helpers' cases.

    Once a helper is stopped, each of its later cases is reported at once as not
    run, naming the case it was stopped in: a file whose helpers all hang costs
    one time limit per helper, not one per case.
    """
    stopped: dict[FunctionName, str] = {}  # helper: the case it was stopped in
    for index, case in enumerate(cases):
        function = case.scenario.function
        if function not in defined:
            continue
        if function in stopped:
            yield Observed(case.name, None, "not run", stopped_in=stopped[function])
            continue
        still = [
            c
            for c in cases[index:]
            if c.scenario.function in defined and c.scenario.function not in stopped
        ]
        seen = observe_first(still)
        if isinstance(seen, str):
            stopped[function] = case.name
            seen = Observed(case.name, None, f"Your helper {seen}")
        yield seen
