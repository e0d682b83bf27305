"""What the case table is made of: steps, cases, and the entries that make them.

`cases.TABLE` is a tuple of entries. An entry is `Twins` (one call to a sync
helper and the same call to its async twin: two cases) or `Single` (a call to
one helper only). Each makes `Case`s, and each case belongs to a workshop
`Step`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import IntEnum

from llm_cache_reference.harness.scenario import ASYNC_TWIN, Flavour, Scenario

__all__ = ["Case", "Single", "Step", "Twins"]


class Step(IntEnum):
    """A workshop exercise step; every case belongs to one.

    Attributes:
        label: How the checker names the step.
        heading: The behaviour matrix's heading for the step's cases.
    """

    label: str
    heading: str

    WRITE_BACK = 1, "write-back", "Writing back"
    RESOLVING_CACHE = 2, "resolving cache", "Resolving the `cache` argument"
    ASYNC_TWIN = 3, "the async twin", "Only in the async twin"
    LOOKUP_SIDE = 4, "the lookup side", "Looking up"

    def __new__(cls, number: int, label: str, heading: str) -> Step:  # noqa: D102
        step = int.__new__(cls, number)
        step._value_ = number
        step.label = label
        step.heading = heading
        return step

    @property
    def of_async_twin(self) -> Step:
        """The step the async twin of a case in this step belongs to.

        Learners write the async twins in step 3, after the sync write-back (1)
        and the resolving of `cache` (2), so those steps' async twins wait for
        step 3. Step 4, the lookup side, comes later and takes both twins.
        """
        if self in (Step.WRITE_BACK, Step.RESOLVING_CACHE):
            return Step.ASYNC_TWIN
        return self


@dataclass(frozen=True)
class Case:
    """A named scenario worth teaching: one call to one helper.

    Attributes:
        slug: The name of its table entry, shared by the case and its twin.
        title: One line: what the call is.
        shows: Why it matters: what a learner should notice.
        scenario: The call itself.
        step: The workshop exercise step it belongs to.
    """

    slug: str
    title: str
    shows: str
    scenario: Scenario
    step: Step

    @property
    def name(self) -> str:
        """The case's unique name: its slug, and the helper it calls in brackets.

        Made from the two, and never taken apart: code that needs one reads it.
        """
        return f"{self.slug}[{self.scenario.function}]"


@dataclass(frozen=True)
class Twins:
    """An entry for a sync helper's call and the same call to its async twin.

    Attributes:
        slug: The cases' name, without the bracket naming the helper.
        step: The sync case's step; the async one's is `step.of_async_twin`.
        title: One line: what the call is.
        shows: Why it matters.
        scenario: The call to the sync helper (`update_cache` or `get_prompts`).
        async_flavour: The caches' flavour for the async twin: `async`, so
            that its writes yield to the event loop, unless the entry is
            about the flavour.
    """

    slug: str
    step: Step
    title: str
    shows: str
    scenario: Scenario
    async_flavour: Flavour = "async"

    def cases(self) -> Iterator[Case]:
        """The sync case, then its async twin."""
        sync, twin = self.scenario, ASYNC_TWIN[self.scenario.function]
        yield Case(self.slug, self.title, self.shows, sync, self.step)
        twin_scenario = replace(sync, function=twin, flavour=self.async_flavour)
        yield Case(self.slug, self.title, self.shows, twin_scenario, self.step.of_async_twin)


@dataclass(frozen=True)
class Single:
    """An entry for a call to one helper only: a behaviour its twin does not share.

    Attributes:
        slug: The case's name, without the bracket naming the helper.
        step: The case's step.
        title: One line: what the call is.
        shows: Why it matters.
        scenario: The call.
    """

    slug: str
    step: Step
    title: str
    shows: str
    scenario: Scenario

    def cases(self) -> Iterator[Case]:
        """The one case."""
        yield Case(self.slug, self.title, self.shows, self.scenario, self.step)
