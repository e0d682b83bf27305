"""The error messages page: each section is titled with words of the message its code prints.

A reader pastes an error message into the site's search; the section titles are what
search ranks first. So every title must be (part of) a message the section's own example
really prints: the Output fences are checked against the code by the page's own tests, and
this test ties each title to them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "errors.md"
OUTPUT = re.compile(r'^```text title="Output"\n(.*?)^```$', re.MULTILINE | re.DOTALL)


def _plain(text: str) -> str:
    return " ".join(text.replace("`", "").split())


def sections() -> dict[str, str]:
    """Each level-3 title, with the text its section's Output fences show."""
    found = {}
    for section in re.split(r"^### ", PAGE.read_text(), flags=re.MULTILINE)[1:]:
        title, _, body = section.partition("\n")
        found[title] = _plain(" ".join(OUTPUT.findall(body)))
    return found


def message_parts(title: str) -> list[str]:
    """The words of the message in a title: without a trailing "(Backend)" or ", from X"."""
    title = re.sub(r" \([^)]*\)$|, from \w+$", "", _plain(title))
    return title.split(" ... ")


@pytest.mark.parametrize(("title", "printed"), sections().items())
def test_each_title_is_what_its_example_prints(title: str, printed: str) -> None:
    missing = [part for part in message_parts(title) if part not in printed]
    assert missing == [], printed


def test_the_page_has_a_section_per_error() -> None:
    # Titles are found: a change of heading level would make the test above check nothing.
    assert len(sections()) >= 12


def test_a_title_is_read_as_its_message() -> None:
    assert message_parts("unable to open database file (SQLiteCache)") == [
        "unable to open database file"
    ]
    assert message_parts("list index out of range, from update_cache") == [
        "list index out of range"
    ]
    assert message_parts("Can't instantiate abstract class ... with abstract methods") == [
        "Can't instantiate abstract class",
        "with abstract methods",
    ]
