# Benchboard: `make run` serves the site, `make test` runs the whole suite.
# Both set everything up first (make setup) and reinstall only what changed.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PORT ?= 8000
# The real data make run serves: the LLM Stats snapshot, vendored in data/ (data/README.md).
SNAPSHOT := data/llmstats-2025-10-16.tar.xz
# The curators' decisions applied after it (ingest/curation.py).
CURATIONS := data/llmstats-curations.json
# The second source: Every Eval Ever boards (Open LLM Leaderboard, HELM, RewardBench,
# LiveCodeBench Pro, HAL), vendored in data/ too.
EEE_ARCHIVE := data/every-eval-ever-2026.tar.xz
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Tests pass their own flags through PYTEST_ARGS, e.g. make test PYTEST_ARGS="-k importer".
PYTEST_ARGS ?=
# The suite runs in PYTEST_WORKERS processes (pytest-xdist, each with its own test
# database): two for the 2-core machines it runs on; 0 runs it in one process.
PYTEST_WORKERS ?= 2

# Python 3.12 or newer: the first of python3.13, python3.12, python3 that runs and is
# new enough (a pyenv shim can exist for a version that is not selected, so each
# candidate is run, not just looked up). `make PYTHON=/path/to/python3.12 ...` overrides.
PYTHON ?= $(shell for candidate in python3.13 python3.12 python3; do \
	if $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
		echo $$candidate; break; fi; done)

.PHONY: help setup chromium wrk run demo test lint format import bench clean

help:
	@echo "make run     set up, migrate, import the real LLM Stats snapshot into an empty database, serve on http://127.0.0.1:$(PORT)"
	@echo "make test    set up, then run the whole test suite"
	@echo "make setup   the shared set-up: .venv, Python and npm packages (make test adds Chromium)"
	@echo "make lint    ruff and makemigrations --check"
	@echo "make import  import LLM Stats data (a folder or an archive): make import DATA=$(SNAPSHOT)"
	@echo "make demo    load the synthetic demo data into an empty database"
	@echo "make bench   measure speed under load (gunicorn, wrk): results in .bench/results.md"

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Benchboard needs Python 3.12 or newer (Django 6.1 does), and none was found:" >&2; \
		echo "  tried python3.13, python3.12 and python3 on PATH." >&2; \
		echo "  Install Python 3.12+, or name one: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)" >&2; \
		exit 1; \
	fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { \
		echo "$(PYTHON) is not Python 3.12 or newer ($$($(PYTHON) --version 2>&1)); Benchboard needs 3.12+." >&2; \
		exit 1; }
	@if [ ! -x $(PY) ]; then \
		echo "Creating $(VENV) with $$($(PYTHON) --version) ($(PYTHON))"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
		echo "$(VENV) holds $$($(PY) --version); remove it (make clean) so setup can recreate it with Python 3.12+." >&2; exit 1; }
	$(PY) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to install Chart.js (package.json); install Node.js and npm." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests drive the system's Chromium through Playwright (Playwright's own
# browser downloads are not used). Installed with apt-get when missing and root.
chromium:
	@if [ -n "$$CHROMIUM_PATH" ] && [ -x "$$CHROMIUM_PATH" ]; then exit 0; fi; \
	if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium: install it (Debian: sudo apt-get install chromium)" >&2; \
		echo "or point CHROMIUM_PATH at a Chromium or Chrome binary." >&2; \
		exit 1; \
	fi

run: setup
	DJANGO_DEBUG=1 $(PY) manage.py collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py import_llmstats $(SNAPSHOT) --if-empty --curations $(CURATIONS)
	DJANGO_DEBUG=1 $(PY) manage.py import_eee $(EEE_ARCHIVE) --if-new
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The synthetic demo data, for whoever wants it, into a database that holds no models yet
# (remove the real data first, or use a database of its own: DATABASE_URL).
demo: setup
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_demo --if-empty

test: setup chromium
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# make bench measures with wrk, installed like Chromium: apt-get when missing and root.
wrk:
	@if command -v wrk >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing wrk for make bench (apt-get install wrk)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else \
		echo "make bench needs the wrk load generator: install it (Debian: sudo apt-get install wrk)." >&2; \
		exit 1; \
	fi

# Its own database (.bench/bench.sqlite3, or BENCH_DATABASE_URL) and static files;
# durations and sizes from BENCH_* (README: Measuring speed).
bench: setup wrk
	DJANGO_DEBUG=1 $(PY) manage.py bench

import: setup
	@if [ -z "$(DATA)" ]; then echo "Name the data (a folder or an archive): make import DATA=$(SNAPSHOT)" >&2; exit 1; fi
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py import_llmstats "$(DATA)"

clean:
	rm -rf $(VENV) node_modules staticfiles
