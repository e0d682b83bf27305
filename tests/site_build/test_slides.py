"""The workshop deck: built offline from tested files, fit for a projector, with notes.

The deck is built with Marp CLI from node_modules (`make slides` installs it with
npm ci); without it the build tests skip, except under CI.
"""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from site_build.slides import (
    CODE_COLUMNS,
    LICENSE_NAME,
    MARP,
    ROOT,
    SOURCE,
    DeckError,
    build,
    expand,
    included,
)
from tests.chromium import FLAGS as CHROMIUM_FLAGS
from tests.chromium import executable as chromium_executable
from tools.recorded_runs import RECORDINGS

# Where each slide's lowest element ends, below the slide's own bottom edge (negative: inside).
OVERHANG = """() => [...document.querySelectorAll('section[id]')].map(slide => {
    const bottom = slide.getBoundingClientRect().bottom;
    const lowest = Math.max(...[...slide.querySelectorAll('*')].map(
        element => element.getBoundingClientRect().bottom));
    return lowest - bottom;
})"""
# An XML namespace name: an identifier inside the SVG markup, never fetched.
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
SLIDE_BREAK = re.compile(r"^---$", re.MULTILINE)


@pytest.fixture(scope="module")
def deck_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not MARP.exists():
        message = "Marp CLI is not installed: run `make slides` (npm ci) first"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return _built(tmp_path_factory).read_text()


def _built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    html = build(out)
    assert (out / LICENSE_NAME).read_text().strip()
    return html


NO_NETWORK = ["unshare", "--net", "--map-root-user"]


def test_the_deck_builds_with_no_network_at_all(
    deck_html: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    try:
        isolated = subprocess.run([*NO_NETWORK, "true"], check=False, capture_output=True)
    except FileNotFoundError:
        pytest.skip("no unshare here to take the network away")
    if isolated.returncode != 0:
        pytest.skip(f"this sandbox cannot make a network namespace: {isolated.stderr!r}")
    offline = build(tmp_path_factory.mktemp("offline"), wrapper=NO_NETWORK).read_text()
    assert offline == deck_html


def test_nothing_on_a_slide_runs_off_its_bottom(
    deck_html: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    chromium = chromium_executable("the slides' fit")
    deck = _built(tmp_path_factory)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.route(lambda url: not url.startswith("file:"), lambda route: route.abort())
        page.goto(deck.as_uri())
        overhangs = page.evaluate(OVERHANG)
        browser.close()
    assert len(overhangs) == _slide_count()
    assert {n: px for n, px in enumerate(overhangs, start=1) if px > 0} == {}


def _slide_count() -> int:
    # The front matter is fenced by two `---` lines; every later one starts a slide.
    return len(SLIDE_BREAK.findall(SOURCE.read_text())) - 1


def test_the_deck_has_every_slide_and_a_note_for_each(deck_html: str) -> None:
    slides = re.findall(r'<section\b[^>]*\bid="(\d+)"', deck_html)
    assert slides == [str(n) for n in range(1, _slide_count() + 1)]
    notes = re.findall(r'<div class="bespoke-marp-note" data-index="(\d+)"', deck_html)
    assert notes == [str(n) for n in range(_slide_count())]
    assert "bespoke-marp-presenter" in deck_html  # the presenter view is in the file
    assert _slide_count() >= 15  # a 90-minute agenda


def test_the_deck_names_no_other_host(deck_html: str) -> None:
    urls = set(re.findall(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>)]*", deck_html))
    assert urls - {SVG_NAMESPACE} == set()
    assert not re.search(r"""(src|href)=["']//""", deck_html)
    assert f"License: {LICENSE_NAME}" in deck_html


def test_every_code_block_is_included_from_a_tested_file() -> None:
    deck = expand(SOURCE.read_text())
    assert len(deck.includes) >= 8
    tested = {str(path.relative_to(ROOT)) for r in RECORDINGS for path in r.expected}
    tested |= {r.command[0] for r in RECORDINGS}
    for target in deck.includes:
        kind, _, rest = target.partition(":")
        if kind == "command":
            assert rest in {r.name for r in RECORDINGS}
            continue
        assert kind in tested, f"{kind} is neither run by the tests nor their recorded output"
        shown = included(target)
        # As it stands in the file, at some depth (a section inside a function is dedented).
        text = (ROOT / kind).read_text()
        assert any(textwrap.indent(shown, " " * depth) in text for depth in range(0, 13, 4))
        assert shown in deck.markdown


def test_code_on_a_slide_fits_a_projector() -> None:
    deck = expand(SOURCE.read_text())
    fences = re.findall(r"^```[^\n]*\n(.*?)^```$", deck.markdown, re.MULTILINE | re.DOTALL)
    assert fences
    assert max(len(line) for fence in fences for line in fence.splitlines()) <= CODE_COLUMNS


def test_typed_code_a_wide_line_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="typed into the deck"):
        expand("```python\nprint('typed')\n```\n")
    wide = tmp_path / "wide.py"
    wide.write_text("x = " + "1" * CODE_COLUMNS + "\n")
    with pytest.raises(DeckError, match="wider than"):
        expand(f'```python\n--8<-- "{wide}"\n```\n')
    with pytest.raises(DeckError, match="no such file"):
        expand('```python\n--8<-- "slides/code/none.py"\n```\n')
    with pytest.raises(DeckError, match="no single section"):
        expand('```python\n--8<-- "slides/code/cache_key.py:none"\n```\n')
