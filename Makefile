# Set-up is part of every target: a fresh clone needs only Python 3.11+ and make.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
SCENARIO ?= scenarios/dien-bien-2025
PLAN ?= plans/dien-bien-2025

CATALOGUES := i18n/locale
# What the catalogue is extracted from: the packages and modules pyproject.toml installs.
SOURCES = $(shell $(BIN)/python -c 'import tomllib; s = tomllib.load(open("pyproject.toml", "rb"))["tool"]["setuptools"]; print(*s["packages"], *(m + ".py" for m in s["py-modules"]))')
MO := $(CATALOGUES)/vi/LC_MESSAGES/messages.mo

.PHONY: demo report test lint clean messages

$(BIN)/secondment: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The Vietnamese catalogue, compiled from the committed .po (pip's build step does it too).
$(MO): $(CATALOGUES)/vi/LC_MESSAGES/messages.po $(BIN)/secondment
	$(BIN)/python -c 'from i18n.catalogue import compile_catalogues; compile_catalogues()'

demo: $(BIN)/secondment $(MO)
	$(BIN)/secondment solve $(SCENARIO) --out $(PLAN) --force

report: demo
	$(BIN)/secondment report $(SCENARIO) $(PLAN) --out $(PLAN).html
	$(BIN)/secondment report $(SCENARIO) $(PLAN) --out $(PLAN).xlsx

test: $(BIN)/secondment $(MO)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# After adding or changing human text: re-extract it and merge it into the catalogues, then translate.
messages: $(BIN)/secondment
	$(BIN)/pybabel -q extract -F babel.cfg --add-location=file --sort-output --project=secondment-planner \
	  -o $(CATALOGUES)/messages.pot $(SOURCES)
	$(BIN)/pybabel -q update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) -D messages --no-fuzzy-matching
	$(BIN)/pybabel -q extract --no-location --sort-output --project=click -o $(CATALOGUES)/click.pot \
	  $$($(BIN)/python -c 'import click, os; print(os.path.dirname(click.__file__))') i18n/click_text.py
	$(BIN)/pybabel -q update -i $(CATALOGUES)/click.pot -d $(CATALOGUES) -D click --no-fuzzy-matching --init-missing -l vi

clean:
	rm -rf $(VENV) plans
