"""Every paragraph stating a claim agrees with langchain-core, run now (tests/docs/claims.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.claims import (
    CACHE_FIELD,
    CLAIMS,
    HIT_EVENTS,
    MAXSIZE,
    STREAM,
    Claim,
    Facts,
    Paragraph,
    every_paragraph,
    paragraphs,
)

FOUND = [
    (claim, paragraph)
    for claim in CLAIMS
    for paragraph in every_paragraph()
    if claim.speaks_of(paragraph)
]


@pytest.fixture(scope="module")
def observed() -> dict[str, Facts]:
    return {claim.name: claim.observe() for claim in CLAIMS}


@pytest.mark.parametrize(
    ("claim", "paragraph"),
    [pytest.param(*found, id=f"{found[1].page}:{found[1].line}") for found in FOUND],
)
def test_every_statement_agrees_with_langchain_core(
    claim: Claim, paragraph: Paragraph, observed: dict[str, Facts]
) -> None:
    assert claim.judge(paragraph.text, observed[claim.name]) == []


@pytest.mark.parametrize("claim", CLAIMS, ids=[claim.name for claim in CLAIMS])
def test_each_claim_is_stated_on_several_pages(claim: Claim) -> None:
    # A claim found on one page only has nothing to disagree with; found on none, its topic
    # pattern has stopped matching what the pages say.
    pages = {paragraph.page for found, paragraph in FOUND if found is claim}
    assert len(pages) >= 3, pages


def test_the_facts_are_langchain_cores(observed: dict[str, Facts]) -> None:
    # What the pages are judged against, as observed on the installed release.
    assert observed[CACHE_FIELD.name] == {
        "1": "True",
        "'yes'": "True",
        '"yes"': "True",
        "0": "False",
        "'no'": "False",
        '"no"': "False",
        "duck": "refused",
        "instance": "unchanged",
    }
    assert observed[MAXSIZE.name] == {"rewrite evicts": "True", "lookup protects": "False"}
    assert observed[STREAM.name] == {
        "text, own _stream": "bypasses the cache",
        "text, no _stream": "uses the cache",
        "chat, own _stream": "bypasses the cache",
        "chat, no _stream": "uses the cache",
    }
    assert observed[HIT_EVENTS.name] == {"text": "none", "chat": "fires"}


WRONG = [
    # The sentence tutorial 04 carried until issue 22.
    (
        CACHE_FIELD,
        "An `LLM`'s `cache` field is passed through as it is, so this is also"
        " what `FakeListLLM(cache=...)` means.",
        "kept as it is",
    ),
    (
        CACHE_FIELD,
        "The model's `cache` field turns `1` into `True` and `0` into `True`.",
        "`0` -> True",
    ),
    (CACHE_FIELD, "The `cache` field refuses `'yes'` at construction.", "`'yes'` -> refused"),
    (
        CACHE_FIELD,
        "The `cache` field accepts a duck-typed cache with `lookup` and `update`.",
        "duck cache is accepted",
    ),
    (
        MAXSIZE,
        "At capacity, `InMemoryCache(maxsize=2)` never evicts when a key it already"
        " holds is written again.",
        "rewrite evicts",
    ),
    (
        MAXSIZE,
        "`InMemoryCache(maxsize=N)` evicts the least recently used entry.",
        "least recently used",
    ),
    (
        HIT_EVENTS,
        "On a full hit, a text model's callbacks see `on_llm_start` and `on_llm_end`.",
        "text model: says fires",
    ),
    (HIT_EVENTS, "A chat model sends no callback event on a hit.", "chat model: says none"),
    (
        STREAM,
        "`stream` looks each prompt up in the cache first, as `invoke` does.",
        "own _stream: says it uses the cache",
    ),
]


@pytest.mark.parametrize(("claim", "text", "problem"), WRONG)
def test_a_contradicting_sentence_is_caught(
    claim: Claim, text: str, problem: str, observed: dict[str, Facts]
) -> None:
    paragraph = Paragraph("page.md", 1, text)
    assert claim.speaks_of(paragraph)
    found = claim.judge(text, observed[claim.name])
    assert found
    assert all(problem in each for each in found), found


def test_prose_is_read_without_code_one_unit_per_paragraph_item_and_row(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "First line\nsecond line.\n\n```python\nnot prose\n```\n\n"
        "    ```text\n    indented, not prose\n    ```\n"
        "- one item\n- another\n\n| a | b |\n| 1 | 2 |\n"
    )
    found = [(p.line, p.text) for p in paragraphs(page, root=tmp_path)]
    assert found == [
        (1, "First line second line."),
        (11, "- one item"),
        (12, "- another"),
        (14, "| a | b |"),
        (15, "| 1 | 2 |"),
    ]
