"""Build the workshop deck: expand the includes in slides/workshop.md, then run Marp CLI.

No code is typed into the deck. Each code fence in the source holds one include
line, in the site's own syntax: `--8<-- "path"` or `--8<-- "path:section"` for a
file the test suite runs (the code in slides/code/ and what it prints, in
slides/expected/), or `--8<-- "command:NAME"` for the command of the recorded
run NAME in tools/recorded_runs.py. The expanded deck is refused if any line of
code is wider than a projector shows.

    python -m site_build.slides OUT_DIR    # writes OUT_DIR/workshop.md and workshop.html

Marp's deck script carries a license comment that links to a CDN; the build
points it at a copy of that license written beside the deck instead.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.recorded_runs import RECORDINGS

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "slides" / "workshop.md"
MARP = ROOT / "node_modules" / ".bin" / "marp"
# Marp's deck script points at its license on a CDN; the deck points at a copy beside it.
MARP_LICENSE = ROOT / "node_modules" / "@marp-team" / "marp-cli" / "lib" / "bespoke.js.LICENSE.txt"
MARP_LICENSE_URL = re.compile(
    r"https://unpkg\.com/@marp-team/marp-cli@[\d.]+/lib/bespoke\.js\.LICENSE\.txt"
)
LICENSE_NAME = "marp-cli-bespoke.js.LICENSE.txt"
CODE_COLUMNS = 60
FENCE = re.compile(r"^```")
INCLUDE = re.compile(r'^--8<-- "(?P<target>[^"]+)"$')
SECTION_MARKER = re.compile(r"--8<-- \[(?P<edge>start|end):(?P<name>[\w-]+)\]")


class DeckError(Exception):
    """The deck source breaks a rule: typed code, a missing include, a line too wide."""


@dataclass(frozen=True)
class Deck:
    """The expanded deck and where its code came from."""

    markdown: str
    includes: tuple[str, ...]


def section(text: str, name: str) -> str:
    """The lines between `--8<-- [start:name]` and `--8<-- [end:name]`, dedented."""
    lines = text.splitlines()
    markers = [(n, m) for n, line in enumerate(lines) if (m := SECTION_MARKER.search(line))]
    starts = [n for n, m in markers if m["edge"] == "start" and m["name"] == name]
    ends = [n for n, m in markers if m["edge"] == "end" and m["name"] == name]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise DeckError(f"no single section {name!r}")
    body = [line for line in lines[starts[0] + 1 : ends[0]] if not SECTION_MARKER.search(line)]
    return textwrap.dedent("\n".join(body))


def command(name: str) -> str:
    """The recorded run's command as a learner types it, wrapped to fit a slide."""
    (recording,) = [r for r in RECORDINGS if r.name == name]
    python = ".venv/bin/python"
    words = [python, "-m", "llm_cache_reference"] if recording.checker else [python]
    words += recording.command
    lines = textwrap.wrap(shlex.join(words), CODE_COLUMNS - 2, break_on_hyphens=False)
    return " \\\n  ".join(lines)


def included(target: str) -> str:
    """What an include line stands for."""
    if target.startswith("command:"):
        return command(target.removeprefix("command:"))
    path, _, name = target.partition(":")
    file = ROOT / path
    if not file.is_file():
        raise DeckError(f"no such file: {path}")
    text = file.read_text()
    return (section(text, name) if name else text).rstrip("\n")


def expand(source: str) -> Deck:
    """Replace every include line in a code fence with what it includes."""
    out: list[str] = []
    includes: list[str] = []
    in_fence = False
    for number, line in enumerate(source.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
        elif in_fence:
            found = INCLUDE.match(line)
            if found is None:
                raise DeckError(f"line {number}: code typed into the deck: {line!r}")
            includes.append(found["target"])
            code = included(found["target"])
            wide = [row for row in code.splitlines() if len(row) > CODE_COLUMNS]
            if wide:
                raise DeckError(f"line {number}: wider than {CODE_COLUMNS} columns: {wide}")
            out.append(code)
        else:
            out.append(line)
    if in_fence:
        raise DeckError("a code fence is not closed")
    return Deck("\n".join(out) + "\n", tuple(includes))


def build(out_dir: Path, wrapper: Sequence[str] = ()) -> Path:
    """Write the expanded deck and the self-contained HTML deck into `out_dir`.

    `wrapper` goes before Marp's command line: the tests pass `unshare` there, to
    build with no network at all.
    """
    deck = expand(SOURCE.read_text())
    out_dir.mkdir(parents=True, exist_ok=True)
    markdown = out_dir / "workshop.md"
    markdown.write_text(deck.markdown)
    html = out_dir / "workshop.html"
    built = subprocess.run(
        [*wrapper, str(MARP), "--no-stdin", str(markdown), "--output", str(html)],
        check=False,
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        raise DeckError(f"marp failed:\n{built.stderr}")
    deck_html, replaced = MARP_LICENSE_URL.subn(LICENSE_NAME, html.read_text())
    if replaced != 1:
        raise DeckError(f"expected one license link in Marp's output, found {replaced}")
    html.write_text(deck_html)
    (out_dir / LICENSE_NAME).write_text(MARP_LICENSE.read_text())
    return html


if __name__ == "__main__":
    try:
        print(f"wrote {build(Path(sys.argv[1]))}")
    except DeckError as error:
        raise SystemExit(f"slides: {error}") from None
