"""Render `docs/explanation/version-history.md` from `history/results.json`.

Everything measured comes from the data file; the words for each change come
from `attributions.ATTRIBUTIONS`. `render` is a pure function of the data and
of today's case names, so the test suite can check that the committed page is
the rendered one. The page leads with one table a learner can read in a
minute; each change's evidence is folded (`???`, pymdownx.details) below it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from history.attributions import ATTRIBUTIONS, Behaviour, NoChange
from history.attributions import behaviour_pairs as _behaviour_pairs
from history.outcomes import outcome_from_data

Data = dict[str, Any]
Pair = tuple[str, str]

FIELD_WORDS = {
    "returned": "the return value",
    "raised": "the exception",
    "existing_prompts": "`existing_prompts`",
    "calls": "the cache calls",
    "cached": "what the caches hold",
}
"""Each outcome field, in the words the page uses for it."""


class MissingNote(LookupError):
    """A change in the data has no `Behaviour` in `attributions.ATTRIBUTIONS`."""


def not_yet_run(data: Data, case_names: Sequence[str]) -> list[str]:
    """Today's cases that the data has no results for (added since it was recorded)."""
    recorded = {case["name"] for case in data["cases"]}
    return [name for name in case_names if name not in recorded]


def _behaviour(pair: Pair) -> Behaviour:
    found = ATTRIBUTIONS.get(pair)
    if not isinstance(found, Behaviour):
        raise MissingNote(f"no Behaviour for the change {pair[0]} -> {pair[1]}")
    return found


def shown(result: dict[str, Any]) -> str:
    """A direct result as the page shows it: the outcome's lines, or why there is none."""
    if "outcome" in result:
        return outcome_from_data(result["outcome"]).render()
    if "hangs" in result:
        return f"hangs: no answer within {result['hangs']:g} s"
    if "not_available" in result:
        why = f"not comparable: {result['not_available']}"
    else:
        why = f"the case could not run: {result['error']}"
    return textwrap.fill(why, width=76, subsequent_indent="  ")  # the column fits ~80


