"""The site's build: everything `mkdocs build` and `make slides` run besides the pages.

`hooks/` holds the three mkdocs hooks (`extras`: tutorial downloads, notebooks
and the deck; `python_in_page`: the in-browser Python's loader; `archive_and_search`:
the project's .zip and search ranking); `notebooks` makes a notebook from each
tutorial script; `slides` builds the workshop deck; `pyodide/` assembles the
in-browser Python (its pinned wheels and the assembler); `overrides/` is the
theme override.
"""
