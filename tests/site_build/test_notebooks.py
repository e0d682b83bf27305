"""Every tutorial script, as the notebook the site offers, runs and prints what the script does.

Each notebook is generated from its script (site_build/notebooks.py) and run in a
fresh Jupyter kernel from a fresh working directory, as a learner who downloads it
would run it beside the tutorials: its printed output must be exactly the script's
recorded output, with nothing on stderr and no error.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from site_build.hooks.extras import ROOT, download_line, downloads
from site_build.notebooks import MAIN_GUARD, TUTORIALS, notebook, notebook_text, tutorial_scripts
from tools.recorded_runs import RECORDINGS

SCRIPTS = tutorial_scripts()


def _recorded_output(script: Path) -> str:
    (recording,) = [r for r in RECORDINGS if r.command[0] == f"tutorials/{script.name}"]
    return recording.expected[0].read_text()


def _run(nb: nbformat.NotebookNode, workdir: Path) -> None:
    environment = {
        **os.environ,
        "PYTHONPATH": str(TUTORIALS),  # the scripts import _walkthrough from beside them
        # Tutorial 06's recording names its database file so; the notebook gets the same.
        "LLM_CACHE_TUTORIAL_DB": str(workdir / "llm-cache.sqlite3"),
    }
    client = NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(workdir)}}
    )
    client.execute(env=environment)


@pytest.mark.parametrize("script", SCRIPTS, ids=[script.stem for script in SCRIPTS])
def test_the_notebook_prints_what_the_script_prints(script: Path, tmp_path: Path) -> None:
    nb = notebook(script)
    _run(nb, tmp_path)
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]
    assert [o for o in outputs if o.output_type != "stream" or o.name != "stdout"] == []
    assert "".join(o.text for o in outputs) == _recorded_output(script)


@pytest.mark.parametrize("script", SCRIPTS, ids=[script.stem for script in SCRIPTS])
def test_the_notebook_holds_the_script(script: Path) -> None:
    nb = notebook(script)
    text = script.read_text()
    after_docstring = text.splitlines()[ast.parse(text).body[0].end_lineno or 0 :]
    lines = [line for line in after_docstring if line.strip() and "--8<--" not in line]
    in_cells = [line for cell in nb.cells[1:-1] for line in cell.source.splitlines()]
    assert lines[-2:] == MAIN_GUARD.splitlines()
    assert lines[:-2] == [line for line in in_cells if line.strip()]
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[0].source.startswith(f"# {ast.get_docstring(ast.parse(text))}"[:40])
    assert nb.cells[-1].source.endswith("await asyncio.to_thread(main)")


def test_a_notebook_is_the_same_file_every_time() -> None:
    assert notebook_text(SCRIPTS[1]) == notebook_text(SCRIPTS[1])
    assert '"id": "cell-0"' in notebook_text(SCRIPTS[1])


def test_every_tutorial_page_offers_its_script_and_notebook() -> None:
    pages = sorted((ROOT / "docs" / "tutorials").glob("[0-9][0-9]-*.md"))
    assert len(pages) == len(SCRIPTS)
    for page, script in zip(pages, SCRIPTS, strict=True):
        line = download_line(f"tutorials/{page.name}")
        assert line is not None
        assert f"(downloads/{script.name})" in line
        assert f"(downloads/{script.stem}.ipynb)" in line
    assert download_line("tutorials/index.md") is None
    assert download_line("workshop/index.md") is None


def test_the_site_serves_each_script_as_it_is_and_its_notebook() -> None:
    served = downloads()
    for script in SCRIPTS:
        assert served[f"tutorials/downloads/{script.name}"] == script.read_bytes()
        notebook_file = served[f"tutorials/downloads/{script.stem}.ipynb"]
        assert notebook_file == notebook_text(script).encode()
    assert "tutorials/downloads/_walkthrough.py" in served
