"""The stepper's data (`trace.page`) and the page's call for it (`in_browser.step_through`)."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

import llm_cache_reference
from llm_cache_reference import cache_helpers
from llm_cache_reference.cases import CASES_BY_NAME
from llm_cache_reference.checker import in_browser
from llm_cache_reference.checker.candidate import load_candidate
from llm_cache_reference.trace.page import PageEvent, stepper

REFERENCE = cache_helpers.update_cache.__code__.co_filename
INPUTS = Path(__file__).resolve().parents[1] / "checker_inputs"
TRUTHINESS = (INPUTS / "broken_truthiness.py").read_text()


def test_the_reference_on_a_case_is_every_step_with_its_words_and_state() -> None:
    case = CASES_BY_NAME["write-fails-halfway[update_cache]"]
    shown = stepper(case, llm_cache_reference, REFERENCE)
    assert (shown.case, shown.title) == (case.name, case.title)
    assert shown.path.endswith("cache_helpers.py")
    assert shown.first_difference is None
    assert shown.difference_step is None
    assert shown.stopped is None
    assert shown.timeline == shown.expected
    assert [event.kind for event in shown.timeline] == ["write", "call", "write", "call", "end"]
    assert shown.timeline[1] == PageEvent("cache.update('a', 'llm-string', new[0])", "call")
    assert shown.steps[0].words.startswith("update_cache is called, at line ")
    assert shown.steps[0].words.endswith("prompts = ['a', 'b', 'c'].")
    written = next(step for step in shown.steps if step.events == [0])
    assert written.words.endswith("Event 1: existing_prompts[0] = new[0].")
    assert written.changed == []  # shown as its event, not as a change of the dict
    assert written.existing_prompts == "{1: hit[1], 0: new[0]}"
    assert written.cached == ["cache: {}"]
    assert written.events_so_far == 1
    assert ("i", "0") in written.locals
    assert shown.steps[-1].words == "update_cache raises CacheWriteError, at line 221."
    json.dumps(dataclasses.asdict(shown))  # what the page gets is plain data


def test_each_traced_function_is_shown_whole_its_long_docstring_folded() -> None:
    shown = stepper(CASES_BY_NAME["hits-and-misses[update_cache]"], llm_cache_reference, REFERENCE)
    assert list(shown.source) == ["update_cache", "resolve_cache"]
    update = dict(shown.source["update_cache"])
    first = min(update)
    assert update[first] == "def update_cache("
    [(folded, text)] = [(n, t) for n, t in update.items() if "docstring" in t]
    assert text.startswith('    """(docstring: lines ')
    assert (
        text == f'    """(docstring: lines {folded}-{min(n for n in update if n > folded) - 1})"""'
    )
    assert update[max(update)] == "    return new_results.llm_output"


def test_a_learners_trace_points_at_the_step_of_the_first_difference() -> None:
    module = load_candidate(str(INPUTS / "broken_truthiness.py"))
    case = CASES_BY_NAME["falsy-cache-still-written[update_cache]"]
    shown = stepper(case, module, str(INPUTS / "broken_truthiness.py"))
    assert shown.first_difference == 1
    assert shown.difference_step is not None
    step = shown.steps[shown.difference_step]
    assert (step.line, step.events) == (27, [1])
    assert list(shown.source) == ["update_cache"]  # resolve_cache is the reference's


def test_lambdas_and_one_line_docstrings_and_decorators(tmp_path: Path) -> None:
    path = tmp_path / "learner.py"
    path.write_text(
        textwrap.dedent(
            '''
            import functools

            import llm_cache_reference


            def noted(function):
                @functools.wraps(function)
                def wrapper(*args):
                    """One line."""
                    return function(*args)

                return wrapper


            @noted
            def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs,
                             new_results, prompts):
                first = (lambda values: values[0])(missing_prompt_idxs)
                return llm_cache_reference.update_cache(
                    cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts
                )
            '''
        )
    )
    module = load_candidate(str(path))
    case = CASES_BY_NAME["hits-and-misses[update_cache]"]
    shown = stepper(case, module, str(path))
    assert list(shown.source) == ["wrapper", "update_cache"]
    assert shown.source["wrapper"][:3] == [
        (8, "    @functools.wraps(function)"),
        (9, "    def wrapper(*args):"),
        (10, '        """One line."""'),
    ]
    assert shown.source["update_cache"][0] == (16, "@noted")
    assert "<lambda>" in {step.function for step in shown.steps}
    assert shown.first_difference is None


def test_step_through_traces_the_reference_or_the_learners_source(tmp_path: Path) -> None:
    reference = in_browser.step_through("write-fails-halfway[update_cache]")
    assert reference.problem is None
    assert reference.stepper is not None
    assert reference.stepper.first_difference is None
    path = str(tmp_path / "mine.py")
    learner = in_browser.step_through("falsy-cache-still-written", TRUTHINESS, path=path)
    assert learner.stepper is not None
    assert learner.stepper.first_difference == 1
    assert learner.stepper.case == "falsy-cache-still-written[update_cache]"
    assert Path(path).read_text() == TRUTHINESS


def test_step_through_says_why_it_cannot(tmp_path: Path) -> None:
    path = str(tmp_path / "mine.py")
    assert in_browser.step_through("zzz").problem == (
        "There is no case named zzz. The cases are listed on the site's behaviour matrix "
        "page, and in `llm_cache_reference.cases`."
    )
    broken = in_browser.step_through("hits-and-misses", "def update_cache(:\n", path=path)
    assert broken.stepper is None
    assert broken.problem is not None
    assert "is not valid Python" in broken.problem
    wrong = in_browser.step_through("hits-and-misses", "update_cache = 1\n", path=path)
    assert wrong.problem == "update_cache is a int, not a function. Define it with `def " + (
        "update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, "
        "prompts):`."
    )


def test_step_through_stops_a_loop_and_an_await_that_never_ends(tmp_path: Path) -> None:
    path = str(tmp_path / "mine.py")
    loops = """
def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts):
    while True:
        pass
"""
    stepped = in_browser.step_through("hits-and-misses[update_cache]", loops, path=path)
    assert stepped.stepper is not None
    assert stepped.stepper.stopped == "it ran more than 2000 lines, so it was stopped"
    awaits = """
import asyncio


async def aupdate_cache(
    cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts
):
    await asyncio.Event().wait()
"""
    stuck = in_browser.step_through("hits-and-misses", awaits, path=path, time_limit=0.2)
    assert stuck.stepper is not None
    assert stuck.stepper.stopped == "it ran out of time, so it was stopped"
    assert stuck.stepper.steps[-1].line == 8  # the await, where it was stopped
    assert stuck.stepper.first_difference == 0


def test_check_names_the_cases_to_step_through(tmp_path: Path) -> None:
    checked = in_browser.check(TRUTHINESS, step=1, path=str(tmp_path / "mine.py"))
    assert checked.failing == ("falsy-cache-still-written[update_cache]",)
    assert (checked.failed, checked.errors) == (1, 0)
    hangs = (
        "def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs,\n"
        "                 new_results, prompts):\n"
        "    while True:\n"
        "        pass\n"
    )
    stopped = in_browser.check(hangs, step=1, path=str(tmp_path / "hangs.py"), time_limit=0.2)
    assert stopped.errors > 0
    assert len(stopped.failing) == stopped.failed + stopped.errors


def test_the_tutorials_walk_through_the_halfway_failure_is_what_the_stepper_shows() -> None:
    """docs/tutorials/05-when-things-go-wrong.md names these steps, lines and events."""
    shown = stepper(
        CASES_BY_NAME["write-fails-halfway[update_cache]"], llm_cache_reference, REFERENCE
    )
    said = {number: shown.steps[number - 1] for number in (9, 12, 14, 17, 18)}
    assert [(step.line, step.events) for step in said.values()] == [
        (217, [0]),
        (221, [1]),
        (217, [2]),
        (221, [3]),
        (221, []),
    ]
    assert said[14].existing_prompts == "{1: hit[1], 0: new[0], 2: new[1]}"
    assert said[14].cached == ["cache: {'a': new[0]}"]
    assert said[17].words.endswith("CacheWriteError was raised here.")
    assert (said[18].kind, len(shown.steps)) == ("raise", 18)
    assert said[18].existing_prompts == said[14].existing_prompts
    page = (
        Path(__file__).resolve().parents[2] / "docs/tutorials/05-when-things-go-wrong.md"
    ).read_text()
    for number, step in said.items():
        assert f"Step {number}:" in page
        assert step.kind == "raise" or f"line {step.line}" in page
