"""The site's build: everything `mkdocs build` and `make slides` run besides the pages.

`hooks/` holds the mkdocs hooks (`extras`: tutorial downloads, notebooks and the
deck; `archive_and_search`: the project's .zip and search ranking; `diagrams`;
`context`); `notebooks` makes a notebook from each
tutorial script; `slides` builds the workshop deck; `pyodide/` assembles the
in-browser Python (its pinned wheels and the assembler); `editor/` bundles the exercise
editor (CodeMirror, from npm); `overrides/` is the
theme override.
"""
