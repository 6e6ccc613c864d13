# The two setup commands of the README (`make demo`, `make test`) need only Python 3.11+
# and the package registry: every target installs what it needs into .venv first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: help install test test-fast lint format demo bench bench-large clean

help:
	@echo "make demo    crawl two papers of the mock e-paper site into data/demo.sqlite3 and query it"
	@echo "make test    run the whole test suite (PostgreSQL tests need EPAPER_TEST_POSTGRES_URL)"
	@echo "make test-fast  the suite without the tests marked slow, for the edit-test loop"
	@echo "make lint    ruff and mypy (strict on crawler/ and mocksite/)"
	@echo "make format  apply ruff's formatting"
	@echo "make bench   benchmarks against the mock site, about 50 min (docs/benchmarks.md)"
	@echo "make bench-large  memory of a 200,000-article backfill, about 30 min"

# The mock site (mocksite/) is a development tool that the installed package does not carry:
# a .pth file puts this checkout on the environment's path, for the tests' subprocesses too.
$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,lint,bench,scrapyd,export,datasette,distributed]"
	$(BIN)/python -c "import pathlib, sys, sysconfig; pathlib.Path(sysconfig.get_path('purelib'), 'epaper-checkout.pth').write_text(sys.argv[1] + '\n')" "$(CURDIR)"
	@touch $@

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check crawler mocksite tests
	$(BIN)/ruff format --check crawler mocksite tests
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format crawler mocksite tests
	$(BIN)/ruff check --fix crawler mocksite tests

demo: $(STAMP)
	$(BIN)/python -m mocksite.demo

# Benchmarks print Markdown reports and keep the raw runs in data/bench; they never fail on a time.
bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks.suite --docs docs/benchmarks.md
	$(BIN)/python -m tests.benchmarks.update_cost --docs docs/benchmarks.md

bench-large: $(STAMP)
	$(BIN)/python -m tests.benchmarks.large --docs docs/benchmarks.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache data/demo.sqlite3* data/demo-warc
