"""Render the generated parts of the docs page "Concurrent write-back", and its chart.

The page's prose is written by hand. Between `<!-- generated: NAME -->` and
`<!-- end generated: NAME -->` markers it holds parts produced here, from two sources:

- running code: the behaviour cases and a few extra scenarios, observed against
  langchain-core's `aupdate_cache` and against `aupdate_cache_concurrent`;
- the benchmark's data file, `experiment/concurrent_writeback.json`: the machine,
  the tables of medians (simulated latency, none, and a real Redis), and the chart
  `docs/explanation/concurrent-writeback.svg`.

`python -m experiment.page` rewrites both files; a test checks
that the committed ones are what this module renders.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import types
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.language_models import llms as langchain_llms

from experiment.experimental import aupdate_cache_concurrent
from llm_cache_reference.cases import CASES, CASES_BY_NAME, Case
from llm_cache_reference.harness import CacheCall, CaseResult, Scenario, observe, run_cases

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "explanation" / "concurrent-writeback.md"
CHART = ROOT / "docs" / "explanation" / "concurrent-writeback.svg"
DATA = ROOT / "experiment" / "concurrent_writeback.json"

CONCURRENT = types.SimpleNamespace(aupdate_cache=aupdate_cache_concurrent)
"""The candidate the cases run against: the experiment, under `aupdate_cache`'s name."""

WRITE_BACK_CASES: tuple[Case, ...] = tuple(
    case for case in CASES if case.scenario.function == "aupdate_cache"
)
"""The cases for `aupdate_cache`; the other helpers' cases do not apply."""

EXAMPLES: dict[str, Scenario] = {
    "overlap": CASES_BY_NAME["awaits-each-write[aupdate_cache]"].scenario,
    "first-write-fails": Scenario("aupdate_cache", flavour="async", fail_on_write=1),
    "repeated-prompt": Scenario(
        "aupdate_cache", flavour="async", prompts=("a", "b", "a"), missing_prompt_idxs=(0, 2)
    ),
}
"""Scenarios the page shows in full, observed against both implementations."""

SEQUENTIAL = "langchain-core"
SERIES = ("langchain-core", "reference", "concurrent")
GOAL_SIZE, GOAL_RATIO, GOAL_FLOOR_MULTIPLE = 100, 1 / 20, 2


# --- The behaviour cases ---------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """How the experiment fared on one case, and why, in words.

    Attributes:
        agree: Whether it did exactly what langchain-core did.
        explained: Whether the reason is one this module recognises. A difference it
            cannot explain is shown as it is, and the page's test fails on it.
        reason: One sentence for the page.
        kind: For an explained difference, what differs, in a few words for the page's
            summary ("their order"); empty otherwise.
    """

    agree: bool
    explained: bool
    reason: str
    kind: str = ""


def verdict(result: CaseResult[Case]) -> Verdict:
    """Explain one case's result from what the two runs logged."""
    expected, actual = result.expected, result.actual
    writes = _writes(expected.calls)
    if result.agree:
        if writes == 0:
            why = "No cache write is made, so there is nothing to overlap."
        elif writes == 1:
            why = "One write only: nothing to overlap."
        elif result.case.scenario.flavour != "async":
            why = (
                f"The cache has no `aupdate` of its own, so its {writes} writes are made"
                " one at a time, as langchain-core makes them."
            )
        else:
            return Verdict(agree=True, explained=False, reason="Not explained: no overlap.")
        return Verdict(agree=True, explained=True, reason=why)
    if result.differing == ("calls",) and Counter(expected.calls) == Counter(actual.calls):
        begun = [i for i, call in enumerate(actual.calls) if call.phase == "begins"]
        ended = [i for i, call in enumerate(actual.calls) if call.phase == "ends"]
        if begun and ended and max(begun) < min(ended):
            failed = len(begun) - len(ended)
            tail = f", and {failed} of them raise{'s' if failed == 1 else ''}" if failed else ""
            return Verdict(
                agree=False,
                explained=True,
                reason=(
                    "The same cache calls and the same outcome, in another order: the"
                    f" {len(begun)} writes all begin before the first one ends{tail}."
                    " langchain-core ends each write before it begins the next."
                ),
                kind="their order",
            )
    if result.differing == ("calls",) and _left_out_are_overwritten(expected.calls, actual.calls):
        fewer = writes - _writes(actual.calls)
        return Verdict(
            agree=False,
            explained=True,
            reason=(
                f"The same outcome with {fewer} write{'s' * (fewer != 1)} fewer: a prompt that"
                " misses more than once is written once, with its last generation list"
                " ([why](#a-repeated-prompt-is-written-once)). langchain-core writes it each"
                " time, and its last write wins."
            ),
            kind="how many writes are made",
        )
    return Verdict(
        agree=False,
        explained=False,
        reason="Not explained: " + result.difference.replace("\n", "; "),
    )


