"""A trace as plain data for the page's stepper: steps, source, state, both timelines.

`stepper` traces a case (on the reference, or on a helper already imported
from a file) and returns a `Stepper`: everything the page shows at each step,
each step's change said in words (for a screen reader), and the source of the
traced functions, their docstrings folded to one line. The page makes no text
of its own beyond labels: what a step means is said here, once.
"""

from __future__ import annotations

import ast
import linecache
from dataclasses import dataclass

from langchain_core.language_models import llms as langchain_llms

from llm_cache_reference.cases import Case
from llm_cache_reference.harness import DictWrite, Event, Finish, record
from llm_cache_reference.trace.compare import diverge
from llm_cache_reference.trace.steps import Step, Trace, trace
from llm_cache_reference.trace.text import shown_changes, shown_path

__all__ = ["PageEvent", "PageStep", "Stepper", "stepper", "words"]


@dataclass(frozen=True)
class PageStep:
    """One step, as the page shows it.

    Attributes:
        kind: As `Step.kind`.
        function: The function it is in.
        depth: How deep in calls of the traced file.
        line: The line number.
        words: What the step did, in a sentence (the page reads it out).
        changed: The locals it changed, as (name, value), those shown as events
            (changes to `existing_prompts`) left out.
        events: The indices of the events it caused.
        locals: Its function's locals once it had run, as (name, value).
        existing_prompts: The caller's dict once it had run (write-back helpers).
        cached: What each cache held once it had run, as text.
        events_so_far: How many events had happened once it had run.
    """

    kind: str
    function: str
    depth: int
    line: int
    words: str
    changed: list[tuple[str, str]]
    events: list[int]
    locals: list[tuple[str, str]]
    existing_prompts: str | None
    cached: list[str]
    events_so_far: int


@dataclass(frozen=True)
class PageEvent:
    """One event of a timeline, as the page shows it.

    Attributes:
        text: The event, as it would be written.
        kind: `write` (into `existing_prompts`), `call` (to a cache) or `end`.
    """

    text: str
    kind: str


def _page_event(event: Event) -> PageEvent:
    kind = (
        "write" if isinstance(event, DictWrite) else "end" if isinstance(event, Finish) else "call"
    )
    return PageEvent(event.text(), kind)


@dataclass(frozen=True)
class Stepper:
    """Everything the page's stepper shows for one traced case.

    Attributes:
        case: The case's name.
        title: What the call is.
        shows: Why the case matters.
        path: The traced file, as the page names it.
        source: Each traced function's lines, by name: (number, text) pairs,
            its docstring folded to one line.
        steps: Every step, in order.
        timeline: The traced helper's events.
        expected: langchain-core's events on the same case.
        first_difference: The index of the first event where they differ.
        difference_step: The index of the step that caused the traced
            helper's event there (or came last before it); `None` if none.
        stopped: Why the helper was stopped, if it was.
    """

    case: str
    title: str
    shows: str
    path: str
    source: dict[str, list[tuple[int, str]]]
    steps: list[PageStep]
    timeline: list[PageEvent]
    expected: list[PageEvent]
    first_difference: int | None
    difference_step: int | None
    stopped: str | None


def stepper(
    case: Case,
    implementation: object,
    path: str,
    expected: tuple[Event, ...] | None = None,
    *,
    time_limit: float = 2.0,
) -> Stepper:
    """Trace a case on an implementation whose file is at `path`, for the page.

    Args:
        case: The case.
        implementation: The module (or object) with the case's helper.
        path: The file whose lines are traced, as its code names it.
        expected: langchain-core's timeline on the case; recorded now when
            `None` (pass it when the implementation is a learner's module, so
            that the module cannot reach it).
        time_limit: Seconds the helper may run before it is stopped.
    """
    if expected is None:
        expected = record(case.scenario, langchain_llms).timeline
    traced = trace(case.scenario, implementation, path, time_limit=time_limit)
    divergence = diverge(expected, traced)
    step = None if divergence is None or divergence.step is None else divergence.step
    return Stepper(
        case=case.name,
        title=case.title,
        shows=case.shows,
        path=shown_path(path),
        source=_sources(traced),
        steps=[_page_step(s, traced) for s in traced.steps],
        timeline=[_page_event(event) for event in traced.timeline],
        expected=[_page_event(event) for event in expected],
        first_difference=None if divergence is None else divergence.index,
        difference_step=None if step is None else traced.steps.index(step),
        stopped=traced.stopped,
    )


