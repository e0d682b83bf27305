"""Loops kept readable: a block of steps that repeats many times, shown a few times and counted.

A helper given a thousand prompts runs the same few lines a thousand times.
`fold` finds each run of a repeating block of lines and keeps its first
repetitions and its last, putting a `Repeat` (which lines, how many times,
how many events they caused) in place of the rest. Steps a reader must see
(the first difference, say) are never folded away.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from llm_cache_reference.trace.steps import Step

__all__ = ["Repeat", "fold"]


@dataclass(frozen=True)
class Repeat:
    """Repetitions of a block of steps left out of a listing.

    Attributes:
        lines: The block's line numbers, in the order it runs them.
        times: How many repetitions were left out.
        events: How many events they caused.
    """

    lines: tuple[int, ...]
    times: int
    events: int


def fold(
    steps: Sequence[Step],
    keep: Collection[int] = (),
    shown: int = 2,
    longest: int = 24,
) -> tuple[Step | Repeat, ...]:
    """The steps, with the middle of each long run of a repeating block folded away.

    Args:
        steps: The steps, in order.
        keep: Indices of steps that must stay shown.
        shown: How many repetitions of a block are shown before the fold (the
            last one is shown too); a run is folded only if that leaves out
            at least two.
        longest: The most steps a repeating block may have.

    Examples:
        >>> from llm_cache_reference.trace.steps import State
        >>> state = State((), None, (), 0)
        >>> loop = [Step("line", "f", 0, n, "", (), (), state) for n in (1, 2) * 6]
        >>> [getattr(item, "line", item) for item in fold(loop)]
        [1, 2, 1, 2, Repeat(lines=(1, 2), times=3, events=0), 1, 2]
    """
    shape = [(step.kind, step.depth, step.line) for step in steps]
    folded: list[Step | Repeat] = []
    i = 0
    while i < len(steps):
        period, times = _longest_run(shape, i, longest)
        if times < shown + 3:
            folded.append(steps[i])
            i += 1
            continue
        hidden: list[int] = []  # the repetitions folded away so far, not yet put out
        for rep in range(times):
            start = i + rep * period
            block = range(start, start + period)
            if shown <= rep < times - 1 and not any(n in keep for n in block):
                hidden.append(rep)
                continue
            _put_hidden(folded, steps, i, period, hidden)
            folded += [steps[n] for n in block]
        i += times * period
    return tuple(folded)


def _longest_run(shape: Sequence[tuple[str, int, int]], i: int, longest: int) -> tuple[int, int]:
    """The block starting at `i` that covers the most steps by repeating: its length, its count."""
    best = (1, 1)
    for period in range(1, longest + 1):
        block = shape[i : i + period]
        times = 1
        while shape[i + times * period : i + (times + 1) * period] == block:
            times += 1
        if times * period > best[0] * best[1] and times > 1:
            best = (period, times)
    return best


def _put_hidden(
    folded: list[Step | Repeat], steps: Sequence[Step], i: int, period: int, hidden: list[int]
) -> None:
    """Put out the repetitions folded away since the last one shown, as one `Repeat`."""
    if not hidden:
        return
    events = sum(len(steps[i + rep * period + n].events) for rep in hidden for n in range(period))
    lines = tuple(steps[i + n].line for n in range(period))
    folded.append(Repeat(lines, len(hidden), events))
    hidden.clear()
