# Set-up is part of every target: a fresh clone needs only Python 3.11+ and make.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
SCENARIO ?= scenarios/dien-bien-2025
PLAN ?= plans/dien-bien-2025

.PHONY: demo report test lint clean

$(BIN)/secondment: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/secondment
	$(BIN)/secondment solve $(SCENARIO) --out $(PLAN) --force

report: demo
	$(BIN)/secondment report $(SCENARIO) $(PLAN) --out $(PLAN).html
	$(BIN)/secondment report $(SCENARIO) $(PLAN) --out $(PLAN).xlsx

test: $(BIN)/secondment
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) plans
