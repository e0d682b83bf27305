"""`python -m llm_cache_reference trace CASE [FILE]`: one case, traced, beside langchain-core.

Without FILE the reference is traced; with it, the learner's helper in FILE,
imported in this process (as the in-page check does) and stopped if it runs
too long (`steps.MAX_LINES`, or the time limit). langchain-core's timeline is
recorded before FILE is imported, so nothing FILE does can change it.
"""

from __future__ import annotations

import difflib
import textwrap
import warnings
from dataclasses import dataclass, replace

from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference import cache_helpers, checker
from llm_cache_reference.cases import CASES, CASES_BY_NAME, Case
from llm_cache_reference.checker import candidate
from llm_cache_reference.harness import FUNCTIONS, Event, FunctionName, record
from llm_cache_reference.trace import steps, text

__all__ = ["TraceError", "Traced", "find_case", "run"]

_PRINTED_LINES = 5


class TraceError(Exception):
    """The case or the file cannot be traced; the message says why."""


@dataclass(frozen=True)
class Traced:
    """A trace as a person reads it, and what the command exits with.

    Attributes:
        text: The trace, laid out for the width asked for.
        exit_status: 0 when the timelines agree, 1 when they do not.
    """

    text: str
    exit_status: int


def find_case(name: str, defined: tuple[FunctionName, ...] = FUNCTIONS) -> Case:
    """The case called `name`; given without its bracket, the first for a defined helper.

    Raises:
        TraceError: No such case, or none for a helper that is defined.
    """
    if name in CASES_BY_NAME:
        return CASES_BY_NAME[name]
    twins = [case for case in CASES if case.slug == name]
    for case in twins:
        if case.scenario.function in defined:
            return case
    if twins:
        helpers = " or ".join(sorted({case.scenario.function for case in twins}))
        raise TraceError(f"The case {name} calls {helpers}, which the file does not define.")
    slugs = list(dict.fromkeys(case.slug for case in CASES))
    close = difflib.get_close_matches(name, slugs + list(CASES_BY_NAME), n=3)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    raise TraceError(
        f"There is no case named {name}.{hint} The cases are listed on the site's behaviour "
        "matrix page, and in `llm_cache_reference.cases`."
    )


def run(case_name: str, path: str | None = None, width: int = 80) -> Traced:
    """Trace the reference, or the helper in the file at `path`, on one case.

    Raises:
        TraceError: The case does not exist or the file does not define its helper.
        checker.CheckError: The file cannot be imported, or a helper in it is
            of the wrong kind (as `python -m llm_cache_reference check` says).
    """
    if path is None:
        case = find_case(case_name)
        expected = record(case.scenario, langchain_llms).timeline
        traced_path = cache_helpers.update_cache.__code__.co_filename
        trace = steps.trace(case.scenario, llm_cache_reference, traced_path)
        return _traced(case, expected, trace, text.REFERENCE, "", width)
    # Before the file is imported, so that nothing it does can reach them.
    expected_by_case = {
        case.name: record(case.scenario, langchain_llms).timeline
        for case in CASES
        if case_name in (case.name, case.slug)
    }
    with candidate.captured_output():
        module = candidate.load_candidate(path)
    checker.check_module(module, label=path, cases=(), expected={})  # its refusals only
    case = find_case(case_name, candidate.defined_helpers(module))
    with warnings.catch_warnings(record=True) as caught, candidate.captured_output() as out:
        warnings.simplefilter("always")
        trace = steps.trace(case.scenario, module, path)
    traced = _traced(case, expected_by_case[case.name], trace, text.YOURS, out.text()[0], width)
    said = [str(warning.message) for warning in caught]
    notes = [f"Python warned ({said.count(w)}x): {w}" for w in dict.fromkeys(said)]
    if not notes:
        return traced
    wrapped = [textwrap.fill(note, width, subsequent_indent="  ") for note in notes]
    return replace(traced, text="\n".join([traced.text, "", *wrapped]))


def _traced(
    case: Case,
    expected: tuple[Event, ...],
    trace: steps.Trace,
    whose: text.Whose,
    printed: str,
    width: int,
) -> Traced:
    shown = text.render(case, expected, trace, whose, width)
    lines = printed.splitlines()
    if lines:
        shown += "\n\nWhile it was traced, your helper printed:\n"
        shown += "\n".join(f"> {line}"[:width] for line in lines[:_PRINTED_LINES])
        if len(lines) > _PRINTED_LINES:
            shown += f"\n({len(lines) - _PRINTED_LINES} more lines not shown)"
    agrees = trace.stopped is None and expected == trace.timeline
    return Traced(shown, 0 if agrees else 1)
