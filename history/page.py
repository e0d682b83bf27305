"""Render `docs/explanation/version-history.md` from `history/results.json`.

Everything measured on the page comes from the data file; the words that
explain each change come from `notes.NOTES`. `render` is a pure function of the
data, so the test suite can check that the committed page is the rendered one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from history.notes import NOTES, Note
from llm_cache_reference import harness

Data = dict[str, Any]
Change = dict[str, Any]

STRUCTURAL = frozenset({"added", "removed", "module", "async", "parameters"})
"""Signature aspects that make a change of their own (annotations alone do not)."""

SURROUNDINGS = {
    "base_cache_methods": "methods of `BaseCache`",
    "llm_cache_field": "the LLM's `cache` field accepts",
}


class MissingNote(LookupError):
    """A change in the data has no note in `notes.NOTES`."""


def _note(change: Change) -> Note:
    key = (change["last_old"], change["first_new"])
    if key not in NOTES:
        cases = [c["case"] for c in [*change["cases"], *change["generate_only"]]]
        helpers = [s["helper"] for s in change["signatures"]]
        raise MissingNote(
            f"no note for the change {key[0]} -> {key[1]} ({', '.join(cases + helpers)})"
        )
    return NOTES[key]


def shown(result: dict[str, Any]) -> str:
    """A direct result as the page shows it: the outcome's lines, or why there is none."""
    if "outcome" in result:
        return harness.render(harness.display(result["outcome"]))
    if "not_available" in result:
        return f"not available: {result['not_available']}"
    return f"the case could not run: {result['error']}"


