"""The stepper in the built site, in Chromium: on the behaviour matrix and an exercise page.

Driven by keyboard alone, as a reader without a mouse drives it; at 1280 and 390 px. One
page serves every test (the page's Python loads once). The time from the click to the
first step shown, once Python is ready, is written to build/stepper-measurements.json.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, sync_playwright

from tests.checker.test_in_browser_python import served  # noqa: F401 (a fixture)
from tests.chromium import FLAGS as CHROMIUM_FLAGS
from tests.chromium import executable as chromium_executable
from tests.served_site import Served

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "checker_inputs"
SCREENSHOTS = ROOT / "build" / "screenshots"
MEASUREMENTS = ROOT / "build" / "stepper-measurements.json"
CASE = "write-fails-halfway[update_cache]"


@pytest.fixture(scope="module")
def page(served: Served) -> Iterator[Page]:  # noqa: F811 (the fixture imported above)
    chromium = chromium_executable("the stepper")
    measured: dict[str, object] = {}
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        opened = launched.new_page(viewport={"width": 1280, "height": 900})
        opened.set_default_timeout(180_000)  # the runtime loads in 9-40 s on a busy machine
        opened.goto(served.origin + "/reference/behaviour-matrix/", wait_until="load")
        opened.evaluate("() => window.llmCacheReference.ready()")
        opened.measured = measured  # type: ignore[attr-defined]
        yield opened
        launched.close()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    MEASUREMENTS.write_text(json.dumps(measured, indent=1) + "\n")


def _press(page: Page, target: Locator, key: str = "Enter") -> None:
    target.focus()
    page.keyboard.press(key)


def _text(locator: Locator) -> str:
    return locator.text_content() or ""


def _host(page: Page, case: str) -> Locator:
    return page.locator(f'.llmcr-stepper[data-case="{case}"]')


def test_every_case_of_the_matrix_has_a_step_through_control(page: Page) -> None:
    from llm_cache_reference.cases import CASES

    controls = page.locator(".llmcr-stepper[data-case] > button")
    assert controls.count() == len(CASES)
    names = [host.get_attribute("data-case") or "" for host in page.locator(".llmcr-stepper").all()]
    assert sorted(names) == sorted(case.name for case in CASES)  # each once


def test_the_matrix_stepper_works_by_keyboard_alone(page: Page) -> None:
    host = _host(page, CASE)
    started = time.monotonic()
    name = f"Step through update_cache: the case {CASE}, line by line"
    _press(page, host.get_by_role("button", name=name))
    panel = host.locator(".llmcr-stepper-panel")
    panel.wait_for()
    page.measured["matrix: click to first step, seconds"] = round(  # type: ignore[attr-defined]
        time.monotonic() - started, 2
    )
    page.measured["matrix: click to first step, ms (in the page)"] = int(  # type: ignore[attr-defined]
        host.get_attribute("data-ms-from-click") or -1
    )
    # Focus moved to the panel's title; the first step is shown.
    assert page.evaluate("document.activeElement.textContent") == f"Stepping through {CASE}"
    words = panel.locator(".llmcr-stepper-words")
    assert words.get_attribute("aria-live") == "polite"
    assert _text(words) == (
        "Step 1 of 18. update_cache is called, at line 168. cache = cache. existing_prompts = "
        "{1: hit[1]}. llm_string = 'llm-string'. missing_prompt_idxs = [0, 2]. new_results = "
        "new_results. prompts = ['a', 'b', 'c']."
    )
    assert panel.get_by_role("button", name="First").get_attribute("aria-disabled") == "true"
    _press(page, panel.get_by_role("button", name="Next"))
    assert _text(words) == "Step 2 of 18. Line 213 ran (llm_cache = resolve_cache(cache=cache))."
    current = panel.locator('[aria-current="step"]')
    assert current.text_content() == " 213     llm_cache = resolve_cache(cache=cache)\n"
    page.keyboard.press("End")  # on the panel: to the last step
    assert _text(words) == ("Step 18 of 18. update_cache raises CacheWriteError, at line 221.")
    assert panel.get_by_role("button", name="Next").get_attribute("aria-disabled") == "true"
    page.keyboard.press("ArrowLeft")
    assert _text(words).startswith("Step 17 of 18. Line 221 ran (")
    assert _text(words).endswith(
        "Event 4: cache.update('c', 'llm-string', new[1]). CacheWriteError was raised here."
    )
    # The failing prompt is in existing_prompts already: the point of the tutorial section.
    state = panel.locator(".llmcr-stepper-state")
    assert "{1: hit[1], 0: new[0], 2: new[1]}" in (state.text_content() or "")
    slider = panel.get_by_role("slider", name="Step")
    slider.focus()
    page.keyboard.press("Home")
    assert _text(words).startswith("Step 1 of 18.")
    rows = panel.locator("tbody tr")
    assert rows.count() == 5
    assert panel.locator("tbody tr[data-differs]").count() == 0
    assert (panel.locator(".llmcr-stepper-verdict").text_content() or "") == (
        "The timelines agree, event by event (5 events)."
    )
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "stepper-matrix-1280.png")


def test_the_stepper_fits_at_390_px(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    try:
        host = _host(page, CASE)
        host.locator(".llmcr-stepper-panel").scroll_into_view_if_needed()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0
        box = host.locator(".llmcr-stepper-panel").bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390
        page.screenshot(path=SCREENSHOTS / "stepper-matrix-390.png")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_a_failing_exercise_row_steps_through_the_learners_code_to_the_difference(
    page: Page,
    served: Served,  # noqa: F811
) -> None:
    page.goto(served.origin + "/workshop/exercise-1-write-back/", wait_until="load")
    page.evaluate("() => window.llmCacheReference.ready()")
    page.locator(".llmcr-exercise .llmcr-editor").wait_for()
    page.evaluate(
        "(text) => { document.querySelector('.llmcr-exercise').editor.value = text; }",
        (BROKEN / "broken_truthiness.py").read_text(),
    )
    _press(page, page.get_by_role("button", name="Check step 1"))
    case = "falsy-cache-still-written[update_cache]"
    control = page.get_by_role("button", name=f"Step through {case}")
    control.wait_for()
    assert page.locator(".llmcr-stepper-failing button").count() == 1
    started = time.monotonic()
    _press(page, control)
    panel = page.locator(".llmcr-stepper-failing .llmcr-stepper-panel")
    panel.wait_for()
    page.measured["exercise: click to first step, seconds"] = round(  # type: ignore[attr-defined]
        time.monotonic() - started, 2
    )
    # It opens at the step that made the first difference, highlighted.
    words = panel.locator(".llmcr-stepper-words")
    assert _text(words) == (
        "Step 8 of 13. Line 27 ran (existing_prompts[missing_prompt_idxs[i]] = result). "
        "Event 2: existing_prompts[2] = new[1]. This step made the first difference."
    )
    differs = panel.locator("tbody tr[data-differs]")
    assert differs.count() == 1
    assert differs.locator("td").all_text_contents() == [
        "2 ≠",
        "cache.update('a', 'llm-string', new[0])",
        "existing_prompts[2] = new[1]",
    ]
    assert differs.get_attribute("data-now") == "true"
    verdict = panel.locator(".llmcr-stepper-verdict")
    assert verdict.text_content() == (
        "First difference: event 2. langchain-core: cache.update('a', 'llm-string', new[0]). "
        "Yours: existing_prompts[2] = new[1]."
    )
    assert panel.locator('[aria-current="step"]').text_content() == (
        "  27         existing_prompts[missing_prompt_idxs[i]] = result\n"
    )
    page.keyboard.press("Home")
    _press(page, panel.get_by_role("button", name="First difference"))
    assert _text(words).startswith("Step 8 of 13.")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "stepper-exercise-1280.png")
    page.set_viewport_size({"width": 390, "height": 900})
    try:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0
        panel.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "stepper-exercise-390.png")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