def _left_out_are_overwritten(
    expected: tuple[CacheCall, ...], actual: tuple[CacheCall, ...]
) -> bool:
    """Whether the experiment made langchain-core's calls, in order, less some writes.

    Each write left out must be replaced later in langchain-core's run by a write to
    the same prompt that the experiment made too.
    """
    kept: list[int] = []
    for call in actual:
        try:
            kept.append(expected.index(call, kept[-1] + 1 if kept else 0))
        except ValueError:
            return False

    def write(call: CacheCall) -> tuple[str, str, tuple[str, ...], str | None]:
        return call.owner, call.method, call.arguments[:1], call.phase

    left_out = [i for i in range(len(expected)) if i not in kept]
    return bool(left_out) and all(
        expected[i].method in ("update", "aupdate")
        and any(write(expected[j]) == write(expected[i]) for j in kept if j > i)
        for i in left_out
    )


def _writes(calls: Iterable[CacheCall]) -> int:
    return sum(
        call.method == "update" or (call.method == "aupdate" and call.phase == "begins")
        for call in calls
    )


class Unexplained(Exception):
    """A case where the experiment and langchain-core part in a way no rule here explains."""


def cases_table(results: list[CaseResult[Case]]) -> str:
    """One row per case: its name, whether it agrees, and why.

    Raises:
        Unexplained: Some case differs in a way `verdict` has no rule for; it names each
            such case, so that the page never shows an unexplained difference.
    """
    verdicts = [(result, verdict(result)) for result in results]
    if unexplained := [(r.case.name, found.reason) for r, found in verdicts if not found.explained]:
        raise Unexplained(
            "; ".join(f"{name}: {reason}" for name, reason in unexplained)
            + ". Add a rule for it to verdict() in experiment/page.py, or change the case."
        )
    rows = ["| case | agrees with langchain-core | why |", "| --- | --- | --- |"]
    for result, found in verdicts:
        mark = "yes" if found.agree else "**no**"
        rows.append(f"| `{result.case.name}` | {mark} | {found.reason} |")
    agreed = sum(result.agree for result in results)
    kinds = Counter(found.kind for _, found in verdicts if not found.agree)
    ways = ", ".join(f"{count} in {kind}" for kind, count in kinds.most_common())
    summary = (
        f"{agreed} of {len(results)} `aupdate_cache` cases agree; the other"
        f" {len(results) - agreed} differ in the cache calls only: {ways}."
    )
    return summary + "\n\n" + "\n".join(rows)


def side_by_side(scenario: Scenario) -> str:
    """The scenario's outcome under langchain-core and under the experiment."""
    blocks = []
    for title, implementation in (
        ("langchain-core: aupdate_cache", langchain_llms),
        ("experiment.experimental: aupdate_cache_concurrent", CONCURRENT),
    ):
        outcome = observe(scenario, implementation).render()
        blocks.append(f'```text title="{title}"\n{outcome}\n```')
    return "\n\n".join(blocks)


# --- The benchmark's data ----------------------------------------------------------------


def medians(samples: dict[str, dict[str, list[float]]]) -> dict[str, dict[int, float]]:
    """The median of each implementation's samples, by size, in seconds."""
    return {
        name: {int(size): statistics.median(values) for size, values in by_size.items()}
        for name, by_size in samples.items()
    }


