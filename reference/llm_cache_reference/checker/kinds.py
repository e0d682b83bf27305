"""Whether each of a learner's helpers is of langchain-core's kind, before any case runs.

`kind_problems` says, once per helper, which of the learner's helpers are of
the wrong kind: not a function, a generator, sync where langchain-core's is
async or the reverse, parameters unlike langchain-core's, or langchain-core's
very own helper. No case can run such a helper, so the checker refuses the
file with one paragraph per problem instead.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.language_models import llms as langchain_llms

from llm_cache_reference.checker.candidate import defined_helpers
from llm_cache_reference.harness import ASYNC_FUNCTIONS, FUNCTIONS, FunctionName

__all__ = ["Kind", "KindProblem", "kind_problems", "parameters_of"]

# Taken when the checker is imported, before any learner's file is: a file that
# replaces langchain-core's helpers at import cannot change what these are.
_LANGCHAIN_HELPERS: dict[FunctionName, Callable[..., Any]] = {
    name: getattr(langchain_llms, name) for name in FUNCTIONS
}
_LANGCHAIN_PARAMETERS: dict[FunctionName, tuple[str, ...]] = {
    name: tuple(inspect.signature(helper).parameters) for name, helper in _LANGCHAIN_HELPERS.items()
}


Kind = Literal[
    "not a function",
    "langchain-core's own",
    "async generator",
    "generator",
    "sync, should be async",
    "async, should be sync",
    "parameters",
]


@dataclass(frozen=True)
class KindProblem:
    """One of the learner's helpers is of the wrong kind: no case can run it.

    Attributes:
        function: Which helper.
        kind: What is wrong with it.
        found: What the learner's helper is: its type name (`not a function`),
            its module (`langchain-core's own`), its parameter names,
            comma-separated (`parameters`); empty otherwise.
    """

    function: FunctionName
    kind: Kind
    found: str = ""


def parameters_of(function: FunctionName) -> tuple[str, ...]:
    """langchain-core's parameter names for one helper, in order."""
    return _LANGCHAIN_PARAMETERS[function]


def kind_problems(module: object) -> tuple[KindProblem, ...]:
    """What is wrong with the kind of each helper the module defines; empty if nothing.

    At most one problem per helper, the first of: not callable; langchain-core's
    own helper (the very object, or any function from a `langchain_core` module);
    an async generator; a generator; sync where langchain-core's is async, or
    the reverse; parameter names or order unlike langchain-core's.
    """
    problems = []
    for name in defined_helpers(module):
        problem = _kind_problem(name, getattr(module, name))
        if problem is not None:
            problems.append(problem)
    return tuple(problems)


def _kind_problem(name: FunctionName, function: object) -> KindProblem | None:  # noqa: PLR0911 (first match wins)
    if not callable(function):
        return KindProblem(name, "not a function", type(function).__name__)
    home = getattr(function, "__module__", None) or ""
    if any(function is own for own in _LANGCHAIN_HELPERS.values()) or (
        home == "langchain_core" or home.startswith("langchain_core.")
    ):
        return KindProblem(name, "langchain-core's own", home)
    if inspect.isasyncgenfunction(function):
        return KindProblem(name, "async generator")
    if inspect.isgeneratorfunction(function):
        return KindProblem(name, "generator")
    if inspect.iscoroutinefunction(function) != (name in ASYNC_FUNCTIONS):
        return KindProblem(
            name, "sync, should be async" if name in ASYNC_FUNCTIONS else "async, should be sync"
        )
    try:
        parameters = tuple(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # no signature to read (some builtins): let the cases say
        return None
    shown = tuple(
        {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(p.kind.name, "") + p.name
        for p in parameters
    )
    if shown != _LANGCHAIN_PARAMETERS[name]:
        return KindProblem(name, "parameters", ", ".join(shown))
    return None
