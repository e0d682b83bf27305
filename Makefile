# Two commands a newcomer needs: `make docs` and `make test`. Each sets up .venv itself.
# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set, every run would
# otherwise compile langchain-core and the docs toolchain from source again (seconds each time).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export NO_MKDOCS_2_WARNING := 1

.PHONY: test docs site lint typecheck pytest coverage docs-build mutation benchmark history clean tutorials-expected regen

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

## test: every check: lint, types, the strict site build, tests with coverage (the browser
## test reuses the site docs-build has just built), mutation.
test: lint typecheck docs-build coverage mutation

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

coverage: $(STAMP)
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report

pytest: $(STAMP)
	$(BIN)/pytest

docs-build: $(STAMP)
	@rm -f build/site.ok
	$(BIN)/mkdocs build --strict --site-dir build/site
	@touch build/site.ok

## tutorials-expected: rerun every tutorial script and recorded checker run, rewrite their outputs.
tutorials-expected: $(STAMP)
	$(BIN)/python tests/recorded_runs.py

## regen: rewrite every generated file that needs no network, after a change to the cases or
## the code: the recorded tutorial and checker outputs, the generated parts of the concurrent
## write-back page (from the committed benchmark data) and the version-history page (from the
## committed history/results.json; new release data needs `make history`).
regen: tutorials-expected
	$(BIN)/python -m benchmarks.concurrent_writeback_page
	$(BIN)/python -m history page

mutation: $(STAMP)
	$(BIN)/python tests/mutation.py

## benchmark: time the sequential and the concurrent write-back (~2 min, not part of test),
## then rewrite benchmarks/concurrent_writeback.json and the docs page it feeds.
benchmark: $(STAMP)
	$(BIN)/python -m benchmarks.concurrent_writeback $(BENCHMARK_ARGS)

## history: read every langchain-core release's wheel (pre-releases too; cached outside git
## in ~/.cache/llm-cache-reference/wheels) and compare the helpers' source release to release;
## run the cases against every release, each installed on its own (needs the package index;
## about 30-45 minutes on 2 shared cores; resumes if interrupted); write history/results.json;
## fail, with a diff, on any change not attributed in history/attributions.py; then write
## docs/explanation/version-history.md.
history: $(STAMP)
	$(BIN)/python -m history

## docs: serve the site at http://127.0.0.1:8000
docs: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

## site: build site/ for offline use (open site/index.html from any static server)
site: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) build site .coverage .pytest_cache .hypothesis .mypy_cache .ruff_cache