def machine_block(data: dict[str, Any]) -> str:
    """The machine and the settings, as a list."""
    machine, settings = data["machine"], data["settings"]
    start, end = machine["load_average_at_start"], machine["load_average_at_end"]
    return "\n".join(
        [
            f"- CPU: {machine['cpu']}, {machine['cores']} cores, shared with other work:"
            f" load average {start[0]} at the start, {end[0]} at the end",
            f"- {machine['python']}, langchain-core {machine['langchain_core']},"
            f" langchain-community {machine['langchain_community']},"
            f" redis-py {machine['redis_py']}, Debian's redis-server {machine['redis_server']}",
            f"- taken {data['taken']}, in {data['duration_s']} s;"
            f" {settings['repetitions']} samples per point with latency,"
            f" {settings['overhead_repetitions']} without (each of those the mean of"
            f" {settings['overhead_writes_per_sample']} writes' worth of calls),"
            f" {settings['redis_repetitions']} against Redis",
        ]
    )


def latency_table(data: dict[str, Any]) -> str:
    """Medians with latency, the ratio to the sequential time, and to one write's latency."""
    latency_ms = data["settings"]["latency_ms"]
    return _table(
        data,
        "latency",
        _ms,
        f"concurrent ÷ one write's latency ({_number(latency_ms)} ms)",
        lambda size, concurrent, sequential: f"{concurrent * 1000 / latency_ms:.2f}x",
        "{:.3f}",
    )


def overhead_table(data: dict[str, Any]) -> str:
    """Medians with no latency: what the machinery costs per call and per write."""
    return _table(
        data,
        "overhead",
        _us,
        f"extra per write, concurrent - {SEQUENTIAL}",
        lambda size, concurrent, sequential: _us((concurrent - sequential) / size),
        "{:.0f}x",
    )


