"""Outcomes as text, for a person: the labels, the aligned lines, a difference in words.

An `Outcome` (see `outcome`) is data; this is the one place it becomes text. The
version history keeps outcomes as `OutcomeText` and lays them out here too.
"""

from __future__ import annotations

from typing import TypedDict


class OutcomeText(TypedDict):
    """Each field of an `Outcome` as the text it is shown as: JSON-ready.

    The version history keeps outcomes in this form, one per release.
    """

    returned: str | None
    raised: str | None
    existing_prompts: str | None
    calls: list[str]
    cached: str


FIELD_LABELS: dict[str, str] = {
    "returned": "returned",
    "raised": "raised",
    "existing_prompts": "existing_prompts",
    "calls": "cache calls",
    "cached": "cache contents",
}
"""Each field of `Outcome`, by name, and the label it is shown under."""

Display = tuple[tuple[str, tuple[str, ...]], ...]
"""An outcome laid out for a person: each shown field's label and its lines."""

LABEL_WIDTH = 1 + max(map(len, FIELD_LABELS.values())) + 1
"""How far `field_lines` sets a field's lines in: the longest label, its colon and a space."""


def display(text: OutcomeText) -> Display:
    """Lay an outcome's text out by label, leaving out what does not apply.

    Args:
        text: An outcome's fields as text (`Outcome.as_text`, or as the
            version history recorded them).

    Returns:
        `returned` or `raised`, then `existing_prompts` if it applies, then
        the cache calls (`(none)` for none) and the cache contents, each with
        its label and its lines.
    """
    shown: list[tuple[str, tuple[str, ...]]] = []
    if text["raised"] is None:
        shown.append((FIELD_LABELS["returned"], (f"{text['returned']}",)))
    else:
        shown.append((FIELD_LABELS["raised"], (text["raised"],)))
    if text["existing_prompts"] is not None:
        shown.append((FIELD_LABELS["existing_prompts"], (text["existing_prompts"],)))
    shown.append((FIELD_LABELS["calls"], tuple(text["calls"]) or ("(none)",)))
    shown.append((FIELD_LABELS["cached"], (text["cached"],)))
    return tuple(shown)


def field_lines(label: str, lines: tuple[str, ...]) -> tuple[str, ...]:
    """One shown field as aligned lines: the label beside its first line."""
    first, *rest = lines
    return (f"{label + ':':<{LABEL_WIDTH}}{first}", *(" " * LABEL_WIDTH + line for line in rest))


def render(shown: Display) -> str:
    """A displayed outcome as one block of aligned lines."""
    return "\n".join(line for label, lines in shown for line in field_lines(label, lines))


def words(text: OutcomeText, name: str) -> str:
    """One field of an outcome's text, as a difference names it: `nothing` for none."""
    if name == "calls":
        return "; ".join(text["calls"]) or "no calls"
    value = dict(text)[name]
    return "nothing" if value is None else str(value)
