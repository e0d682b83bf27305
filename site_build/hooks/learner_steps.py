"""mkdocs hook: a step of the learner's file, included by its name, as the file marks it.

`--8<-- "tutorials/exercises/my_cache_helpers.py:step2"` includes step 2 of the workshop's
file: from its `# STEP 2` comment to the last line of code before the next step. The file
itself says where each step begins, in words a learner reads, and carries no include
markers; this hook turns each such include into the line range pymdownx.snippets takes
(`path:first:last`) before the page's Markdown is read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

LEARNER_FILE = "tutorials/exercises/my_cache_helpers.py"
_ROOT = Path(__file__).resolve().parents[2]
_STEP = re.compile(r"^# STEP (\d+)\b")
_INCLUDE = re.compile(rf'--8<-- "{re.escape(LEARNER_FILE)}:step(\d+)"')


def step_lines(text: str) -> dict[int, tuple[int, int]]:
    """Each step's first and last line (1-based, inclusive), trailing blank lines left out."""
    lines = text.splitlines()
    starts = [
        (int(found[1]), index) for index, line in enumerate(lines) if (found := _STEP.match(line))
    ]
    ends = [index for _, index in starts[1:]] + [len(lines)]
    spans = {}
    for (step, start), end in zip(starts, ends, strict=True):
        last = end
        while last > start and not lines[last - 1].strip():
            last -= 1
        spans[step] = (start + 1, last)
    return spans


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Turn each include of a step of the learner's file into its line range."""
    spans = step_lines((_ROOT / LEARNER_FILE).read_text())

    def line_range(found: re.Match[str]) -> str:
        first, last = spans[int(found[1])]
        return f'--8<-- "{LEARNER_FILE}:{first}:{last}"'

    return _INCLUDE.sub(line_range, markdown)
