"""The built site in a real browser: every page loads offline, links resolve, search works.

The site in build/site is served on 127.0.0.1 and visited once, page by page, in Debian's
Chromium driven by Playwright; the tests then check what the visit recorded. The site is built
first unless `make docs-build` has just built it (build/site.ok is newer than every source).
Screenshots go to build/screenshots/. Without Chromium the tests skip, except under CI.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from playwright.sync_api import (
    ConsoleMessage,
    Error,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "build" / "site"
BUILT_OK = ROOT / "build" / "site.ok"
# What the built site is made from: the pages, what they include, the hook and what it adds.
SOURCES = ["docs", "reference", "tests", "tutorials", "slides", "site_extras", "build/slides"]
SOURCES += ["mkdocs.yml", "pyproject.toml"]
SCREENSHOTS = ROOT / "build" / "screenshots"
# Flags for running Debian's Chromium as root, with no network and nothing phoning home.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Material draws each diagram in a closed shadow root; opening it lets the test read the drawing.
OPEN_SHADOW_ROOTS = """const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
    return attach.call(this, {...init, mode: "open"});
};"""
DIAGRAMS_DRAWN = """() => [...document.querySelectorAll('.mermaid')].every(
    diagram => diagram.shadowRoot && diagram.shadowRoot.querySelector('svg'))"""
DIAGRAM_TEXT = """() => [...document.querySelectorAll('.mermaid')].map(
    diagram => diagram.shadowRoot.querySelector('svg').textContent)"""


@dataclass
class Visit:
    """What one page did while it loaded, and what it holds."""

    heading: str = ""
    title: str = ""
    diagrams: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


@dataclass
class Tour:
    """The whole visit: each page by its path, and what search found."""

    origin: str
    visits: dict[str, Visit]
    search_results: list[str]


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = (
            "Chromium is not installed, so the site was not checked in a browser. "
            "Install Debian's: apt-get update && apt-get install -y chromium"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def _site_is_current() -> bool:
    if not BUILT_OK.exists():
        return False
    files = [path for name in SOURCES for path in [ROOT / name, *(ROOT / name).rglob("*")]]
    sources = [path for path in files if path.is_file() and "__pycache__" not in path.parts]
    newest_source = max(path.stat().st_mtime for path in sources)
    return BUILT_OK.stat().st_mtime > newest_source


def _build_site() -> None:
    """Build the site with the same command as `make docs-build`, unless it is current."""
    if _site_is_current():
        return
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(SITE)]
    built = subprocess.run(
        command, check=False, cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    BUILT_OK.touch()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    """Serve the freshly built site on 127.0.0.1, on a port the system picks."""
    _build_site()
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()
        thread.join()


def _page_paths() -> list[str]:
    folders = sorted(page.parent.relative_to(SITE) for page in SITE.rglob("index.html"))
    return ["/" if folder == Path() else f"/{folder}/" for folder in folders]


def _source(path: str) -> str:
    """The Markdown source of the page served at `path` (`x/` is `x.md` or `x/index.md`)."""
    page = ROOT / "docs" / path.strip("/")
    return (page / "index.md" if page.is_dir() else page.with_suffix(".md")).read_text()


def _source_heading(path: str) -> str:
    """The `# heading` a page's source starts with, as the browser shows it."""
    first_line = _source(path).splitlines()[0]
    assert first_line.startswith("# "), path
    return first_line.removeprefix("# ").replace("`", "")


