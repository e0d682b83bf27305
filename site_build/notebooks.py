"""Each tutorial script as a Jupyter notebook, generated with jupytext, never edited by hand.

jupytext splits the script into cells. Three things are adjusted, all mechanically:
the module docstring becomes the first Markdown cell; the site's snippet markers
(`# --8<-- [start:name]`) are dropped; and the closing `if __name__ == "__main__":
main()` becomes `await asyncio.to_thread(main)`. A Jupyter kernel already runs an
event loop in its own thread, and `asyncio.run()`, which the async tutorials and
the behaviour cases use, refuses to start a second one there; in a worker thread
it runs as it does in the script.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"
SNIPPET_MARKER = re.compile(r"^[ \t]*# --8<-- \[(start|end):[\w-]+\]\n", re.MULTILINE)
MAIN_GUARD = 'if __name__ == "__main__":\n    main()'
IN_A_THREAD = """\
# The script ends with `if __name__ == "__main__": main()`. This kernel already
# runs an event loop, and asyncio.run() will not start a second one in the same
# thread, so main() runs in a thread of its own.
import asyncio

await asyncio.to_thread(main)"""


class NotebookError(Exception):
    """A script does not have the shape the conversion relies on."""


def tutorial_scripts() -> list[Path]:
    """The numbered tutorial scripts, in order."""
    return sorted(TUTORIALS.glob("[0-9]*.py"))


def notebook(script: Path) -> nbformat.NotebookNode:
    """The notebook for one tutorial script."""
    text = SNIPPET_MARKER.sub("", script.read_text())
    nb = jupytext.reads(text, fmt="py:light")
    first, last = nb.cells[0], nb.cells[-1]
    if first.cell_type != "code" or last.source != MAIN_GUARD:
        raise NotebookError(f"{script.name}: expected a docstring first and {MAIN_GUARD!r} last")
    docstring = ast.get_docstring(ast.parse(text))
    if docstring is None or ast.get_docstring(ast.parse(first.source)) != docstring:
        raise NotebookError(f"{script.name}: the first cell is not the module docstring")
    title, _, rest = docstring.partition("\n")
    nb.cells[0] = nbformat.v4.new_markdown_cell(f"# {title}\n{rest}".rstrip())
    nb.cells[-1] = nbformat.v4.new_code_cell(IN_A_THREAD)
    for number, cell in enumerate(nb.cells):
        cell.id = f"cell-{number}"  # stable ids, so a rebuild gives the same file
        cell.metadata = {}
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(nb)
    converted: nbformat.NotebookNode = nb
    return converted


def notebook_text(script: Path) -> str:
    """The notebook for one tutorial script, as the .ipynb file holds it."""
    text: str = nbformat.writes(notebook(script))
    return text + "\n"
