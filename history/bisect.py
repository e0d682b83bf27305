"""Find the exact release where each case's outcome changed, by binary search.

For one case, `outcome(version)` is its result on that release (`None` when the
release could not be probed). If the oldest and newest probed releases differ,
`boundaries` binary-searches the ordered list of final releases for the first
release whose result differs from the oldest's, then repeats from there until
it reaches the newest's result, so a case that changed twice yields two
boundaries. A release that could not be probed is stepped over, as `git bisect
skip` does, and listed with the boundary it falls inside.

Binary search assumes a change sticks. `transitions` walks every release in
turn instead; comparing the two (`Bisection.missed`) shows any change that was
made and later undone, which bisection alone would not see.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

Outcome = Callable[[str], str | None]
"""A case's result on a release, as comparable text; `None` if it was not probed."""


@dataclass(frozen=True)
class Boundary:
    """One change of one case's result between two neighbouring probed releases.

    Attributes:
        case: The case's name.
        last_old: The last release with the old result.
        first_new: The first release with the new result.
        old: The old result.
        new: The new result.
        skipped: Releases between the two that could not be probed.
    """

    case: str
    last_old: str
    first_new: str
    old: str
    new: str
    skipped: tuple[str, ...] = ()


def _nearest_probed(releases: Sequence[str], outcome: Outcome, low: int, high: int) -> int | None:
    """The probed release strictly between two indices that is nearest their middle."""
    middle = (low + high) // 2
    for step in range(high - low):
        for index in (middle + step, middle - step - 1):
            if low < index < high and outcome(releases[index]) is not None:
                return index
    return None


def first_change(releases: Sequence[str], outcome: Outcome, low: int, high: int) -> tuple[int, int]:
    """Binary-search for the first release after `low` whose result differs from `low`'s.

    Args:
        releases: Every final release, oldest first.
        outcome: The case's result on a release.
        low: An index whose result is the old one.
        high: A later index whose result is not.

    Returns:
        `(last_old, first_new)`: the indices of the last probed release with the
        old result and the first with another, with nothing probed between them.
        Exact provided the result, once changed, does not change back before
        `high`.
    """
    old = outcome(releases[low])
    while (index := _nearest_probed(releases, outcome, low, high)) is not None:
        if outcome(releases[index]) == old:
            low = index
        else:
            high = index
    return low, high


def boundaries(releases: Sequence[str], outcome: Outcome, case: str) -> list[Boundary]:
    """Every boundary between the oldest and the newest probed release, found by bisection.

    Args:
        releases: Every final release, oldest first.
        outcome: The case's result on a release.
        case: The case's name, for the boundaries.

    Returns:
        The boundaries, oldest first; empty if the oldest and newest results agree.
    """
    low = next(i for i in range(len(releases)) if outcome(releases[i]) is not None)
    newest = next(i for i in reversed(range(len(releases))) if outcome(releases[i]) is not None)
    found: list[Boundary] = []
    while (old := outcome(releases[low])) != outcome(releases[newest]):
        last_old, first_new = first_change(releases, outcome, low, newest)
        new = outcome(releases[first_new])
        assert old is not None
        assert new is not None
        skipped = tuple(releases[last_old + 1 : first_new])
        found.append(Boundary(case, releases[last_old], releases[first_new], old, new, skipped))
        low = first_new
    return found


def transitions(releases: Sequence[str], outcome: Outcome, case: str) -> list[Boundary]:
    """Every change of a case's result, found by walking all probed releases in order."""
    found: list[Boundary] = []
    previous: int | None = None
    for index, release in enumerate(releases):
        current = outcome(release)
        if current is None:
            continue
        if previous is not None and (old := outcome(releases[previous])) != current:
            assert old is not None
            skipped = tuple(releases[previous + 1 : index])
            found.append(Boundary(case, releases[previous], release, old, current, skipped))
        previous = index
    return found
