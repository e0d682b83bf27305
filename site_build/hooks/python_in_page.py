"""mkdocs hook: the in-browser Python's script, on the pages that run Python, and no others.

A page runs Python when it holds a `llmcr-run`, `llmcr-exercise` or `llmcr-stepper`
block (see docs/assets/js/python-in-page.js and stepper.js). Only those pages get the
scripts and their styles, so the runtime (about 18 MB the first time) is never fetched
for any other page, and then only once the reader asks for it.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

# An element, not its markup shown as code (where "<" is escaped): an API page shows some.
RUNS_PYTHON = re.compile(r'<div class="llmcr-(run|exercise|stepper)"')
SCRIPTS = ("assets/js/python-in-page.js", "assets/js/stepper.js")
STYLES = ("assets/js/python-in-page.css", "assets/js/stepper.css")


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Add the loader to a page that holds a block running Python."""
    if not RUNS_PYTHON.search(output):
        return output
    tags = [f'<link rel="stylesheet" href="{get_relative_url(s, page.url)}">' for s in STYLES]
    tags += [
        f'<script type="module" src="{get_relative_url(s, page.url)}"></script>' for s in SCRIPTS
    ]
    return output.replace("</head>", "\n".join(tags) + "\n</head>", 1)