def _table(
    data: dict[str, Any],
    key: str,
    duration: Callable[[float], str],
    last_header: str,
    last_cell: Callable[[int, float, float], str],
    ratio_format: str,
) -> str:
    table = medians(data[key])
    rows = [
        f"| N | {' | '.join(SERIES)} | concurrent ÷ {SEQUENTIAL} | {last_header} |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in data["settings"]["sizes"]:
        times = " | ".join(duration(table[name][size]) for name in SERIES)
        concurrent, sequential = table["concurrent"][size], table[SEQUENTIAL][size]
        ratio = ratio_format.format(concurrent / sequential)
        rows.append(f"| {size} | {times} | {ratio} | {last_cell(size, concurrent, sequential)} |")
    return "\n".join(rows)


def redis_table(data: dict[str, Any]) -> str:
    """Medians against a real Redis, by the delay the proxy adds, and what one write costs.

    The last column is the sequential time's growth per extra write, from N = 1 to the
    largest N: about one round trip, if each write costs one.
    """
    sizes: list[int] = data["settings"]["redis_sizes"]
    rows = [
        f"| added delay, each way | N | {' | '.join(SERIES)} | concurrent ÷ {SEQUENTIAL}"
        f" | {SEQUENTIAL}, per extra write |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for delay, samples in data["redis"].items():
        table = medians(samples)
        sequential = table[SEQUENTIAL]
        per_write = (sequential[max(sizes)] - sequential[min(sizes)]) / (max(sizes) - min(sizes))
        where = "none (loopback)" if delay == "0" else f"{delay} ms (proxy)"
        for size in sizes:
            times = " | ".join(_ms(table[name][size]) for name in SERIES)
            ratio = table["concurrent"][size] / sequential[size]
            last = _ms(per_write) if size == max(sizes) else ""
            rows.append(f"| {where} | {size} | {times} | {ratio:.3f} | {last} |")
    return "\n".join(rows)


def goal_block(data: dict[str, Any]) -> str:
    """The goal, what was measured against it, and what zero latency shows."""
    latency_ms = data["settings"]["latency_ms"]
    table = medians(data["latency"])
    concurrent, sequential = table["concurrent"][GOAL_SIZE], table[SEQUENTIAL][GOAL_SIZE]
    ratio, floor = concurrent / sequential, concurrent * 1000 / latency_ms
    free = medians(data["overhead"])
    largest = max(data["settings"]["sizes"])
    extra = (free["concurrent"][largest] - free[SEQUENTIAL][largest]) / largest
    slower = [free["concurrent"][n] / free[SEQUENTIAL][n] for n in data["settings"]["sizes"]]
    alone = table[SEQUENTIAL][min(data["settings"]["sizes"])]
    return "\n".join(
        [
            f"- Goal 1, at N = {GOAL_SIZE} and {_number(latency_ms)} ms per write:"
            f" concurrent time at most 1/20 of sequential. Measured: {_ms(concurrent)}"
            f" against {_ms(sequential)}, a ratio of {ratio:.3f}, which"
            f" {_meets(ratio <= GOAL_RATIO)} the goal of {GOAL_RATIO:.3f}.",
            f"- Goal 2, same point: within {GOAL_FLOOR_MULTIPLE}x one write's latency."
            f" Measured: {floor:.2f}x {_number(latency_ms)} ms, which"
            f" {_meets(floor <= GOAL_FLOOR_MULTIPLE)} the goal. (One write alone,"
            f" langchain-core at N = {min(data['settings']['sizes'])}, measured"
            f" {_ms(alone)}.)",
            f"- With no latency at all, the concurrent version is slower at every N,"
            f" {min(slower):.0f}x to {max(slower):.0f}x langchain-core's time: at N ="
            f" {largest} each write costs about {_us(extra)} more, for its task and"
            f" its trip round the event loop. Concurrency pays only where a write"
            f" waits longer than that.",
        ]
    )


def _meets(met: bool) -> str:
    return "meets" if met else "**misses**"


def _number(value: float) -> str:
    return f"{value:g}"


def _ms(seconds: float) -> str:
    return _three_figures(seconds * 1000) + " ms"


def _us(seconds: float) -> str:
    return _three_figures(seconds * 1_000_000) + " µs"


def _three_figures(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


# --- The chart ---------------------------------------------------------------------------

_COLOURS = {"langchain-core": "#1f5fa8", "reference": "#6aa3e0", "concurrent": "#d9480f"}
_DASHES = {"langchain-core": "", "reference": ' stroke-dasharray="6 4"', "concurrent": ""}
_FLOOR_DASH = ' stroke-dasharray="2 4"'
_WIDTH, _HEIGHT = 720, 430
_LEFT, _RIGHT, _TOP, _BOTTOM = 88, 180, 48, 62


def chart(data: dict[str, Any]) -> str:
    """A log-log line chart of the medians with latency, as a standalone SVG."""
    latency_ms = data["settings"]["latency_ms"]
    sizes: list[int] = data["settings"]["sizes"]
    table = {
        name: {n: s * 1000 for n, s in by.items()} for name, by in medians(data["latency"]).items()
    }
    values = [ms for by in table.values() for ms in by.values()] + [latency_ms]
    low, high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    x_low, x_high = math.log10(min(sizes)) - 0.15, math.log10(max(sizes)) + 0.15

    def x(size: float) -> float:
        return _LEFT + (math.log10(size) - x_low) / (x_high - x_low) * plot_w

    def y(ms: float) -> float:
        return _TOP + plot_h - (math.log10(ms) - low) / (high - low) * plot_h

    title = (
        f"Write-back of N prompts, {_number(latency_ms)} ms per write"
        f" (median of {data['settings']['repetitions']})"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}"'
        f' width="{_WIDTH}" height="{_HEIGHT}" role="img" aria-labelledby="title desc"'
        ' font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="13">',
        f'<title id="title">{title}</title>',
        f'<desc id="desc">{_description(table, sizes, latency_ms)}</desc>',
        f'<rect width="{_WIDTH}" height="{_HEIGHT}" fill="#ffffff"/>',
        f'<text x="{_LEFT}" y="28" font-size="15" font-weight="600" fill="#222">{title}</text>',
    ]
    for exponent in range(low, high + 1):
        ms = 10.0**exponent
        parts.append(_line(_LEFT, y(ms), _LEFT + plot_w, y(ms), "#e3e3e3"))
        parts.append(_text(_LEFT - 8, y(ms) + 4, _duration(ms), anchor="end"))
    for size in sizes:
        parts.append(_line(x(size), _TOP, x(size), _TOP + plot_h, "#e3e3e3"))
        parts.append(_text(x(size), _TOP + plot_h + 20, str(size), anchor="middle"))
    parts.append(_line(_LEFT, _TOP + plot_h, _LEFT + plot_w, _TOP + plot_h, "#888"))
    parts.append(_line(_LEFT, _TOP, _LEFT, _TOP + plot_h, "#888"))
    parts.append(
        _text(_LEFT + plot_w / 2, _HEIGHT - 16, "N, missing prompts written back", anchor="middle")
    )
    parts.append(
        f'<text transform="translate(20 {_TOP + plot_h / 2:.1f}) rotate(-90)"'
        ' text-anchor="middle" fill="#444">median wall time (log scale)</text>'
    )
    floor_y = y(latency_ms)
    parts.append(
        f'<line x1="{_LEFT}" y1="{floor_y:.1f}" x2="{_LEFT + plot_w}" y2="{floor_y:.1f}"'
        f' stroke="#555" stroke-width="1.5"{_FLOOR_DASH}/>'
    )
    for name in SERIES:
        points = " ".join(f"{x(n):.1f},{y(table[name][n]):.1f}" for n in sizes)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{_COLOURS[name]}"'
            f' stroke-width="2.5"{_DASHES[name]}/>'
        )
        parts.extend(
            f'<circle cx="{x(n):.1f}" cy="{y(table[name][n]):.1f}" r="4"'
            f' fill="{_COLOURS[name]}"><title>{name}, N = {n}: {_ms(table[name][n] / 1000)}'
            "</title></circle>"
            for n in sizes
        )
    legend_x = _LEFT + plot_w + 20
    legend = [(name, _COLOURS[name], "2.5", _DASHES[name]) for name in SERIES]
    legend.append((f"one write ({_number(latency_ms)} ms)", "#555", "1.5", _FLOOR_DASH))
    for row, (label, colour, width, dash) in enumerate(legend):
        top = _TOP + 12 + row * 24
        parts.append(
            f'<line x1="{legend_x}" y1="{top}" x2="{legend_x + 26}" y2="{top}"'
            f' stroke="{colour}" stroke-width="{width}"{dash}/>'
        )
        parts.append(_text(legend_x + 34, top + 4, label))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _description(table: dict[str, dict[int, float]], sizes: list[int], latency_ms: float) -> str:
    series = "; ".join(
        f"{name}: " + ", ".join(f"N={n} {_ms(table[name][n] / 1000)}" for n in sizes)
        for name in SERIES
    )
    return f"Median wall time by N, one write taking {_number(latency_ms)} ms. {series}."


def _line(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}"/>'


def _text(x: float, y: float, words: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#444">{words}</text>'


def _duration(ms: float) -> str:
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms:g} ms"


# --- The page ------------------------------------------------------------------------------

_BLOCK = re.compile(
    r"(<!-- generated: (?P<name>[\w-]+) -->\n).*?(<!-- end generated: (?P=name) -->)",
    re.DOTALL,
)


def blocks(data: dict[str, Any]) -> dict[str, str]:
    """Every generated part of the page, by the name its markers carry."""
    parts = {name: side_by_side(scenario) for name, scenario in EXAMPLES.items()}
    parts["cases"] = cases_table(run_cases(CONCURRENT, WRITE_BACK_CASES))
    parts["machine"] = machine_block(data)
    parts["latency"] = latency_table(data)
    parts["overhead"] = overhead_table(data)
    parts["goal"] = goal_block(data)
    parts["redis"] = redis_table(data)
    return parts


def render_page(page: str, parts: dict[str, str]) -> str:
    """Replace what stands between each pair of markers with its part.

    Raises:
        KeyError: A marker names a part there is none of.
        ValueError: A part has no markers on the page.
    """
    used: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        used.add(match["name"])
        return match.group(1) + parts[match["name"]] + "\n" + match.group(3)

    rendered = _BLOCK.sub(replace, page)
    if unused := set(parts) - used:
        raise ValueError(f"no markers on the page for {sorted(unused)}")
    return rendered


def load_data(path: Path = DATA) -> dict[str, Any]:
    """Read the benchmark's data file."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def main(argv: list[str] | None = None) -> None:
    """Rewrite the page's generated parts and the chart from the data file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    data = load_data(args.data)
    try:
        parts = blocks(data)
    except Unexplained as error:
        # make regen stops here, naming the case, and the page is left as it was.
        raise SystemExit(f"{PAGE.relative_to(ROOT)} not written: {error}") from None
    PAGE.write_text(render_page(PAGE.read_text(encoding="utf-8"), parts), encoding="utf-8")
    CHART.write_text(chart(data), encoding="utf-8")
    print(f"rendered {PAGE.relative_to(ROOT)} and {CHART.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
