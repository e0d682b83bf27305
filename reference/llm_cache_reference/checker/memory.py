"""Which cases a learner has seen fail, so that the next check can say why they matter.

The command line keeps, for each learner's file (by its full path), the names of
the cases it has shown failing, in one small JSON file: the path in
`$LLM_CACHE_REFERENCE_STATE` if that is set, else
`~/.local/state/llm-cache-reference/seen.json`. The page keeps the same names in
the browser's storage. A state file that cannot be read or written counts as
empty: the report asks its question again, and nothing else changes.

Examples:
    >>> import tempfile
    >>> state = Path(tempfile.mkdtemp()) / "seen.json"
    >>> seen("my_cache_helpers.py", state)
    frozenset()
    >>> remember("my_cache_helpers.py", {"no-generations[update_cache]"}, state)
    >>> sorted(seen("my_cache_helpers.py", state))
    ['no-generations[update_cache]']
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from llm_cache_reference.checker.judge import Report

__all__ = ["ENVIRONMENT", "failed", "remember", "seen", "state_file"]

ENVIRONMENT = "LLM_CACHE_REFERENCE_STATE"
"""The environment variable that moves the state file (the tests give each test its own)."""


def state_file() -> Path:
    """Where the command line keeps the cases each file has shown failing."""
    given = os.environ.get(ENVIRONMENT)
    if given:
        return Path(given)
    return Path.home() / ".local" / "state" / "llm-cache-reference" / "seen.json"


def _all(file: Path) -> dict[str, object]:
    try:
        data = json.loads(file.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def seen(path: str, state: Path | None = None) -> frozenset[str]:
    """The names of the cases the file at `path` has shown failing in an earlier check.

    Args:
        path: The learner's file.
        state: The state file; `state_file()` when `None`.
    """
    return _names(_all(state or state_file()), path)


def remember(path: str, names: Iterable[str], state: Path | None = None) -> None:
    """Add cases the file at `path` has now shown failing; quietly keep nothing if it cannot."""
    file = state or state_file()
    data = _all(file)
    data[_key(path)] = sorted(_names(data, path) | set(names))
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(data, indent=1) + "\n")
    except OSError:
        return


def _key(path: str) -> str:
    return str(Path(path).resolve())


def _names(data: dict[str, object], path: str) -> frozenset[str]:
    """A file's names in the state, leaving out whatever is not a name."""
    names = data.get(_key(path))
    if not isinstance(names, list):
        return frozenset()
    return frozenset(name for name in names if isinstance(name, str))


def failed(report: Report) -> frozenset[str]:
    """The cases a report shows failing: a row that ran and differs, with its difference."""
    return frozenset(row.case.name for row in report.rows if row.status == "FAIL")
