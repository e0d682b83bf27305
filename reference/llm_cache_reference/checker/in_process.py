"""The check in this process, under a deadline: where no child process can start.

The command line runs the learner's code in child processes (`checker.child`),
which it can stop and cap. A browser page's Python (Pyodide) has none, so there
the learner's module is imported and run in the checker's own process, under a
deadline kept inside Python (`checker.deadline`): `check` here takes the same
arguments as `judge.check` and gives the same report. `checker.check` chooses
between the two; the site's page (`in_browser`) calls this one.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType

from llm_cache_reference.cases import Case
from llm_cache_reference.checker import candidate, judge
from llm_cache_reference.checker.deadline import Deadline, under

__all__ = ["check", "load", "modules_as_found"]


def check(
    path: str,
    step: int | None = None,
    time_limit: float = judge.DEFAULT_TIME_LIMIT,
    cases: tuple[Case, ...] | None = None,
    *,
    on_progress: judge.Progress | None = None,
    memory_headroom: int | None = None,
) -> judge.Report:
    """`judge.check` with the learner's module in this process, under a deadline.

    The same arguments and the same report, so that `checker.check` can be either;
    `memory_headroom` has no effect here: only a child process can be given a cap.
    As with child processes, once a helper is stopped its later cases are reported
    at once, not run (`candidate.observe_each`), and the other helpers' cases run on
    a freshly imported module. Whatever the learner's file rebinds in langchain-core
    or this package is put back afterwards.
    """
    judge.refuse_path(path)
    with modules_as_found():
        chosen = judge.cases_for(step) if cases is None else cases
        # Before the learner's module is imported, so that it cannot change them.
        expected = judge.expected_outcomes(chosen)
        with candidate.captured_output() as output:
            module = load(path, time_limit)
        # check_module with no cases makes only its refusals: no helper, or a wrong kind.
        judge.check_module(module, label=path, cases=(), expected={})
        defined = candidate.defined_helpers(module)

        def observe_first(cases: Sequence[Case]) -> candidate.Observed | str:
            nonlocal module
            deadline = Deadline(time_limit, path)
            seen = under(deadline, functools.partial(candidate.observe_candidate, cases[0], module))
            if not deadline.expired:
                return seen
            with candidate.captured_output():  # printed once, the first time
                module = load(path, time_limit)
            return candidate.out_of_time(time_limit)

        start = judge.Report(path, step, chosen, (), *output.text())
        observations = candidate.observe_each(chosen, defined, observe_first)
        return judge.fill_report(start, expected, defined, observations, on_progress)


_WATCHED = ("langchain_core", "llm_cache_reference")


@contextlib.contextmanager
def modules_as_found() -> Iterator[None]:
    """Undo what the block does to langchain-core's and this package's modules and classes.

    Here the learner's file runs in the checker's own process, for the whole of the
    page's session: a file that replaces `llms.update_cache`, the checker's own
    functions or a recording cache's method while it is imported would otherwise
    change every later check. Names it rebinds are put back, names it adds taken away
    (but for submodules, which importing one adds to its package).
    """
    found = [(owner, dict(vars(owner))) for owner in _namespaces()]
    try:
        yield
    finally:
        for owner, names in found:
            now = dict(vars(owner))
            for name in now.keys() - names.keys():
                if not isinstance(now[name], ModuleType):
                    delattr(owner, name)
            for name, value in names.items():
                if now.get(name, _GONE) is not value:
                    setattr(owner, name, value)


def _namespaces() -> Iterator[object]:
    """The watched modules, and the classes each defines."""
    for name, module in list(sys.modules.items()):
        if module is None or name.partition(".")[0] not in _WATCHED:
            continue
        yield module
        for value in list(vars(module).values()):
            if isinstance(value, type) and value.__module__ == name:
                yield value


_GONE = object()


def load(path: str, time_limit: float) -> ModuleType:
    """Import the learner's file under a deadline; a file that never finishes is refused."""
    deadline = Deadline(time_limit, path)
    try:
        return under(deadline, functools.partial(candidate.load_candidate, path))
    except judge.CheckError:
        if not deadline.expired:
            raise
    raise candidate.import_did_not_finish(path, candidate.out_of_time(time_limit))
