# Thin wrappers: `make demo` serves the demo city, `make test` runs the whole suite.
# A fresh machine needs only Python 3.11 and access to PyPI.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test check lint typecheck bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	ANSINH_ENV=demo $(BIN)/ansinh demo --port $(PORT)

test: $(VENV)/.test-installed
	ANSINH_ENV=test $(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.test-installed
	ANSINH_ENV=test $(BIN)/mypy

check: lint typecheck test

bench: $(VENV)/.test-installed
	$(BIN)/python bench/seed.py --households 100000
	$(BIN)/python bench/assess.py --quick

messages: $(VENV)/.installed
	cd src/ansinh && ANSINH_ENV=test ../../$(BIN)/ansinh makemessages -l vi --no-obsolete && \
	  ANSINH_ENV=test ../../$(BIN)/ansinh compilemessages -l vi

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
