# A learner needs one command, `make setup`; `make docs` serves the site, `make test` runs every
# check. Every target sets up .venv first, from uv.lock, so each environment is the one CI tested.
# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set, every run would
# otherwise compile langchain-core and the docs toolchain from source again (seconds each time).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# uv is bootstrapped with pip at the version uv.lock also holds, so `uv sync` keeps it.
UV_VERSION := 0.13.9
SYNCED := $(VENV)/.synced
NODE_MODULES := node_modules/.package-lock.json
DECK := build/slides/workshop.html
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup lock slides test quick quick-all-pythons docs site lint typecheck pytest coverage \
	docs-build mutation benchmark history clean tutorials-expected regen browser-python

# The site runs the tutorials and the checker in the page with Pyodide, offline. Everything it
# needs is fetched once, pinned by checksum, with npm (the runtime, package-lock.json) and pip
# (the wheels, site_build/pyodide/*.txt), kept in build/browser-cache/ and node_modules/, and laid out in
# docs/assets/pyodide/ (generated, not committed), which mkdocs serves and copies into the site.
BROWSER_CACHE := build/browser-cache
BROWSER_PYTHON := docs/assets/pyodide/manifest.json
# The exercise editor: CodeMirror from node_modules, bundled with its licences (generated).
EDITOR := docs/assets/editor/editor.js
PIP_FOR_PYODIDE := $(BIN)/python -m pip download --quiet --disable-pip-version-check \
	--require-hashes --no-deps --only-binary=:all: --python-version 3.14 --implementation cp --abi cp314
# The case tests: every case against both implementations, the reference's tests and the
# package's own examples; the random differential run (tens of seconds) waits for make test.
QUICK_TESTS := tests/reference reference --ignore=tests/reference/test_differential.py
PROJECT_SOURCES := $(shell find reference/llm_cache_reference tutorials -name '*.py' -o -name '*.txt')

## setup: create .venv and install everything uv.lock pins, nothing more.
setup: $(SYNCED)

# The package installs on Python 3.11 (langchain-core 1.8 needs it; pyproject.toml says so);
# the tools uv.lock pins need 3.11.5 (pymdown-extensions 13.1.2).
$(BIN)/uv:
	@$(PYTHON) -c 'import sys; sys.exit(None if sys.version_info >= (3, 11, 5) else \
	    "make setup needs Python 3.11.5 or newer; name one with make setup PYTHON=python3.12")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# UV_PROJECT_ENVIRONMENT: sync the environment named by VENV, never .venv behind its back.
# COMPILE_BYTECODE= skips compiling every installed module, for an environment used once.
COMPILE_BYTECODE ?= --compile-bytecode
$(SYNCED): uv.lock pyproject.toml | $(BIN)/uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --locked --quiet $(COMPILE_BYTECODE) \
		--no-python-downloads --python $(BIN)/python
	@touch $@

## lock: after changing a dependency in pyproject.toml, re-resolve uv.lock (needs the index).
lock: | $(BIN)/uv
	$(BIN)/uv lock