def _page_step(step: Step, traced: Trace) -> PageStep:
    return PageStep(
        kind=step.kind,
        function=step.function,
        depth=step.depth,
        line=step.line,
        words=words(step, traced),
        changed=list(shown_changes(step)),
        events=list(step.events),
        locals=list(step.state.locals),
        existing_prompts=step.state.existing_prompts,
        cached=[contents.text() for contents in step.state.cached],
        events_so_far=step.state.events,
    )


def words(step: Step, traced: Trace) -> str:
    """What a step did, in one sentence: the line, then its changes and events.

    Examples:
        >>> import llm_cache_reference
        >>> from llm_cache_reference import cache_helpers
        >>> from llm_cache_reference.cases import CASES_BY_NAME
        >>> case = CASES_BY_NAME["write-fails-halfway[update_cache]"]
        >>> path = cache_helpers.update_cache.__code__.co_filename
        >>> traced = trace(case.scenario, llm_cache_reference, path)
        >>> print([words(step, traced) for step in traced.steps if step.events][0])
        Line 217 ran (existing_prompts[missing_prompt_idxs[i]] = result). Event 1:
        existing_prompts[0] = new[0].
        >>> words(traced.steps[-1], traced)
        'update_cache raises CacheWriteError, at line 221.'
    """
    if step.kind == "call":
        said = f"{step.function} is called, at line {step.line}."
    elif step.kind == "back":
        said = f"Back in {step.function}, at line {step.line}."
    elif step.kind in ("return", "raise"):
        said = f"{step.function} {step.kind}s {step.result}, at line {step.line}."
    else:
        said = f"Line {step.line} ran ({step.source.strip()})."
    parts = [said]
    parts += [f"{name} = {value}." for name, value in shown_changes(step)]
    parts += [f"Event {n + 1}: {traced.timeline[n].text()}." for n in step.events]
    if step.raised_here and step.kind != "raise":
        parts.append(f"{step.raised_here} was raised here.")
    return " ".join(parts)


def _sources(traced: Trace) -> dict[str, list[tuple[int, str]]]:
    """The source of each traced function, by name, its docstring folded to one line."""
    lines = linecache.getlines(traced.path)
    functions = [
        node
        for node in ast.walk(ast.parse("".join(lines)))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    sources: dict[str, list[tuple[int, str]]] = {}
    for step in traced.steps:
        node = next(
            (
                node
                for node in functions
                if node.name == step.function and _starts(node) <= step.line <= _ends(node)
            ),
            None,
        )
        if step.function in sources or node is None:
            continue  # shown already, or not a `def` (a lambda, a generator expression)
        docstring = _docstring_lines(node)
        shown: list[tuple[int, str]] = []
        for number in range(_starts(node), _ends(node) + 1):
            if number == docstring.start and len(docstring) > 1:
                indent = lines[number - 1][: -len(lines[number - 1].lstrip())]
                last = docstring.stop - 1
                shown.append((number, f'{indent}"""(docstring: lines {number}-{last})"""'))
            elif number not in docstring or len(docstring) == 1:
                shown.append((number, lines[number - 1].rstrip()))
        sources[step.function] = shown
    return sources


def _starts(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """The first line of a function: its first decorator's, else its `def`'s."""
    return min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])


def _ends(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    return node.end_lineno or node.lineno


def _docstring_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> range:
    """The lines of a function's docstring; empty if it has none."""
    first = node.body[0]
    if ast.get_docstring(node) is None:
        return range(0)
    return range(first.lineno, (first.end_lineno or first.lineno) + 1)