def in_words(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What a direct caller sees change, in a few plain words."""
    states = {"outcome": "answers", "hangs": "hangs", "not_available": "not comparable"}
    before = next((word for key, word in states.items() if key in old), "could not run")
    after = next((word for key, word in states.items() if key in new), "could not run")
    if before != "answers" or after != "answers":
        if before == "not comparable" and after == "answers":
            return "can be compared from here on"
        return f"{before} → {after}"
    differ = [
        words for name, words in FIELD_WORDS.items() if old["outcome"][name] != new["outcome"][name]
    ]
    return ", ".join(differ) + " change"


def replay_shown(replay: dict[str, Any]) -> str:
    """A replay through `generate` as lines of text."""
    if "not_expressible" in replay:
        return f"no counterpart through generate: {replay['not_expressible']}"
    if "hangs" in replay:
        return f"hangs: no answer within {replay['hangs']:g} s"
    if "error" in replay:
        return f"the replay could not run: {replay['error']}"
    if replay["raised"] is not None:
        lines = [f"raised:           {replay['raised']}"]
    else:
        lines = [f"generated:        {replay['generated']}"]
    calls = replay["calls"] or ["(none)"]
    lines += [f"calls:            {calls[0]}", *(f"{'':18}{call}" for call in calls[1:])]
    lines.append(f"cache contents:   {replay['cached']}")
    return "\n".join(lines)


def _visible(replay: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in replay.items() if key != "helpers"}


def _table(headers: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    yield "| " + " | ".join(headers) + " |"
    yield "|" + " --- |" * len(headers)
    for row in rows:
        yield "| " + " | ".join(row) + " |"
    yield ""


def _anchor(pair: Pair) -> str:
    return "change-" + pair[1].replace(".", "-")


def _pre(version: str, data: Data) -> str:
    row = next(r for r in data["releases"] if r["version"] == version)
    return version if row["final"] else f"{version} (pre)"


class Change:
    """What the data says happened between two releases."""

    def __init__(self, pair: Pair, data: Data) -> None:
        self.pair = pair
        self.direct: list[dict[str, Any]] = next(
            (b["cases"] for b in data["boundaries"] if _key(b) == pair), []
        )
        self.generate_only: list[dict[str, Any]] = next(
            (g["cases"] for g in data["generate_only_changes"] if _key(g) == pair), []
        )
        replays = data["replays"]
        self.seen_by_generate = any(
            case.get("seen_through_generate", True)
            and _visible(replays[case["case"]][case["replay_old"]])
            != _visible(replays[case["case"]][case["replay_new"]])
            for case in [*self.direct, *self.generate_only]
        )
        results = data["results"]
        self.seen_directly = any(
            not (
                "not_available" in results[c["case"]][c["old"]]
                and "not_available" in results[c["case"]][c["new"]]
            )
            for c in self.direct
        )

    @property
    def who(self) -> str:
        """Who can see the change, in words."""
        if self.seen_directly and self.seen_by_generate:
            return "direct callers, generate users"
        if self.seen_directly:
            return "direct callers"
        if self.seen_by_generate:
            return "generate users"
        return "nobody"


def _key(item: dict[str, Any]) -> Pair:
    return (item["last_old"], item["first_new"])


def changes(data: Data) -> list[Change]:
    """Every pair of releases where a case's outcome changes, oldest first."""
    order = [row["version"] for row in data["releases"]]
    pairs = sorted(_behaviour_pairs(data), key=lambda pair: order.index(pair[1]))
    return [Change(pair, data) for pair in pairs]


def render(data: Data, case_names: Sequence[str]) -> str:
    """The whole page, as Markdown."""
    return "\n".join(_page(data, case_names)) + "\n"


def _page(data: Data, case_names: Sequence[str]) -> Iterator[str]:
    rows = data["releases"]
    ran = [row for row in rows if row["status"] == "ran"]
    finals = sum(row["final"] for row in rows)
    yield "# Version history of the helpers"
    yield ""
    yield "<!-- Generated from history/results.json by `make history`. Do not edit. -->"
    yield ""
    yield (
        "A tutorial written against an older langchain-core shows that release's behaviour."
        " This page says what changed in the cache helpers, in which release, and who can"
        f" notice. It covers all {len(rows)} releases, {rows[0]['version']} to"
        f" {rows[-1]['version']} ({finals} final releases and {len(rows) - finals}"
        f" pre-releases): every case was run on each of the {len(ran)} that install here, and"
        " the source of the helpers, and of what they call, was compared release to release."
    )
    yield ""
    yield from _summary(data)
    yield from _words()
    yield from _details(data)
    yield from _invisible(data)
    yield from _signatures(data)
    yield from _missing(data, case_names)
    yield from _method(data)


def _words() -> Iterator[str]:
    yield "## Words used here"
    yield ""
    for term, meaning in (
        (
            "Direct callers",
            "code that calls `update_cache`, `get_prompts` or their async"
            " twins itself, as the tutorials do.",
        ),
        (
            "Generate users",
            "code that calls `llm.generate(...)` or `await"
            " llm.agenerate(...)`, which call the helpers for it. Most code does this.",
        ),
        (
            "A case",
            "one call to one helper, described in the"
            " [behaviour matrix](../reference/behaviour-matrix.md), with what it should do.",
        ),
        (
            "Last before, first with",
            "the two neighbouring releases a change falls between:"
            " the last one that behaves the old way and the first that behaves the new way.",
        ),
        (
            "Not comparable",
            "the release cannot make the case's call at all: the helper does"
            " not exist yet, or has no `cache` parameter, so there is nothing to compare.",
        ),
        ("Hangs", "the call had not returned after the time limit, and never would."),
        (
            "Pre-release",
            "an alpha, beta, release candidate or development release"
            " (`1.0.0a7`, `0.3.0.dev5`); they sort by version number, not by date.",
        ),
    ):
        yield f"- **{term}**: {meaning}"
    yield ""


def _summary(data: Data) -> Iterator[str]:
    yield "## What changed, release by release"
    yield ""
    rows = []
    for change in changes(data):
        note = _behaviour(change.pair)
        old, new = change.pair
        link = f"[{_pre(new, data)}](#{_anchor(change.pair)})"
        rows.append([f"{_pre(old, data)} → {link}", note.summary, change.who])
    yield from _table(["last before → first with", "what changed", "who can see it"], rows)
    quiet = [c for c in data["source_changes"] if _key(c) not in _behaviour_pairs(data)]
    yield (
        f"{len(data['source_changes'])} pairs of neighbouring releases differ in the source"
        f" the helpers depend on; in {len(quiet)} of them nobody can see the difference"
        " (see [Source changes nobody can see](#source-changes-nobody-can-see))."
    )
    yield ""


def _details(data: Data) -> Iterator[str]:
    yield "## Each change in detail"
    yield ""
    yield "Open a change to see every case it affects, and one of them before and after."
    yield ""
    for change in changes(data):
        note = _behaviour(change.pair)
        old, new = change.pair
        yield f'<a id="{_anchor(change.pair)}"></a>'
        yield ""
        yield f'??? note "{old} → {new}: {note.title}"'
        yield ""
        for text in _change_body(change, note, data):
            for line in text.split("\n"):
                yield f"    {line}" if line else ""
        yield ""


def _change_body(change: Change, note: Behaviour, data: Data) -> Iterator[str]:
    yield note.why
    yield ""
    if note.links:
        yield "Upstream: " + ", ".join(f"[{label}]({url})" for label, url in note.links) + "."
        yield ""
    source = next((c for c in data["source_changes"] if _key(c) == change.pair), None)
    if source is None:
        yield "Nothing in the source the comparison reads changed here."
    else:
        units = ", ".join(sorted({_unit_words(u) for u in source["units"]}))
        yield f"The source that changed here: {units}."
    yield ""
    results = data["results"]
    rows: list[list[str]] = []
    both_unavailable = 0
    example: tuple[int, str, str, str] | None = None
    for case in change.direct:
        before, after = results[case["case"]][case["old"]], results[case["case"]][case["new"]]
        if "not_available" in before and "not_available" in after:
            both_unavailable += 1
            continue
        seen = case["seen_through_generate"]
        rows.append([f"`{case['case']}`", in_words(before, after), "changes" if seen else "same"])
        # The example: a case that answers on both sides if there is one.
        rank = ("not_available" not in before) + ("not_available" not in after)
        if example is None or rank > example[0]:
            example = (rank, case["case"], shown(before), shown(after))
    for case in change.generate_only:
        rows.append([f"`{case['case']}`", "same", "changes"])
    if rows:
        yield from _table(["case", "called directly", "through `generate`"], rows)
    if both_unavailable:
        yield (
            f"{both_unavailable} more cases are not comparable on either release; only the"
            " reason changes."
        )
        yield ""
    confirmed = next((b["confirmed"] for b in data["boundaries"] if _key(b) == change.pair), None)
    if confirmed is not None:
        word = "the same results again" if confirmed else "DIFFERENT results: not confirmed"
        yield f"Both releases were installed and run a second time: {word}."
        yield ""
    yield from _example(change, example, data)


def _example(
    change: Change, example: tuple[int, str, str, str] | None, data: Data
) -> Iterator[str]:
    """One case before and after: called directly if any changed so, else through generate."""
    old, new = change.pair
    replays = data["replays"]
    if example is not None:
        _, name, before, after = example
        yield f"`{name}`, called directly, in {old}:"
        yield ""
        yield f"```text\n{before}\n```"
        yield ""
        yield f"and in {new}:"
        yield ""
        yield f"```text\n{after}\n```"
        yield ""
    elif change.generate_only or change.direct:
        case = (change.generate_only or change.direct)[0]
        pair = [replays[case["case"]][case[k]] for k in ("replay_old", "replay_new")]
        yield f"`{case['case']}` through `generate`, in {old}:"
        yield ""
        yield f"```text\n{replay_shown(pair[0])}\n```"
        yield ""
        yield f"and in {new}:"
        yield ""
        yield f"```text\n{replay_shown(pair[1])}\n```"
        yield ""


def _unit_words(unit: str) -> str:
    path, _, name = unit.partition(":")
    module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    return f"`{name}` ({module.removeprefix('langchain_core.')})"


def _invisible(data: Data) -> Iterator[str]:
    yield "## Source changes nobody can see"
    yield ""
    behaviour = _behaviour_pairs(data)
    quiet = [c for c in data["source_changes"] if _key(c) not in behaviour]
    yield (
        f"In these {len(quiet)} pairs of releases the source changed but no case's outcome"
        " did; each is checked by hand, and the reason is one a reader can check against the"
        " source."
    )
    yield ""
    yield '??? info "The list"'
    yield ""
    rows = []
    for change in quiet:
        found = ATTRIBUTIONS.get(_key(change))
        reason = found.reason if isinstance(found, NoChange) else "(not attributed)"
        units = ", ".join(sorted({_unit_words(u) for u in change["units"]}))
        rows.append([f"{change['last_old']} → {change['first_new']}", units, reason])
    for line in _table(["releases", "what changed", "why nobody can see it"], rows):
        yield f"    {line}" if line else ""


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
    module = signature["module"].removeprefix("langchain_core.")
    return f"{prefix}{module}.{name}({', '.join(parts)})"


def _structural(signature: dict[str, Any] | None) -> object:
    if signature is None:
        return None
    shape = [(p["name"], p["kind"], p.get("default")) for p in signature["parameters"]]
    return (signature["module"], signature["async"], shape)


def _signatures(data: Data) -> Iterator[str]:
    yield "## Signatures"
    yield ""
    yield (
        "Where each helper lives and the parameters it takes (names, order, defaults),"
        " release by release; changes to type hints alone are left out. `_resolve_cache`"
        " is private."
    )
    yield ""
    yield '??? info "Every change of signature"'
    yield ""
    rows = []
    for change in data["signature_changes"]:
        helper, values = change["helper"], data["signatures"][change["helper"]]
        old = None if change["old"] is None else values[change["old"]]
        new = None if change["new"] is None else values[change["new"]]
        if _structural(old) == _structural(new):
            continue
        rows.append(
            [
                f"{change['last_old']} → {change['first_new']}",
                f"`{signature_text(old, helper)}`",
                f"`{signature_text(new, helper)}`",
            ]
        )
    for line in _table(["releases", "before", "after"], rows):
        yield f"    {line}" if line else ""


def _missing(data: Data, case_names: Sequence[str]) -> Iterator[str]:
    missing = not_yet_run(data, case_names)
    yield "## Cases not yet run against old releases"
    yield ""
    if not missing:
        yield "None: every case in today's table was run against every release above."
    else:
        yield (
            "These cases were added to the table after the history was recorded; `make"
            " history` runs them on every release:"
        )
        yield ""
        yield from (f"- `{name}`" for name in missing)
    yield ""


def _method(data: Data) -> Iterator[str]:
    rows = data["releases"]
    ran = [row for row in rows if row["status"] == "ran"]
    yield "## How this was measured"
    yield ""
    pythons = sorted({row["python"] for row in ran})
    langchain = {row["environment"]["langchain_importable"] for row in ran}
    extras = ", ".join(f"`{name}`" for name in data["extra_requirements"])
    yield (
        "`make history` (`python -m history`) does it all. Each release is installed with uv"
        f" in a fresh environment (Python {', '.join(pythons)}), with {extras} added because"
        " the 0.0.x releases import them without declaring them. There every case is run"
        " against that release's own helpers, and replayed through `llm.generate` or"
        " `llm.agenerate` with a scripted model. Each case has a time limit of"
        f" {data['time_limit']:g} s; a case that reaches it is recorded as *hangs*. Every"
        " change was found by walking the releases in order, and confirmed by installing"
        " and running both releases again."
    )
    yield ""
    assumed = "was not" if langchain == {False} else "was" if langchain == {True} else "varied: it"
    yield (
        f"The `langchain` package {assumed} installed in any run. Some cases depend on it:"
        " old releases read the `langchain` package's global cache. The cases that show it"
        " put a stand-in `langchain` module in place for the call only, so a release that"
        " looks for `langchain` once, at import, does not see it."
    )
    yield ""
    yield (
        "The static comparison reads each release's wheel without installing it. It takes"
        " the four helpers and `_resolve_cache`, `BaseCache`'s default async methods,"
        " `get_llm_cache` and `set_llm_cache`, the lines of `BaseLLM.generate` and"
        " `agenerate` that mention the cache, and the `cache` field of the models; then every"
        " function of langchain-core those call by name (so `run_in_executor`) and every"
        " module-level value they read. It compares them release to release with docstrings"
        " and comments stripped, and once more with type annotations stripped too."
        " `make history` fails if any change is not attributed in `history/attributions.py`,"
        " either to the cases whose outcome changes there or to a reason nobody can see it."
    )
    yield ""
    for row in rows:
        if row["status"] == "ran":
            continue
        index = rows.index(row)
        same = index > 0 and rows[index - 1]["source"] == row["source"]
        verdict = (
            f"its source, read from its wheel, is identical to {rows[index - 1]['version']}'s"
            if same
            else "its source, read from its wheel, differs from the release before's"
        )
        why = (
            f"it needs `{row['needs']}`, which this machine's package index does not have"
            if "needs" in row
            else "uv could not install it (the data file keeps uv's message)"
        )
        tail = ", so its cases would be expected to behave the same" if same else ""
        yield f"{row['version']} could not be installed here: {why}. {verdict.capitalize()}{tail}."
        yield ""
