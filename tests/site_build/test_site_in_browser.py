"""The built site in a real browser: every page loads offline, fits, is light, renders, is found.

The site in build/site is served on 127.0.0.1 by a threaded static server and visited once,
page by page, in Debian's Chromium driven by Playwright; the tests then check what the visit
recorded. Chromium resolves no host name but 127.0.0.1, so a request to any other host fails
inside the browser, and the test sees it as an event: no request is routed through Python, and
the browser's own loading runs at full speed. The HTTP cache is off, so each page's load is a
cold one and what it transfers is its full weight. The site is built first unless
`make docs-build` has just built it (build/site.ok is newer than every source). Screenshots go
to build/screenshots/. Without Chromium the tests skip, except under CI.
"""

from __future__ import annotations

import os
import platform
import re
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit
from xml.etree import ElementTree

import pytest
from playwright.sync_api import (
    ConsoleMessage,
    Error,
    Page,
    Request,
    Response,
    ViewportSize,
    sync_playwright,
)

from site_build.hooks.context import locked_version
from tests.chromium import FLAGS as CHROMIUM_FLAGS
from tests.chromium import executable as chromium_executable
from tests.served_site import serve
from tests.site_build.search_questions import HELD_OUT, HELD_OUT_NEEDED, QUESTIONS, TOP, Question

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
BUILT_OK = ROOT / "build" / "site.ok"
# What the built site is made from: the pages, what they include, the hooks and what they add.
SOURCES = ["docs", "reference", "experiment", "tests", "tools", "tutorials", "site_build", "slides"]
SOURCES += ["build/slides", "mkdocs.yml", "pyproject.toml", "uv.lock"]
SCREENSHOTS = ROOT / "build" / "screenshots"
ARCHIVE = "llm-cache-reference.zip"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
# What any page may transfer on a cold load besides the search index: the page, the theme's
# script and stylesheet, the search worker, the favicon. A page with diagrams is no heavier:
# they are SVG drawn at build time, in the page. The heaviest, the API references, weigh
# about 420 KB.
LIGHT_PAGE_BYTES = 500_000
# An exercise page also fetches the code editor (CodeMirror, bundled; about 120 KB
# compressed), once: the browser's cache serves it to the other exercises.
EDITOR = "/assets/editor/editor.js"
EDITOR_BYTES = 400_000
# The search index, which every page fetches once and the browser then keeps: one index for
# the whole site, growing with its text (code and output blocks included, so that a pasted
# message is found). About 290 KB with issue 22's pages.
SEARCH_INDEX = "/search/search_index.json"
SEARCH_INDEX_BYTES = 450_000
# The smallest diagram text, in CSS pixels as drawn, that reads on a phone.
LEGIBLE_PX = 12
# Each diagram's smallest text as drawn: its font size times the drawing's scale.
DIAGRAM_TEXT_PX = """() => [...document.querySelectorAll('figure.diagram svg')].map(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text, tspan')]
        .filter(label => label.textContent.trim())
        .map(label => parseFloat(getComputedStyle(label).fontSize) * scale);
    return Math.min(...sizes);
})"""
# The sitemap's XML namespace.
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Everything the tests read from a page, in one call. `overflowing`: the code and output
# blocks that scroll sideways (in any tab, and in closed <details> such as mkdocstrings'
# source), by the start of their first line. `misrendered`: mkdocstrings'
# rendering gone wrong, a Returns section cut into one row per line of its description
# (griffe's default reading of a Returns section), or a docstring section it did not
# recognise (`Example:`), which Markdown renders as a blockquote.
LOOK = """() => {
    // Lay out every block, those in a tab not chosen and in a closed <details> too.
    const showAll = document.createElement('style');
    showAll.textContent = '.tabbed-block { display: block !important; }';
    document.head.append(showAll);
    const closed = [...document.querySelectorAll('details:not([open])')];
    closed.forEach(details => { details.open = true; });
    const seen = {
    title: document.title,
    heading: document.querySelector('article h1').innerText,
    text: document.body.textContent,
    diagrams: [...document.querySelectorAll('figure.diagram svg')].map(svg => svg.textContent),
    canonical: document.querySelector('link[rel=canonical]')?.href,
    links: [...document.querySelectorAll('a[href]')].map(link => link.href),
    ids: [...document.querySelectorAll('[id]')].map(element => element.id),
    overflowing: [...document.querySelectorAll('article pre > code, article .highlight')]
        .filter(block => block.offsetParent !== null && block.scrollWidth > block.clientWidth)
        .map(block => block.textContent.trim().split('\\n')[0].slice(0, 60)),
    misrendered: [
        ...[...document.querySelectorAll('.doc .doc-section-title')]
            .filter(title => title.textContent.trim() === 'Returns:')
            .map(title => title.closest('p').nextElementSibling)
            .filter(items => items && items.querySelectorAll('tbody tr, :scope > li').length > 1)
            .map(items => 'Returns split into rows: ' + items.textContent.trim().slice(0, 60)),
        ...[...document.querySelectorAll('.doc blockquote')]
            .map(quote => 'docstring blockquote: ' + quote.textContent.trim().slice(0, 60)),
    ],
    };
    showAll.remove();
    closed.forEach(details => { details.open = false; });
    return seen;
}"""
# axe-core, pinned in package.json; the rules it files as serious or critical are the ones a
# page may not break (WCAG 2 A and AA among them).
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .filter(found => ['serious', 'critical'].includes(found.impact))
    .map(found => `${found.id}: ${found.nodes.map(node => node.target.join(' ')).join(', ')}`)"""
DECK = "/workshop/slides/workshop.html"
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; }"
# The controls a page's own content offers (links, buttons, the exercise editor, <details>),
# the search box and the colour toggle: each marked, to be looked for while tabbing (the
# theme's tabindex=-1 ones are not meant to be tab stops: arrows reach them). Of a
# group of radio buttons (the toggle, a set of tabs) one is a tab stop; arrows move in it.
MARK_CONTROLS = """() => {
    const shown = element => element.checkVisibility({visibilityProperty: true});
    const content = [...document.querySelectorAll(
        'article :is(a[href], button, textarea, input, select, summary)')]
        .filter(control => shown(control) && !control.disabled)
        .filter(control => control.tabIndex >= 0 && !control.closest('[aria-hidden=true]'));
    const toggle = document.querySelector('input.md-option');
    const controls = [document.querySelector('input.md-search__input'), ...content];
    if (toggle) controls.push(toggle);
    controls.forEach((control, index) => { control.dataset.keyboard = index; });
    return controls.map(control => control.dataset.keyboard);
}"""
FOCUSED = """() => {
    const focused = document.activeElement;
    const group = focused.type === 'radio' ? document.querySelectorAll(
        `input[type=radio][name="${focused.name}"]`) : [focused];
    return {tag: focused.tagName, editing: focused.isContentEditable,
            marks: [...group].map(radio => radio.dataset.keyboard)};
}"""
# Text that would give away the machine the site was built on.
MACHINE_TEXT = [
    re.compile(rf"\b{re.escape(socket.gethostname())}\b"),
    re.compile(re.escape(platform.release())),
    re.compile(re.escape(str(ROOT))),
    re.compile(r"(?<![\w.])/(work|root|home|tmp)/"),
    re.compile(r"Linux-\d+\.\d+"),
]
SCREENSHOT_PAGES = {
    "/": "home",
    "/reference/api/": "api",
    "/tutorials/02-update-cache-by-hand/": "tutorial-02",
    "/how-to/check-your-implementation/": "check-your-implementation",
    "/explanation/resolving-the-cache/": "resolution-flowchart",
}


@dataclass
class Visit:
    """What one page did while it loaded, and what it holds."""

    heading: str = ""
    title: str = ""
    text: str = ""
    diagrams: list[str] = field(default_factory=list)
    diagram_text_px: list[float] = field(default_factory=list)
    canonical: str | None = None
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    overflowing: list[str] = field(default_factory=list)
    misrendered: list[str] = field(default_factory=list)
    transferred: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)


@dataclass
class Tour:
    """The whole visit: each page by its path, and what each search found first."""

    origin: str
    visits: dict[str, Visit]
    searches: dict[str, list[str]]
    deck_accessibility: list[str]


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


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    """Serve the freshly built site on 127.0.0.1, on a port the system picks."""
    _build_site()
    with serve(SITE) as served:
        yield served.origin


def _page_paths() -> list[str]:
    folders = sorted(page.parent.relative_to(SITE) for page in SITE.rglob("index.html"))
    return ["/" if folder == Path() else f"/{folder}/" for folder in folders]


def _source(path: str) -> str:
    """The Markdown source of the page served at `path` (`x/` is `x.md` or `x/index.md`)."""
    page = ROOT / "docs" / path.strip("/")
    return (page / "index.md" if page.is_dir() else page.with_suffix(".md")).read_text()


def _source_heading(path: str) -> str:
    """The `# heading` a page's source starts with (after any front matter), as shown."""
    source = _source(path)
    if source.startswith("---\n"):
        source = source.split("\n---\n", 1)[1].lstrip("\n")
    first_line = source.splitlines()[0]
    assert first_line.startswith("# "), path
    return first_line.removeprefix("# ").replace("`", "")


