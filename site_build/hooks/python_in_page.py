"""mkdocs hook: the in-browser Python's script, on the pages that run Python, and no others.

A page runs Python when it holds a `llmcr-run` or `llmcr-exercise` block (see
docs/assets/js/python-in-page.js). Only those pages get the script and its styles,
so the runtime (about 18 MB the first time) is never fetched for any other page.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

RUNS_PYTHON = re.compile(r'class="llmcr-(run|exercise)"')
SCRIPT = "assets/js/python-in-page.js"
STYLES = "assets/js/python-in-page.css"


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Add the loader to a page that holds a block running Python."""
    if not RUNS_PYTHON.search(output):
        return output
    script, styles = (get_relative_url(path, page.url) for path in (SCRIPT, STYLES))
    tags = (
        f'<link rel="stylesheet" href="{styles}">\n<script type="module" src="{script}"></script>\n'
    )
    return output.replace("</head>", tags + "</head>", 1)
