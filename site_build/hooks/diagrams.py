"""mkdocs hook: each ```mermaid fence drawn at build time into an SVG inside the page.

No page loads a diagram library: the drawing is done once, by the pinned mermaid from npm
(node_modules/mermaid, package.json) in headless Chromium, and the SVG is kept in
site_build/diagrams/ under the hash of what drew it (the fence, mermaid's version, the
settings below). That folder is committed, so a build where no fence changed needs neither
Chromium nor mermaid; a build that meets a new fence draws it, and `--strict` fails with a
message saying what to install where it cannot.

On a phone a wide diagram keeps its text legible (LEGIBLE_PX at the smallest) and scrolls
sideways in its frame, rather than shrinking to fit.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
DRAWN = ROOT / "site_build" / "diagrams"
MERMAID = ROOT / "node_modules" / "mermaid"
FENCE = re.compile(r"^```mermaid\n(?P<source>.*?)^```$", re.MULTILINE | re.DOTALL)
LEGIBLE_PX = 12
ACCESSIBLE_TITLE = re.compile(r"^\s*accTitle:(?P<title>.*)$", re.MULTILINE)
# Labels as SVG text, not HTML in foreignObject: the text then scales with the drawing and
# needs no fonts or styles from the page.
SETTINGS: dict[str, Any] = {
    "startOnLoad": False,
    "securityLevel": "strict",
    "theme": "default",
    "deterministicIds": True,
    "htmlLabels": False,
    "flowchart": {"htmlLabels": False},
}
DRAW = """async ([source, id, settings]) => {
    mermaid.initialize({...settings, deterministicIDSeed: id});
    const {svg} = await mermaid.render(id, source);
    const holder = document.createElement('div');
    holder.innerHTML = svg;
    document.body.append(holder);
    const drawing = holder.querySelector('svg');
    const sizes = [...drawing.querySelectorAll('text, tspan')]
        .filter(label => label.textContent.trim())
        .map(label => parseFloat(getComputedStyle(label).fontSize));
    const width = drawing.viewBox.baseVal.width;
    holder.remove();
    return {svg, width, smallest: Math.min(...sizes)};
}"""


def _mermaid_version() -> str:
    package = MERMAID / "package.json"
    if not package.is_file():
        return "absent"
    version: str = json.loads(package.read_text())["version"]
    return version


def _key(source: str, version: str) -> str:
    settings = json.dumps(SETTINGS, sort_keys=True)
    return hashlib.sha256(f"{version}\n{settings}\n{source}".encode()).hexdigest()[:16]


class _Drawer:
    """Draws fences with mermaid in one headless Chromium, started at the first new fence."""

    def __init__(self) -> None:
        self.stop: Any = None
        self.page: Any = None

    def draw(self, source: str, key: str) -> dict[str, Any]:
        if self.page is None:
            self._start()
        drawn: dict[str, Any] = self.page.evaluate(DRAW, [source, f"diagram-{key}", SETTINGS])
        return drawn

    def _start(self) -> None:
        chromium = shutil.which("chromium")
        script = MERMAID / "dist" / "mermaid.min.js"
        if chromium is None or not script.is_file():
            raise PluginError(
                "A ```mermaid fence is new or changed, and drawing it needs Chromium and "
                "mermaid (from npm): apt-get install -y chromium, then make setup "
                "(it runs npm ci). The drawings already made are in site_build/diagrams/."
            )
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        self.page = browser.new_page()
        self.page.set_content("<!doctype html><html><body></body></html>")
        self.page.add_script_tag(path=script)
        self.stop = playwright.stop

    def close(self) -> None:
        if self.stop is not None:
            self.stop()
        self.stop = self.page = None


_drawer = _Drawer()
_used: set[str] = set()


def _title(source: str) -> str:
    """The fence's `accTitle:` line: the drawing's name for a screen reader, and its frame's."""
    title = ACCESSIBLE_TITLE.search(source)
    if title is None:
        raise PluginError(f"A ```mermaid fence has no accTitle: line:\n{source}")
    return title["title"].strip()


def _figure(source: str) -> str:
    key = _key(source, _mermaid_version())
    _used.add(key)
    svg_file, facts_file = DRAWN / f"{key}.svg", DRAWN / f"{key}.json"
    if not svg_file.is_file():
        drawn = _drawer.draw(source, key)
        DRAWN.mkdir(exist_ok=True)
        svg_file.write_text(drawn["svg"])
        facts_file.write_text(json.dumps({"width": drawn["width"], "smallest": drawn["smallest"]}))
    facts = json.loads(facts_file.read_text())
    # Narrower than this, the smallest text would be under LEGIBLE_PX: the frame scrolls.
    legible_width = math.ceil(facts["width"] * LEGIBLE_PX / facts["smallest"])
    # Blank lines would end Markdown's raw HTML block.
    svg = "\n".join(line for line in svg_file.read_text().splitlines() if line.strip())
    label = html.escape(_title(source))
    return (
        f'<figure class="diagram" style="--legible-width: {legible_width}px">\n'
        f'<div class="diagram__frame" tabindex="0" role="group" aria-label="{label}">\n'
        f"{svg}\n</div>\n</figure>"
    )


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put each ```mermaid fence's drawing in its place."""
    return FENCE.sub(lambda fence: _figure(fence["source"]), markdown)


def on_post_build(config: MkDocsConfig) -> None:
    """Close the browser; drop the drawings no fence uses any more."""
    _drawer.close()
    for stale in DRAWN.glob("*"):
        if stale.stem not in _used:
            stale.unlink()
    _used.clear()