# Marp CLI (the slides) and Pyodide (the in-browser Python), pinned in package.json and
# package-lock.json.
$(NODE_MODULES): package.json package-lock.json
	@command -v npm >/dev/null || { echo "The slides and the site's in-browser Python need npm \
	(Node.js) to fetch their tools once. Install Node.js 18 or newer: on Debian or Ubuntu, \
	sudo apt-get install -y nodejs npm; elsewhere, from nodejs.org. Then run make again."; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

## slides: build the workshop deck (build/slides/); the site includes it when it is built.
slides: setup $(NODE_MODULES)
	$(BIN)/python -m site_build.slides $(dir $(DECK))

## test: every check: lint, types, the slides, the strict site build, tests with coverage (the
## browser test reuses the site docs-build has just built; the notebooks run), mutation.
test: lint typecheck slides docs-build coverage mutation

## quick: the maintainer's loop, in seconds: lint, types and the case tests (no browser, no
## site build, no coverage, no mutation). `make test` is still what must pass before a merge.
quick: lint typecheck
	$(BIN)/pytest -q $(QUICK_TESTS)

## quick-all-pythons: `make quick` on every other CPython 3.11+ this machine has (found by uv,
## never downloaded), each in build/pythons/3.X/; a version not there is skipped and said so.
quick-all-pythons: setup
	$(BIN)/python -m tools.all_pythons

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

coverage: setup
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report

pytest: setup
	$(BIN)/pytest

docs-build: setup slides $(BROWSER_PYTHON) $(EDITOR)
	@rm -f build/site.ok
	$(BIN)/mkdocs build --strict --site-dir build/site
	@touch build/site.ok

## tutorials-expected: rerun every tutorial script and recorded checker run, rewrite their outputs.
tutorials-expected: setup
	$(BIN)/python tools/recorded_runs.py

## regen: rewrite every generated file that needs no network, after a change to the cases or
## the code: the recorded tutorial and checker outputs, the generated parts of the concurrent
## write-back page (from the committed benchmark data) and the version-history page (from the
## committed history/results.json, with the checker's file of which releases did what:
## checker/releases.json; new release data needs `make history`).
# The history's releases file first: the recorded checker reports quote it.
regen: setup
	$(BIN)/python -m history page
	$(BIN)/python tools/recorded_runs.py
	$(BIN)/python -m experiment.page

mutation: setup
	$(BIN)/python tools/mutation.py

## benchmark: time the sequential and the concurrent write-back (~2 min, not part of test),
## then rewrite experiment/concurrent_writeback.json and the docs page it feeds.
benchmark: setup
	$(BIN)/python -m experiment.benchmark $(BENCHMARK_ARGS)

## history: run the cases against every langchain-core release (pre-releases too), each
## installed on its own with uv (needs the package index; resumes if interrupted), keeping what
## history/results.json holds: after a case is added only that case runs on each release; a
## release or a source it lacks is read from its wheel (cached outside git in
## ~/.cache/llm-cache-reference/wheels); the code that runs a case changed, every case runs.
## Then write history/results.json; fail, with a diff, on any change not attributed in
## history/attributions.py; then write docs/explanation/version-history.md.
history: setup
	$(BIN)/python -m history

## docs: serve the site at http://127.0.0.1:8000
# With Node.js and npm at hand the deck is built first; without them the site says how.
docs: setup $(if $(shell command -v npm),slides $(BROWSER_PYTHON) $(EDITOR))
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

## site: build site/ for offline use (open site/index.html from any static server)
site: setup slides $(BROWSER_PYTHON) $(EDITOR)
	$(BIN)/mkdocs build --strict --site-dir site

## browser-python: fetch (first time only) and lay out the in-browser Python the site serves.
browser-python: $(BROWSER_PYTHON)

$(BROWSER_PYTHON): $(NODE_MODULES) $(BROWSER_CACHE)/wheels/.ok $(BROWSER_CACHE)/pyyaml/.ok \
		site_build/pyodide/assemble.py $(PROJECT_SOURCES) | setup
	$(BIN)/python site_build/pyodide/assemble.py node_modules $(BROWSER_CACHE)/wheels \
		$(BROWSER_CACHE)/pyyaml docs/assets/pyodide

$(EDITOR): $(NODE_MODULES) site_build/editor/editor.js site_build/editor/build.mjs
	node site_build/editor/build.mjs $(@D)

$(BROWSER_CACHE)/wheels/.ok: site_build/pyodide/requirements.txt | setup
	rm -rf $(@D) && mkdir -p $(@D).tmp
	$(PIP_FOR_PYODIDE) --platform pyemscripten_2026_0_wasm32 -r $< -d $(@D).tmp
	mv $(@D).tmp $(@D) && touch $@

$(BROWSER_CACHE)/pyyaml/.ok: site_build/pyodide/pyyaml.txt | setup
	rm -rf $(@D) && mkdir -p $(@D).tmp
	$(PIP_FOR_PYODIDE) --platform manylinux_2_17_x86_64 -r $< -d $(@D).tmp
	mv $(@D).tmp $(@D) && touch $@

clean:
	rm -rf $(VENV) node_modules docs/assets/pyodide docs/assets/editor build site .coverage .pytest_cache .hypothesis .mypy_cache .ruff_cache
