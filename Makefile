# Nightbridge: the two commands that matter are `make run` and `make test`.
# Both do all set-up on a fresh machine (a virtualenv in .venv, then install).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOME_DIR ?= var/demo

.PHONY: run test lint typecheck bench browser clean help

help:
	@echo "make run    start the web app on http://127.0.0.1:8000 with demo data"
	@echo "make test   install what the tests need and run them all"
	@echo "make lint   ruff + mypy (strict on core)"
	@echo "make bench  run the benchmarks under bench/ and print their figures"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/nightbridge --home $(HOME_DIR) migrate
	$(BIN)/nightbridge --home $(HOME_DIR) serve --demo --host 127.0.0.1 --port 8000

browser:
	@bash scripts/ensure-chromium

test: $(STAMP) browser
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src/nightbridge/core

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var build dist *.egg-info
