"""What a call did, as comparable values: `Outcome`, its cache calls and cache contents.

`observe` (in `observing`) records one; `text` lays one out for a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from llm_cache_reference.harness.scenario import Phase
from llm_cache_reference.harness.text import (
    FIELD_LABELS,
    Display,
    OutcomeText,
    display,
    render,
    words,
)


@dataclass(frozen=True)
class CacheCall:
    """One call to a cache method, its arguments named as `observe` names them.

    Attributes:
        owner: Which cache: `cache` (the argument), `global` or `duck`.
        method: The method called, such as `update` or `aupdate`.
        arguments: Each argument, described: `new[0]` for the very first
            generation list the model returned, `'a'` for the prompt `a`.
        phase: For a call that yields to the event loop, which end of it
            this is; `None` for a call logged once.

    Examples:
        >>> args = ("'a'", "'llm-string'", "new[0]")
        >>> CacheCall("cache", "aupdate", args, "begins").text()
        "cache.aupdate('a', 'llm-string', new[0]) begins"
    """

    owner: str
    method: str
    arguments: tuple[str, ...]
    phase: Phase | None = None

    def text(self) -> str:
        """The call as it would be written, then its phase, if any."""
        call = f"{self.owner}.{self.method}({', '.join(self.arguments)})"
        return call if self.phase is None else f"{call} {self.phase}"


@dataclass(frozen=True)
class CacheContents:
    """What one recording cache holds after the call, by prompt.

    Attributes:
        owner: Which cache: `cache` or `global`.
        entries: Each prompt and the value stored for it, described.
    """

    owner: str
    entries: tuple[tuple[str, str], ...]

    def text(self) -> str:
        """`owner: {prompt: value, ...}`."""
        inside = ", ".join(f"{prompt!r}: {value}" for prompt, value in self.entries)
        return f"{self.owner}: {{{inside}}}"


@dataclass(frozen=True)
class Outcome:
    """Everything a caller can observe after one call, as comparable values.

    Attributes:
        returned: The return value, described; `None` if the call raised.
        raised: The exception's type name, or `None`. Messages are not
            compared: the reference words its errors in its own way.
        existing_prompts: The caller's `existing_prompts` after the call,
            described (the write-back helpers only; the lookup helpers
            return theirs).
        calls: Every cache method call, in order.
        cached: What each recording cache holds afterwards; empty when no
            recording cache was in play.
    """

    returned: str | None
    raised: str | None
    existing_prompts: str | None
    calls: tuple[CacheCall, ...]
    cached: tuple[CacheContents, ...]

    def as_text(self) -> OutcomeText:
        """Every field as the text it is shown as (see `OutcomeText`)."""
        return {
            "returned": self.returned,
            "raised": self.raised,
            "existing_prompts": self.existing_prompts,
            "calls": [call.text() for call in self.calls],
            "cached": "; ".join(contents.text() for contents in self.cached) or "no cache in play",
        }

    def display(self) -> Display:
        """The fields that apply, each as its label and its lines of text."""
        return display(self.as_text())

    def render(self) -> str:
        """Lay the outcome out as aligned lines, leaving out what does not apply."""
        return render(self.display())

    def differing(self, other: Outcome) -> tuple[str, ...]:
        """The names of the fields in which two outcomes differ, in field order.

        Examples:
            >>> a = Outcome("llm_output", None, "{}", (), ())
            >>> a.differing(Outcome(None, "ValueError", "{}", (), ()))
            ('returned', 'raised')
        """
        return tuple(name for name in FIELD_LABELS if getattr(self, name) != getattr(other, name))


def difference(expected: Outcome, actual: Outcome) -> str:
    """Say in words where two outcomes differ; an empty string if they do not.

    Examples:
        >>> a = Outcome("llm_output", None, "{}", (), ())
        >>> print(difference(a, Outcome("{}", None, "{}", (), ())))
        returned: expected llm_output, got {}
    """
    want, got = expected.as_text(), actual.as_text()
    return "\n".join(
        f"{name}: expected {words(want, name)}, got {words(got, name)}"
        for name in expected.differing(actual)
    )
