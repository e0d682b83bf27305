"""The checker remembers, per learner's file, which cases it has shown failing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from llm_cache_reference.checker import memory

NAMES = {"no-generations[update_cache]", "hits-and-misses[update_cache]"}


def test_the_state_file_is_the_one_the_environment_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(memory.ENVIRONMENT, str(tmp_path / "kept.json"))
    memory.remember("learner.py", NAMES)
    assert memory.seen("learner.py") == NAMES
    kept = json.loads((tmp_path / "kept.json").read_text())
    assert kept == {str(Path("learner.py").resolve()): sorted(NAMES)}


def test_without_the_environment_it_is_under_the_home_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(memory.ENVIRONMENT)
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".local" / "state" / "llm-cache-reference" / "seen.json"
    assert memory.state_file() == expected
    memory.remember("learner.py", NAMES)
    assert expected.is_file()


def test_names_add_up_and_files_are_kept_apart(tmp_path: Path) -> None:
    state = tmp_path / "seen.json"
    memory.remember("a.py", {"one"}, state)
    memory.remember("a.py", {"two"}, state)
    memory.remember("b.py", {"three"}, state)
    assert memory.seen("a.py", state) == {"one", "two"}
    assert memory.seen("b.py", state) == {"three"}
    # The same file by another path is the same file.
    assert memory.seen(os.path.join(".", "a.py"), state) == {"one", "two"}


@pytest.mark.parametrize(
    "content", ["not json", "[1, 2]", '{"%s": "a string"}', '{"%s": [1, "one"]}']
)
def test_a_state_file_it_cannot_read_counts_as_empty_or_keeps_only_names(
    tmp_path: Path, content: str
) -> None:
    state = tmp_path / "seen.json"
    state.write_text(content.replace("%s", str(Path("a.py").resolve())))
    expected = {"one"} if "one" in content else set()
    assert memory.seen("a.py", state) == expected
    memory.remember("a.py", {"two"}, state)
    assert memory.seen("a.py", state) == {"two", *expected}


def test_a_state_file_it_cannot_write_keeps_nothing_and_raises_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    state = blocked / "seen.json"
    memory.remember("a.py", {"one"}, state)
    assert memory.seen("a.py", state) == frozenset()