@pytest.fixture(scope="module")
def tour(origin: str) -> Tour:
    """Visit every page once and record everything the tests check."""
    chromium = _chromium()
    visits: dict[str, Visit] = {}
    current = Visit()

    def outside(url: str) -> bool:
        return urlsplit(url).scheme in ("http", "https", "ws", "wss") and not url.startswith(
            origin + "/"
        )

    def refuse(route: Route) -> None:
        current.problems.append(f"request to another host: {route.request.url}")
        route.abort()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            current.problems.append(f"console error: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            current.problems.append(f"HTTP {response.status}: {response.url}")

    def on_page_error(error: Error) -> None:
        current.problems.append(f"page error: {error}")

    def on_failed(request: Request) -> None:
        if not outside(request.url):
            current.problems.append(f"request failed: {request.url} ({request.failure})")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route(outside, refuse)
        context.add_init_script(OPEN_SHADOW_ROOTS)
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.on("requestfailed", on_failed)
        page.on("response", on_response)
        for path in _page_paths():
            current = visits[path] = Visit()
            page.goto(origin + path, wait_until="load")
            try:
                page.wait_for_function(DIAGRAMS_DRAWN, timeout=10_000)
                current.diagrams = page.evaluate(DIAGRAM_TEXT)
            except PlaywrightTimeoutError:
                current.problems.append("a diagram was not drawn within 10 s")
            current.title = page.title()
            current.heading = page.locator("article h1").first.inner_text().strip(" ¶\n")
            current.links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            current.ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
            _screenshot(page, path)
        current = visits["/"]
        search_results = _search(page, origin, "aupdate_cache")
        browser.close()
    return Tour(origin, visits, search_results)


def _screenshot(page: Page, path: str) -> None:
    name = {
        "/": "home",
        "/reference/behaviour-matrix/": "behaviour-matrix",
        "/explanation/write-back-in-generate/": "sequence-diagram",
    }.get(path)
    if name == "behaviour-matrix":
        page.screenshot(path=SCREENSHOTS / "behaviour-matrix.png", animations="disabled")
        page.locator("#write-fails-halfway").evaluate("heading => heading.scrollIntoView()")
        name = "behaviour-matrix-case"
    elif name == "sequence-diagram":
        page.locator(".mermaid").first.evaluate("diagram => diagram.scrollIntoView()")
    if name:
        page.screenshot(path=SCREENSHOTS / f"{name}.png", animations="disabled")


def _search(page: Page, origin: str, query: str) -> list[str]:
    page.goto(origin + "/", wait_until="load")
    page.keyboard.press("/")
    page.keyboard.type(query)
    results = page.locator("li.md-search-result__item a")
    results.first.wait_for()
    return [str(link.get_attribute("href")) for link in results.all()]


def test_every_page_loads_offline_without_errors(tour: Tour) -> None:
    problems = {path: visit.problems for path, visit in tour.visits.items() if visit.problems}
    assert problems == {}
    assert len(tour.visits) >= 10


def test_every_page_shows_its_heading(tour: Tour) -> None:
    headings = {path: visit.heading for path, visit in tour.visits.items()}
    assert headings == {path: _source_heading(path) for path in tour.visits}
    assert all(visit.title.endswith("llm-cache-reference") for visit in tour.visits.values())


def test_every_internal_link_and_anchor_resolves(tour: Tour) -> None:
    broken = []
    for path, visit in tour.visits.items():
        for link in visit.links:
            if not link.startswith(tour.origin + "/"):
                continue
            target, anchor = urldefrag(link)
            target_path = urlsplit(target).path
            if target_path.endswith("/"):
                exists = target_path in tour.visits
                ids = tour.visits[target_path].ids if exists else set()
            else:
                exists = (SITE / target_path.lstrip("/")).is_file()
                ids = set()
            if not exists or (anchor and unquote(anchor) not in ids):
                broken.append(f"{path} -> {link}")
    assert broken == []


def test_every_diagram_is_drawn(tour: Tour) -> None:
    drawn = {path: len(visit.diagrams) for path, visit in tour.visits.items()}
    in_source = {path: _source(path).count("```mermaid\n") for path in tour.visits}
    assert drawn == in_source
    assert sum(drawn.values()) >= 3
    for path, visit in tour.visits.items():
        assert not any("Syntax error" in text for text in visit.diagrams), path


def test_search_for_aupdate_cache_lists_the_api_page(tour: Tour) -> None:
    paths = [urlsplit(result).path for result in tour.search_results]
    assert "/reference/api/" in paths, tour.search_results
    assert tour.visits["/"].problems == []


def test_screenshots_are_saved(tour: Tour) -> None:
    for name in ("home", "behaviour-matrix", "behaviour-matrix-case", "sequence-diagram"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name
