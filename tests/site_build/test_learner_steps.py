"""site_build/hooks/learner_steps.py: the learner's file, cut into steps by its own words."""

from __future__ import annotations

from pathlib import Path

from site_build.hooks.learner_steps import LEARNER_FILE, on_page_markdown, step_lines

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / LEARNER_FILE).read_text()
LINES = TEXT.splitlines()


def test_the_learners_file_carries_no_include_markers() -> None:
    assert "--8<--" not in TEXT


def test_each_step_runs_from_its_heading_to_its_last_line_of_code() -> None:
    spans = step_lines(TEXT)
    assert sorted(spans) == [1, 2, 3, 4]
    for step, (first, last) in spans.items():
        assert LINES[first - 1].startswith(f"# STEP {step}")
        assert LINES[last - 1].strip()
        assert f"# STEP {step + 1}" not in "\n".join(LINES[first - 1 : last])
    assert spans[4][1] == len(TEXT.rstrip("\n").splitlines())
    defined = {
        step: [line.split("(")[0] for line in LINES[first - 1 : last] if "def " in line]
        for step, (first, last) in spans.items()
    }
    assert defined == {
        1: ["def update_cache"],
        2: ["def resolve_cache"],
        3: ["async def aupdate_cache"],
        4: ["def get_prompts", "async def aget_prompts"],
    }


def test_an_include_of_a_step_becomes_its_line_range() -> None:
    first, last = step_lines(TEXT)[2]
    prose = f"and `{LEARNER_FILE}:step2` in words"
    page = f'```python\n--8<-- "{LEARNER_FILE}:step2"\n```\n{prose}'
    shown = f'```python\n--8<-- "{LEARNER_FILE}:{first}:{last}"\n```\n{prose}'
    assert on_page_markdown(page) == shown
