"""The trace as text, and `python -m llm_cache_reference trace CASE [FILE]`."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference import harness
from llm_cache_reference.cases import CASES, CASES_BY_NAME
from llm_cache_reference.checker.cli import main
from llm_cache_reference.trace import command, text
from llm_cache_reference.trace.steps import trace

INPUTS = Path(__file__).resolve().parents[1] / "checker_inputs"
ROOT = Path(__file__).resolve().parents[2]
BROKEN = {
    "broken_truthiness.py": "falsy-cache-still-written",
    "broken_forgets_existing_prompts.py": "hits-and-misses",
    "broken_missing_await.py": "hits-and-misses",
    "broken_commented_out_import.py": "none-without-global",
    "broken_equals_true.py": "unsupported-1",
}


@pytest.fixture(autouse=True)
def _from_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the text names files from here, as the recorded runs do


def _learner(tmp_path: Path, source: str) -> str:
    path = tmp_path / "learner.py"
    path.write_text(textwrap.dedent(source))
    return str(path)


@pytest.mark.parametrize("width", [40, 52, 80, 120])
@pytest.mark.parametrize("name", sorted(BROKEN))
def test_no_line_of_a_learners_trace_is_wider_than_the_terminal(name: str, width: int) -> None:
    traced = command.run(BROKEN[name], str(INPUTS / name), width)
    assert traced.exit_status == 1
    assert max(map(len, traced.text.splitlines())) <= width


@pytest.mark.parametrize("width", [40, 80])
def test_no_line_of_the_references_traces_is_wider_than_the_terminal(width: int) -> None:
    for case in CASES:
        traced = command.run(case.name, None, width)
        assert traced.exit_status == 0, case.name
        assert max(map(len, traced.text.splitlines())) <= width, case.name


def test_a_too_narrow_terminal_is_taken_as_forty_columns() -> None:
    traced = command.run("hits-and-misses[update_cache]", None, 10)
    assert max(map(len, traced.text.splitlines())) <= 40


def test_the_reference_agrees_and_says_how_many_events() -> None:
    traced = command.run("no-generations[update_cache]", None)
    assert traced.text.startswith(
        "Tracing the reference's update_cache, from\n"
        "  reference/llm_cache_reference/cache_helpers.py, on the case\n"
    )
    assert " #1 both            returns llm_output" in traced.text
    assert traced.text.endswith("The timelines agree, event by event (1 event).")
    many = command.run("hits-and-misses[update_cache]", None)
    assert many.text.endswith("The timelines agree, event by event (5 events).")


def test_the_truthiness_mistake_is_named_at_the_event_and_the_lines_before_it() -> None:
    traced = command.run(BROKEN["broken_truthiness.py"], str(INPUTS / "broken_truthiness.py"))
    assert "#2 existing_prompts[2] = new[1]   <- first difference" in traced.text
    assert traced.text.endswith(
        "First difference: event #2. langchain-core's: cache.update('a', 'llm-string',\n"
        "  new[0]). Yours: existing_prompts[2] = new[1].\n"
        "It was made by line 27 of tests/checker_inputs/broken_truthiness.py:\n"
        "    existing_prompts[missing_prompt_idxs[i]] = result\n"
        "Between event #1 (line 27) and this one it ran lines 28, 29 and 26: it went\n"
        "  another way there."
    )


def test_an_exception_is_laid_at_the_line_that_raised_it() -> None:
    name = "broken_commented_out_import.py"
    traced = command.run(BROKEN[name], str(INPUTS / name))
    assert "It was made by line 42 of" in traced.text
    assert "    return get_llm_cache()  # type: ignore[name-defined,no-any-return]  # noq...\n" in (
        traced.text
    )
    assert "Between the start and this one it ran lines 27, 38 and 41" in traced.text


def test_a_stopped_helper_is_said_to_be_stopped(tmp_path: Path) -> None:
    path = _learner(
        tmp_path,
        """
        def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs,
                         new_results, prompts):
            while True:
                waiting = True
        """,
    )
    traced = command.run("hits-and-misses[update_cache]", path)
    assert traced.exit_status == 1
    assert "(lines 4, 5 ran " in traced.text  # folded: the loop ran a thousand times
    assert "(stopped here: it ran more than 2000 lines, so it was stopped)" in traced.text
    assert "Yours: nothing: it had been stopped." in traced.text
    assert "It came after line 5 of" in traced.text


def test_what_the_helper_printed_is_shown_after_the_trace(tmp_path: Path) -> None:
    path = _learner(
        tmp_path,
        """
        import llm_cache_reference

        print("imported")


        def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs,
                         new_results, prompts):
            for n in range(7):
                print("line", n)
            return llm_cache_reference.update_cache(
                cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts
            )
        """,
    )
    traced = command.run("hits-and-misses", path)
    assert traced.exit_status == 0
    assert "imported" not in traced.text
    assert traced.text.endswith(
        "While it was traced, your helper printed:\n"
        "> line 0\n> line 1\n> line 2\n> line 3\n> line 4\n(2 more lines not shown)"
    )
    assert "(lines 9, 10 ran 4 more times)" in traced.text


def test_a_return_that_differs_is_laid_at_the_return(tmp_path: Path) -> None:
    path = _learner(
        tmp_path,
        """
        import llm_cache_reference


        def update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs,
                         new_results, prompts):
            print("once")
            llm_cache_reference.update_cache(
                cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts
            )
        """,
    )
    traced = command.run("hits-and-misses", path)
    assert traced.exit_status == 1
    assert "First difference: event #5. langchain-core's: returns llm_output. Yours:" in (
        traced.text
    )
    assert "It was made by line 8 of" in traced.text  # its implicit return, at its last line
    assert traced.text.endswith("While it was traced, your helper printed:\n> once")


def test_a_difference_with_no_line_of_the_file_to_blame_names_none(tmp_path: Path) -> None:
    path = _learner(
        tmp_path,
        "from tests.reference.test_cases import _cache_first_update_cache as update_cache\n",
    )
    traced = command.run("hits-and-misses", path, width=200)
    assert "First difference: event #1." in traced.text
    assert "It was made" not in traced.text


def test_a_file_that_runs_no_line_of_its_own_says_so(tmp_path: Path) -> None:
    path = _learner(tmp_path, "from llm_cache_reference import update_cache\n")
    traced = command.run("hits-and-misses", path, width=200)
    assert f"  (no line of {path} ran)" in traced.text


def test_a_path_outside_the_current_folder_is_shown_whole(tmp_path: Path) -> None:
    assert text.shown_path("/elsewhere/x.py") == "/elsewhere/x.py"
    assert text.shown_path(str(ROOT / "tests" / "x.py")) == os.path.join("tests", "x.py")


def test_a_case_is_found_by_its_name_or_by_its_twins_name() -> None:
    assert (
        command.find_case("no-generations[aupdate_cache]").name == "no-generations[aupdate_cache]"
    )
    assert command.find_case("no-generations").name == "no-generations[update_cache]"
    assert (
        command.find_case("no-generations", ("aupdate_cache",)).name
        == "no-generations[aupdate_cache]"
    )
    with pytest.raises(
        command.TraceError, match=r"The case no-generations calls aupdate_cache or update_cache,"
    ):
        command.find_case("no-generations", ("get_prompts",))
    with pytest.raises(command.TraceError, match="Did you mean no-generations"):
        command.find_case("no-generation")
    with pytest.raises(command.TraceError, match=r"no case named zzz\. The cases are listed"):
        command.find_case("zzz")


def test_the_reference_and_langchain_core_texts_come_from_the_same_trace() -> None:
    case = CASES_BY_NAME["write-fails-halfway[update_cache]"]
    expected = harness.record(case.scenario, langchain_llms).timeline
    traced = trace(case.scenario, llm_cache_reference, "nowhere.py")
    shown = text.render(case, expected, traced, text.YOURS, 80)
    assert "(no line of nowhere.py ran)" in shown
    assert shown.endswith("The timelines agree, event by event (5 events).")


def test_the_command_line_traces_and_exits_0_1_or_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "write-fails-halfway[update_cache]"]) == 0
    out, err = capsys.readouterr()
    assert "The timelines agree, event by event (5 events)." in out
    assert err == ""
    assert main(["trace", "falsy-cache-still-written", str(INPUTS / "broken_truthiness.py")]) == 1
    assert "First difference: event #2." in capsys.readouterr().out
    assert main(["trace", "nope"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("There is no case named nope.")
    assert main(["trace", "hits-and-misses", str(INPUTS / "wrong_kinds.py")]) == 2
    assert capsys.readouterr().err.startswith("Cannot trace: update_cache is a generator")
    assert main(["trace", "hits-and-misses", "no/such/file.py"]) == 2
    assert "Cannot trace:" in capsys.readouterr().err


def test_lines_are_listed_in_words() -> None:
    assert text._listed((4,)) == "line 4"
    assert text._listed((4, 5)) == "lines 4 and 5"
    assert text._listed((4, 5, 3)) == "lines 4, 5 and 3"