class _Loads:
    """Follows every request of the page being visited, until each has come back."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.visit = Visit()
        self.pending: set[Request] = set()
        self.finished: list[Request] = []

    def start(self, visit: Visit) -> None:
        self.visit, self.finished = visit, []

    def follow(self, page: Page) -> None:
        """Record what every page loaded in `page` asks for, and what goes wrong."""
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)
        page.on("request", self.on_request)
        page.on("requestfinished", self.on_finished)
        page.on("requestfailed", self.on_failed)
        page.on("response", self.on_response)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.visit.problems.append(f"console error: {message.text}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.visit.problems.append(f"HTTP {response.status}: {response.url}")

    def on_page_error(self, error: Error) -> None:
        self.visit.problems.append(f"page error: {error}")

    def on_request(self, request: Request) -> None:
        self.pending.add(request)
        if not request.url.startswith((self.origin + "/", "data:", "blob:")):
            self.visit.problems.append(f"request to another host: {request.url}")

    def on_finished(self, request: Request) -> None:
        self.pending.discard(request)
        self.finished.append(request)

    def on_failed(self, request: Request) -> None:
        self.pending.discard(request)
        if request.url.startswith(self.origin + "/"):
            self.visit.problems.append(f"request failed: {request.url} ({request.failure})")

    def settle(self, page: Page) -> None:
        """Wait until the page has asked for its favicon and every request has come back.

        The browser asks for the favicon after the load event; leaving the page before it
        came back would abort it (net::ERR_ABORTED), a failure of the test, not of the site.
        """
        favicon = self.origin + "/assets/images/favicon.png"
        for _ in range(1000):
            if not self.pending and any(done.url == favicon for done in self.finished):
                return
            page.wait_for_timeout(10)
        self.visit.problems.append(
            f"still loading after 10 s: {sorted(r.url for r in self.pending)}"
        )

    def transferred(self) -> dict[str, int]:
        """Bytes each finished request transferred (headers and body), by URL."""
        sizes = {}
        for request in self.finished:
            if request.url.startswith(self.origin + "/"):
                size = request.sizes()
                sizes[request.url] = size["responseHeadersSize"] + size["responseBodySize"]
        return sizes


@pytest.fixture(scope="module")
def tour(origin: str) -> Tour:
    """Visit every page once, cold, and record everything the tests check."""
    chromium = chromium_executable("the site")
    visits: dict[str, Visit] = {}
    loads = _Loads(origin)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert AXE.is_file(), "axe-core is missing: run `npm ci` (make test does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        devtools.send("Network.enable")
        devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
        loads.follow(page)
        for path in _page_paths():
            visit = visits[path] = Visit()
            loads.start(visit)
            page.goto(origin + path, wait_until="load")
            _look_at(page, visit)
            loads.settle(page)
            visit.transferred = loads.transferred()
            _screenshot(page, path, "")
            visit.accessibility = _axe_in_both_schemes(page)
        loads.start(visits["/"])
        page.goto(origin + "/", wait_until="load")
        page.keyboard.press("/")
        searches = {asked.query: _search(page, asked.query) for asked in QUESTIONS + HELD_OUT}
        page.set_viewport_size(PHONE)
        for path in [*SCREENSHOT_PAGES, *filter(_has_diagrams, visits)]:
            loads.start(visits[path])
            page.goto(origin + path, wait_until="load")
            visits[path].diagram_text_px = page.evaluate(DIAGRAM_TEXT_PX)
            loads.settle(page)
            _screenshot(page, path, "-390")
        page.set_viewport_size(DESKTOP)
        loads.start(Visit())
        deck_accessibility = _deck_and_keyboard(page, origin, visits)
        browser.close()
    return Tour(origin, visits, searches, deck_accessibility)


def _deck_and_keyboard(page: Page, origin: str, visits: dict[str, Visit]) -> list[str]:
    """Walk each page with controls by keyboard; what axe-core finds on the deck.

    What these visits load is not recorded: focusing the exercise editor starts loading
    Python, which leaving the page cuts short. The deck is its own HTML (Marp's), checked
    for accessibility only.
    """
    for path in filter(_has_controls, visits):
        page.goto(origin + path, wait_until="load")
        visits[path].unreachable = _unreachable_by_keyboard(page)
    page.goto(origin + DECK, wait_until="load")
    return _axe(page)


def _axe(page: Page) -> list[str]:
    """What axe-core finds serious or critical on the page at hand."""
    page.add_script_tag(path=AXE)
    found: list[str] = page.evaluate(AXE_RUN)
    return found


def _axe_in_both_schemes(page: Page) -> list[str]:
    """What axe-core finds in the light scheme, then in the dark one the toggle switches to.

    Colours change at once (the theme would fade links over 125 ms, and axe-core would read
    a colour halfway); the toggle is switched back after, so later pages load light.
    """
    page.add_style_tag(content=NO_TRANSITIONS)
    found = _axe(page)
    page.locator('label[for="__palette_1"]').click()
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    found += [f"dark scheme: {violation}" for violation in page.evaluate(AXE_RUN)]
    page.locator('label[for="__palette_0"]').click()
    return found


def _has_controls(path: str) -> bool:
    """A page with controls of the project's own: the in-browser runs and the exercises."""
    return path == "/" or 'class="llmcr-' in _source(path)


def _unreachable_by_keyboard(page: Page) -> list[str]:
    """The page's controls that pressing Tab from the top never reaches.

    In the exercise editor Tab indents; its note tells a reader to press Esc first to leave,
    and so does this walk. The editor (CodeMirror, which owns its element's attributes, so
    it cannot be marked) is looked for as what has the focus while editing.
    """
    exercise = page.locator(".llmcr-exercise")
    if exercise.count():
        exercise.locator(".llmcr-editor").wait_for()  # the widget is set up: its controls are in
    controls = page.evaluate(MARK_CONTROLS)
    page.evaluate("() => document.activeElement.blur()")
    reached: set[str] = set()
    edited = False
    for _ in range(len(controls) + 60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        reached.update(mark for mark in focused["marks"] if mark is not None)
        if focused["tag"] == "TEXTAREA" or focused["editing"]:
            edited = True
            page.keyboard.press("Escape")
    missing = [mark for mark in controls if mark not in reached]
    unreached = [
        page.locator(f'[data-keyboard="{mark}"]').evaluate(
            "control => control.outerHTML.slice(0, 80)"
        )
        for mark in missing
    ]
    return unreached + ["the exercise editor"] * (exercise.count() > 0 and not edited)


def _look_at(page: Page, visit: Visit) -> None:
    seen = page.evaluate(LOOK)
    visit.title, visit.text, visit.diagrams = seen["title"], seen["text"], seen["diagrams"]
    visit.heading = seen["heading"].strip(" ¶\n")
    visit.links, visit.ids = seen["links"], set(seen["ids"])
    visit.overflowing, visit.misrendered = seen["overflowing"], seen["misrendered"]
    visit.canonical = seen["canonical"]


def _screenshot(page: Page, path: str, suffix: str) -> None:
    name = {
        **SCREENSHOT_PAGES,
        "/reference/behaviour-matrix/": "behaviour-matrix",
        "/explanation/write-back-in-generate/": "sequence-diagram",
    }.get(path)
    if name is None:
        return
    if name == "behaviour-matrix":
        page.screenshot(path=SCREENSHOTS / "behaviour-matrix.png", animations="disabled")
        page.locator("#write-fails-halfway").evaluate("heading => heading.scrollIntoView()")
        name = "behaviour-matrix-case"
    elif name in ("sequence-diagram", "resolution-flowchart"):
        page.locator("figure.diagram").first.evaluate("diagram => diagram.scrollIntoView()")
    page.screenshot(path=SCREENSHOTS / f"{name}{suffix}.png", animations="disabled")


def _search(page: Page, query: str) -> list[str]:
    """Type a query into the search box of the page at hand; the pages found, best first.

    The theme lists one result per page, its best sections under it; a result's link is
    the page's own, or its best section's when that scores higher.
    """
    box = page.locator("input.md-search__input")
    results = page.locator("li.md-search-result__item > a:first-child")
    # Material reads the query on keyup: a key press after each fill makes it search.
    box.fill("")
    box.press("End")
    results.first.wait_for(state="detached")
    box.fill(query)
    box.press("End")
    results.first.wait_for()
    return [urlsplit(str(link.get_attribute("href"))).path for link in results.all()]


def _has_diagrams(path: str) -> bool:
    return "```mermaid\n" in _source(path)


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


def test_every_diagram_reads_on_a_phone(tour: Tour) -> None:
    sizes = {path: visit.diagram_text_px for path, visit in tour.visits.items()}
    drawn = {path: found for path, found in sizes.items() if _has_diagrams(path)}
    assert len(drawn) >= 3
    assert all(drawn.values()), drawn
    assert {path: min(found) for path, found in drawn.items() if min(found) < LEGIBLE_PX} == {}


def test_every_code_block_fits_its_column(tour: Tour) -> None:
    overflowing = {path: visit.overflowing for path, visit in tour.visits.items()}
    too_wide = {path: blocks for path, blocks in overflowing.items() if blocks}
    assert too_wide == {}


def test_every_page_is_light(tour: Tour) -> None:
    weights = {
        path: sum(
            size
            for url, size in visit.transferred.items()
            if not _is_index(url) and urlsplit(url).path != EDITOR
        )
        for path, visit in tour.visits.items()
    }
    editor = {
        path: size
        for path, visit in tour.visits.items()
        for url, size in visit.transferred.items()
        if urlsplit(url).path == EDITOR
    }
    assert set(editor) <= {path for path in tour.visits if path.startswith("/workshop/exercise-")}
    assert 0 < max(editor.values()) <= EDITOR_BYTES
    assert {path: weight for path, weight in weights.items() if weight > LIGHT_PAGE_BYTES} == {}
    # Each page counted what it fetched, theme included: a page is never lighter than that.
    assert all(weight > 150_000 for weight in weights.values()), weights


def test_the_search_index_is_light(tour: Tour) -> None:
    fetched = [
        size
        for visit in tour.visits.values()
        for url, size in visit.transferred.items()
        if _is_index(url)
    ]
    assert len(fetched) >= len(tour.visits) - 1
    assert 100_000 < max(fetched) <= SEARCH_INDEX_BYTES


def _is_index(url: str) -> bool:
    return urlsplit(url).path == SEARCH_INDEX


def test_no_page_loads_a_diagram_library(tour: Tour) -> None:
    fetched = [url for visit in tour.visits.values() for url in visit.transferred]
    assert [url for url in fetched if "mermaid" in url] == []
    assert [path.name for path in SITE.rglob("*mermaid*")] == []


def test_every_page_names_its_langchain_core_release(tour: Tour) -> None:
    named = f"made with langchain-core {locked_version('langchain-core')},"
    text = {path: " ".join(visit.text.split()) for path, visit in tour.visits.items()}
    assert [path for path, words in text.items() if named not in words] == []


def test_every_page_has_its_canonical_url_and_is_in_the_sitemap(tour: Tour) -> None:
    site_url = "https://llm-cache-reference.readthedocs.io"
    canonical = {path: visit.canonical for path, visit in tour.visits.items()}
    assert canonical == {path: site_url + path for path in tour.visits}
    sitemap = ElementTree.parse(SITE / "sitemap.xml").getroot()
    listed = {location.text for location in sitemap.iter(f"{SITEMAP}loc")}
    assert listed == set(canonical.values())


def test_docstrings_render_as_sections(tour: Tour) -> None:
    misrendered = {path: visit.misrendered for path, visit in tour.visits.items()}
    assert {path: found for path, found in misrendered.items() if found} == {}
    returns = tour.visits["/reference/api/"].text
    assert "the hits by their index in prompts, the key's llm_string" in " ".join(returns.split())


def test_no_page_shows_machine_specific_text(tour: Tour) -> None:
    found = {
        path: [pattern.pattern for pattern in MACHINE_TEXT if pattern.search(visit.text)]
        for path, visit in tour.visits.items()
    }
    assert {path: patterns for path, patterns in found.items() if patterns} == {}


def _found_in_top(tour: Tour, asked: Question) -> bool:
    return bool(asked.answers & set(tour.searches[asked.query][:TOP]))


@pytest.mark.parametrize("asked", QUESTIONS, ids=[asked.query for asked in QUESTIONS])
def test_search_finds_the_answer_in_the_top_three(tour: Tour, asked: Question) -> None:
    assert _found_in_top(tour, asked), tour.searches[asked.query]
    assert tour.visits["/"].problems == []


def test_held_out_questions_find_their_answers(tour: Tour) -> None:
    missed = {
        asked.query: tour.searches[asked.query][:TOP]
        for asked in HELD_OUT
        if not _found_in_top(tour, asked)
    }
    assert len(HELD_OUT) - len(missed) >= HELD_OUT_NEEDED, missed


def test_the_project_is_offered_as_a_zip(tour: Tour) -> None:
    assert f"{tour.origin}/{ARCHIVE}" in tour.visits["/"].links
    with zipfile.ZipFile(SITE / ARCHIVE) as archive:
        names = {name.removeprefix("llm-cache-reference/") for name in archive.namelist()}
        readme = archive.read("llm-cache-reference/README.md")
    assert readme == (ROOT / "README.md").read_bytes()
    assert {"Makefile", "pyproject.toml", "reference/llm_cache_reference/cache_helpers.py"} <= names
    assert not [name for name in names if name.startswith((".venv/", "build/", ".git/"))]
    if (ROOT / ".git").exists():
        tracked = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
        )
        assert names == set(tracked.stdout.splitlines())


def test_screenshots_are_saved(tour: Tour) -> None:
    names = [*SCREENSHOT_PAGES.values(), "behaviour-matrix", "behaviour-matrix-case"]
    names += ["sequence-diagram", *(f"{name}-390" for name in SCREENSHOT_PAGES.values())]
    for name in names:
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name


def test_no_page_has_a_serious_accessibility_violation(tour: Tour) -> None:
    found = {path: visit.accessibility for path, visit in tour.visits.items()}
    assert {path: violations for path, violations in found.items() if violations} == {}
    assert tour.deck_accessibility == []


def test_every_control_is_reachable_by_keyboard(tour: Tour) -> None:
    checked = {
        path: visit.unreachable for path, visit in tour.visits.items() if _has_controls(path)
    }
    assert len(checked) >= 10
    assert {path: missing for path, missing in checked.items() if missing} == {}


def test_no_learners_page_leads_to_a_solution(tour: Tour) -> None:
    solutions = f"{tour.origin}/workshop/solutions/"
    exercises = [path for path in tour.visits if path.startswith("/workshop/exercise-")]
    leading = {
        path: [link for link in tour.visits[path].links if link.startswith(solutions)]
        for path in exercises
    }
    assert len(exercises) == 4
    assert leading == {path: [] for path in exercises}
    assert solutions in [link.split("#")[0] for link in tour.visits["/workshop/"].links]
    assert "/workshop/solutions/exercise-1/" in tour.visits  # built, reachable by the guide
