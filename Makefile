# Two commands a newcomer needs: `make docs` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export NO_MKDOCS_2_WARNING := 1

.PHONY: test docs site lint typecheck pytest coverage docs-build mutation history clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

## test: every check: lint, types, tests with coverage, the strict site build.
test: lint typecheck coverage docs-build

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
	$(BIN)/mkdocs build --strict --site-dir build/site

mutation: $(STAMP)
	$(BIN)/python tests/mutation.py

## history: run the cases against every langchain-core release, each installed on its own
## (needs the package index; about 10-20 minutes on 2 cores; resumes if interrupted), then
## write history/results.json and docs/explanation/version-history.md from the results.
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
