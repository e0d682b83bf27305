"""Steps from a watcher's notes (`llm_cache_reference.trace.building`)."""

from __future__ import annotations

from llm_cache_reference.trace import building


def _note(kind: building.NoteKind, line: int, arg: str | None = None) -> building.Note:
    return building.Note(kind, 0, "f", line, (), 0, None, (), arg)


def test_a_line_cleaned_up_after_it_raised_is_not_run_again() -> None:
    # What Python 3.12+ reports for an exception thrown into a coroutine at its await:
    # one more `line` event for the await's line, then the frame's end.
    notes = [
        _note("call", 1),
        _note("line", 2),
        _note("exception", 2, "RuntimeError"),
        _note("line", 2),
        _note("return", 2, "None"),
    ]
    built = building.steps(notes, "nowhere.py")
    assert [(step.kind, step.line, step.result) for step in built] == [
        ("call", 1, None),
        ("line", 2, None),
        ("raise", 2, "RuntimeError"),
    ]
    assert built[1].raised_here == "RuntimeError"
    # A handler on another line is the exception caught: the frame then returns.
    caught = [*notes[:3], _note("line", 3), _note("return", 3, "None")]
    assert [step.kind for step in building.steps(caught, "nowhere.py")][-1] == "return"


def test_no_notes_make_no_steps() -> None:
    assert building.steps([], "x.py") == ()
