"""mkdocs hooks: what the site serves besides its pages.

- `tutorials/downloads/`: every tutorial script as it is, the notebook generated
  from it (site_build/notebooks.py), and `_walkthrough.py`, which scripts 02 to
  05 import; each tutorial page gets a line under its heading linking its two.
- `workshop/slides/workshop.html`: the deck `make slides` built into
  build/slides/, with the license file it points at. Where it was not built,
  the same address holds a page saying how to build it.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # mkdocs puts only this file's own folder on sys.path
    sys.path.insert(0, str(ROOT))

from site_build.notebooks import TUTORIALS, notebook_text, tutorial_scripts  # noqa: E402

DOWNLOADS = "tutorials/downloads"
BUILT_SLIDES = ROOT / "build" / "slides"
SLIDES = "workshop/slides"
DECK = "workshop.html"
TUTORIAL_PAGE = re.compile(r"tutorials/(?P<number>\d\d)-[\w-]+\.md")
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Slides not built</title></head>
<body><h1>The workshop slides are not built in this copy of the site</h1>
<p>Build them with <code>make slides</code> (it needs Node.js and npm), then serve or
build the site again with <code>make docs</code> or <code>make site</code>.</p></body></html>
"""


def downloads() -> dict[str, bytes]:
    """The tutorial scripts, their notebooks and the helper they import, by site path."""
    served = {
        f"{DOWNLOADS}/{script.stem}.ipynb": notebook_text(script).encode()
        for script in tutorial_scripts()
    }
    for script in [*tutorial_scripts(), TUTORIALS / "_walkthrough.py"]:
        served[f"{DOWNLOADS}/{script.name}"] = script.read_bytes()
    return served


def slides() -> dict[str, bytes]:
    """The built deck and its license file, or the page that says how to build it."""
    if not (BUILT_SLIDES / DECK).is_file():
        return {f"{SLIDES}/{DECK}": NOT_BUILT.encode()}
    return {
        f"{SLIDES}/{path.name}": path.read_bytes()
        for path in sorted(BUILT_SLIDES.iterdir())
        if path.suffix in {".html", ".txt"}
    }


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the downloads and the slides to the site's files."""
    for src_uri, content in {**downloads(), **slides()}.items():
        files.append(File.generated(config, src_uri, content=content))
    return files


def download_line(page_src: str) -> str | None:
    """The download line for a tutorial page, or None for any other page."""
    found = TUTORIAL_PAGE.fullmatch(page_src)
    if found is None:
        return None
    (script,) = [s for s in tutorial_scripts() if s.name.startswith(f"{found['number']}_")]
    links = " · ".join(
        f'[`{name}`](downloads/{name}){{download="{html.escape(name)}"}}'
        for name in (script.name, f"{script.stem}.ipynb")
    )
    return (
        f"Download: {links} (script and notebook; run either from the project's"
        " `tutorials/` folder, with the project's environment)"
    )


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put the download line under a tutorial page's heading."""
    line = download_line(page.file.src_uri)
    if line is None:
        return markdown
    heading, _, rest = markdown.partition("\n")
    return f"{heading}\n\n{line}\n{rest}"