def change_in_words(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What a direct caller sees change, in a few words."""
    if "outcome" not in old:
        return "becomes available" if "outcome" in new else "still not available (new reason)"
    if "outcome" not in new:
        return "stops being available"
    before, after = old["outcome"], new["outcome"]
    changed = [name for name in harness.FIELD_LABELS if before[name] != after[name]]
    return ", ".join(changed) + " differ"


def replay_shown(replay: dict[str, Any]) -> str:
    """A replay through `generate` as lines of text, with the helper calls it made."""
    if "not_expressible" in replay:
        return f"no counterpart through generate: {replay['not_expressible']}"
    if "error" in replay:
        return f"the replay could not run: {replay['error']}"
    if replay["raised"] is not None:
        lines = [f"raised:           {replay['raised']}"]
    else:
        lines = [
            f"generated:        {replay['generated']}",
            f"llm_output:       {replay['llm_output']}",
        ]
    lines += _aligned("calls:", replay["calls"])
    lines.append(f"cache contents:   {replay['cached']}")
    lines += _aligned("helpers called:", replay["helpers"])
    return "\n".join(lines)


def _aligned(label: str, items: list[str]) -> list[str]:
    items = items or ["(none)"]
    return [f"{label:<18}{items[0]}", *(f"{'':<18}{item}" for item in items[1:])]


def signature_text(signature: dict[str, Any] | None, name: str) -> str:
    """A helper's signature as one line: `async module.name(a, b, *, c=None)`."""
    if signature is None:
        return "(absent)"
    parts = []
    for parameter in signature["parameters"]:
        if parameter["kind"] == "KEYWORD_ONLY" and "*" not in parts:
            parts.append("*")
        default = f"={parameter['default']}" if "default" in parameter else ""
        parts.append(parameter["name"] + default)
    prefix = "async " if signature["async"] else ""
    return f"{prefix}{signature['module']}.{name}({', '.join(parts)})"


def changes(data: Data) -> list[Change]:
    """Every change, oldest first, one per pair of neighbouring releases.

    A change gathers what happened between the same two releases: the cases
    whose direct result changed (found by bisection), the cases that changed
    only through `generate`, and the structural signature changes.
    """
    order = [row["version"] for row in data["releases"]]
    merged: dict[tuple[str, str], Change] = {}

    def entry(item: dict[str, Any]) -> Change:
        key = (item["last_old"], item["first_new"])
        blank: Change = {"cases": [], "generate_only": [], "signatures": [], "skipped": []}
        return merged.setdefault(key, {**blank, "last_old": key[0], "first_new": key[1]})

    for boundary in data["boundaries"]:
        entry(boundary).update(boundary)
    for change in data["generate_only_changes"]:
        entry(change)["generate_only"] = change["cases"]
    for signature in data["signature_changes"]:
        if STRUCTURAL & set(signature["changed"]):
            entry(signature)["signatures"].append(signature)
    return sorted(merged.values(), key=lambda change: order.index(change["first_new"]))


def render(data: Data) -> str:
    """The whole page, as Markdown."""
    return "\n".join(_page(data)) + "\n"


def _page(data: Data) -> Iterator[str]:
    releases = data["releases"]
    ran = [row for row in releases if row["status"] == "ran"]
    yield "# Version history of the helpers"
    yield ""
    yield "<!-- Generated from history/results.json by `make history`. Do not edit. -->"
    yield ""
    yield (
        f"Every behaviour case was run against each of the {len(releases)} final releases"
        f" of langchain-core, {releases[0]['version']} to {releases[-1]['version']}, each"
        f" installed on its own in a throwaway environment; {len(ran)} of them installed and"
        " ran. A tutorial written against an older release shows that release's behaviour:"
        " this page says what changed, in which release, what a direct caller of the"
        " helpers sees, and whether a user of `llm.generate` or `llm.agenerate` can see it"
        " at all."
    )
    yield ""
    yield from _timeline(data)
    yield from _at_a_glance(data)
    yield from _details(data)
    yield from _signatures(data)
    yield from _surroundings(data)
    yield from _method(data)


def _timeline(data: Data) -> Iterator[str]:
    yield "## Timeline"
    yield ""
    yield "```mermaid"
    yield "timeline"
    yield "    title The cache helpers, release by release"
    yield f"    {data['releases'][0]['version']} : first release"
    for change in changes(data):
        yield f"    {change['first_new']} : {_note(change).title}"
    yield "```"
    yield ""


def _table(headers: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """A Markdown table, followed by a blank line."""
    yield "| " + " | ".join(headers) + " |"
    yield "|" + " --- |" * len(headers)
    for row in rows:
        yield "| " + " | ".join(row) + " |"
    yield ""


def _pair(item: dict[str, Any]) -> str:
    return f"{item['last_old']} → {item['first_new']}"


def _anchor(change: Change) -> str:
    version: str = change["first_new"]
    return "change-" + version.replace(".", "-")


def _visible_count(change: Change, data: Data) -> str:
    counted = [
        c
        for c in change["cases"]
        if "not_expressible" not in data["replays"][c["case"]][c["replay_new"]]
    ]
    seen = sum(c["seen_through_generate"] for c in counted) + len(change["generate_only"])
    total = len(counted) + len(change["generate_only"])
    return f"{seen} of {total}" if total else "—"


def _at_a_glance(data: Data) -> Iterator[str]:
    yield "## Changes at a glance"
    yield ""
    yield (
        "Each row is a pair of neighbouring releases: the last with the old behaviour and"
        " the first with the new. *Cases* counts the behaviour cases whose direct result"
        " changed; *visible* counts the cases in which a `generate` user sees a difference"
        " (what `generate` returns or raises, the model and cache calls, or what the cache"
        " holds), out of those that can be replayed through `generate` at all."
    )
    yield ""
    headers = ["last old → first new", "change", "a direct caller sees"]
    headers += ["a `generate` user sees", "cases", "visible"]
    yield from _table(
        headers,
        (
            [
                _pair(change),
                f"[{_note(change).title}](#{_anchor(change)})",
                _note(change).direct,
                _note(change).through_generate,
                str(len(change["cases"]) or "—"),
                _visible_count(change, data),
            ]
            for change in changes(data)
        ),
    )


def _details(data: Data) -> Iterator[str]:
    yield "## Each change"
    yield ""
    yield (
        "Each change lists every case it affects: what a direct call shows, and whether the"
        " same case replayed through `generate` shows a difference. Cases whose direct"
        " result changed from one behaviour to another are shown in full; of the cases"
        " that only become available, or change only through `generate`, the first is"
        " shown as an example."
    )
    yield ""
    for change in changes(data):
        note = _note(change)
        last_old, first_new = change["last_old"], change["first_new"]
        yield f"### {_pair(change)}: {note.title} {{#{_anchor(change)}}}"
        yield ""
        yield note.why
        yield ""
        if note.links:
            yield "Upstream: " + ", ".join(f"[{label}]({url})" for label, url in note.links) + "."
            yield ""
        if change["cases"]:
            confirmed = "confirmed" if change["confirmed"] else "NOT reproduced"
            yield (
                f"Bisection put the change between {last_old} and {first_new}; both releases"
                f" were installed and run again: {confirmed}."
            )
            if change["skipped"]:
                skipped = ", ".join(change["skipped"])
                yield f"Releases between them that could not be run: {skipped}."
            yield ""
        for signature in change["signatures"]:
            yield from _signature_lines(signature, data)
        if change["signatures"]:
            yield ""
        if change["cases"] or change["generate_only"]:
            yield from _case_table(change, data)
            yield from _examples(change, data)


def _signature_lines(signature: dict[str, Any], data: Data) -> Iterator[str]:
    helper = signature["helper"]
    values = data["signatures"][helper]
    old = None if signature["old"] is None else values[signature["old"]]
    new = None if signature["new"] is None else values[signature["new"]]
    yield (f"- `{helper}`: `{signature_text(old, helper)}` → `{signature_text(new, helper)}`")


def _verdict(data: Data, case: dict[str, Any]) -> str:
    replays = data["replays"][case["case"]]
    old, new = replays[case["replay_old"]], replays[case["replay_new"]]
    if "not_expressible" in new:
        return "no counterpart"
    if case.get("seen_through_generate", True):
        return "**visible**"
    if old == new:
        return "no difference"
    return "not visible: only the helpers' own results differ"


def _case_table(change: Change, data: Data) -> Iterator[str]:
    rows = []
    for case in change["cases"]:
        results = data["results"][case["case"]]
        words = change_in_words(results[case["old"]], results[case["new"]])
        rows.append([f"`{case['case']}`", words, _verdict(data, case)])
    for case in change["generate_only"]:
        rows.append([f"`{case['case']}`", "no change", _verdict(data, case)])
    yield from _table(["case", "called directly", "through `generate`"], rows)


def _examples(change: Change, data: Data) -> Iterator[str]:
    groups: dict[tuple[str, ...], list[str]] = {}
    example_shown = False
    for case in change["cases"]:
        results, replays = data["results"][case["case"]], data["replays"][case["case"]]
        old, new = results[case["old"]], results[case["new"]]
        key = (
            shown(old),
            shown(new),
            replay_shown(replays[case["replay_old"]]),
            replay_shown(replays[case["replay_new"]]),
            _verdict(data, case),
        )
        if "outcome" in old and "outcome" in new:
            groups.setdefault(key, []).append(case["case"])
        elif "outcome" in new and not example_shown:
            example_shown = True
            groups[key] = [case["case"]]
    for (old, new, replay_old, replay_new, verdict), names in groups.items():
        block = _case_block(change, (old, new), (replay_old, replay_new), verdict)
        yield from _admonition(", ".join(names), block)
    for case in change["generate_only"][:1]:
        replays = data["replays"][case["case"]]
        pair = (
            replay_shown(replays[case["replay_old"]]),
            replay_shown(replays[case["replay_new"]]),
        )
        yield from _admonition(case["case"], _before_after(change, "Through `generate`", pair))


def _admonition(title: str, lines: Iterable[str]) -> Iterator[str]:
    yield f'??? example "{title}"'
    yield ""
    for text in lines:
        for line in text.split("\n"):
            yield f"    {line}" if line else ""
    yield ""


def _before_after(change: Change, label: str, pair: tuple[str, str]) -> Iterator[str]:
    for version, text in zip((change["last_old"], change["first_new"]), pair, strict=True):
        yield f"{label}, {version}:"
        yield ""
        yield f"```text\n{text}\n```"
        yield ""


def _case_block(
    change: Change, direct: tuple[str, str], replay: tuple[str, str], verdict: str
) -> Iterator[str]:
    yield from _before_after(change, "Called directly", direct)
    if replay[0] == replay[1]:
        yield f"Through `generate`, {change['last_old']} and {change['first_new']} alike:"
        yield ""
        yield f"```text\n{replay[1]}\n```"
        return
    if verdict == "**visible**":
        yield "Through `generate` the change is visible."
    else:
        yield (
            "Through `generate` the change is not visible: what `generate` returned, the"
            " calls and the cache are the same; only what the helpers returned inside it"
            " differs."
        )
    yield ""
    yield from _before_after(change, "Through `generate`", replay)


def _signatures(data: Data) -> Iterator[str]:
    yield "## Signatures"
    yield ""
    yield (
        "Each helper's signature compared release by release: its parameters (names, order,"
        " kinds, defaults), the module it is found in, and whether it is async."
        " `_resolve_cache` is private."
    )
    yield ""
    annotations_only, rows = [], []
    for change in data["signature_changes"]:
        if not STRUCTURAL & set(change["changed"]):
            annotations_only.append(change)
            continue
        helper = change["helper"]
        values = data["signatures"][helper]
        old = None if change["old"] is None else values[change["old"]]
        new = None if change["new"] is None else values[change["new"]]
        rows.append(
            [
                f"`{helper}`",
                _pair(change),
                ", ".join(change["changed"]),
                f"`{signature_text(old, helper)}`",
                f"`{signature_text(new, helper)}`",
            ]
        )
    yield from _table(["helper", "last old → first new", "what changed", "before", "after"], rows)
    yield "Changes to the annotations alone (the type hints, not the parameters):"
    yield ""
    for change in annotations_only:
        yield f"- `{change['helper']}`: {_pair(change)}"
    yield ""


def _surroundings(data: Data) -> Iterator[str]:
    yield "## Around the helpers"
    yield ""
    yield (
        "Two facts outside the helpers explain some of the changes: which cache methods"
        " `BaseCache` defines, and what kinds of value the LLM's `cache` field accepts."
    )
    yield ""
    rows = (
        [
            SURROUNDINGS[change["fact"]],
            _pair(change),
            *(change[side].replace(" | ", ", ") for side in ("old", "new")),
        ]
        for change in data["surroundings_changes"]
    )
    yield from _table(["fact", "last old → first new", "before", "after"], rows)


def _method(data: Data) -> Iterator[str]:
    yield "## How this was measured"
    yield ""
    extras = ", ".join(f"`{name}`" for name in data["extra_requirements"])
    yield (
        "`make history` (`python -m history`) lists langchain-core's final releases on the"
        " package index and installs each with uv in a fresh environment, adding"
        f" {extras}, which the 0.0.x releases import without declaring. There it runs every"
        " case against that release's own helpers. Older helpers lack the async twins or the"
        " `cache` argument: the adapter (`history/adapter.py`) runs a case only where its"
        " meaning is clear (a `cache=None` case against a helper that always used the global"
        " cache) and otherwise records why not. Each case is also replayed through"
        " `llm.generate` or `llm.agenerate` with a scripted model, spying on the helpers"
        " (`history/through_generate.py`). Every change was then found by bisection over the"
        " ordered list of releases and confirmed by running both neighbours again."
    )
    yield ""
    if data["missed_by_bisection"]:
        yield "Changes the release-by-release walk found and bisection did not:"
        yield ""
        for miss in data["missed_by_bisection"]:
            yield f"- `{miss['case']}`: {miss['last_old']} → {miss['first_new']}"
    else:
        yield (
            "Walking every release in turn finds no change that bisection missed: no case"
            " changed and later changed back."
        )
    yield ""
    for status, label in (
        ("not installable", "Could not be installed here"),
        ("probe failed", "Installed, but the probe failed"),
    ):
        rows = [row for row in data["releases"] if row["status"] == status]
        if rows:
            yield f"{label}:"
            yield ""
            for row in rows:
                yield f"- {row['version']}: {' '.join(row['reason'].split())}"
            yield ""
