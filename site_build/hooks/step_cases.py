"""mkdocs hook: `<!-- the cases of step N -->` on a page becomes the table of that step's cases.

Made from the case table itself (`llm_cache_reference.cases`) each time the site is built,
so an exercise page lists every case of its step, a case added to the table included, with
nothing to edit by hand: each case's name and its title, the situation it sets up.
"""

from __future__ import annotations

import re
from typing import Any

from llm_cache_reference.cases import CASES
from llm_cache_reference.matrix import plain

_MARKER = re.compile(r"^<!-- the cases of step (\d) -->$", re.MULTILINE)


def cases_table(step: int) -> str:
    """The Markdown table of a step's cases, in the case table's order."""
    rows = [f"| `{case.name}` | {plain(case.title)} |" for case in CASES if case.step == step]
    return "\n".join(["| case | the situation it sets up |", "| --- | --- |", *rows])


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Put each step's table where its marker stands."""
    return _MARKER.sub(lambda found: cases_table(int(found[1])), markdown)
