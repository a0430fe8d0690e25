# residegi: `make demo` and `make test` do all the set-up on a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
DEMO_HOME ?= residegi-data/demo

.PHONY: setup demo test lint typecheck unit bench lock clean

$(VENV)/.installed: requirements.lock pyproject.toml Makefile .ci/system-packages.sh
	@./.ci/system-packages.sh
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "residegi needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@# Machines that set PYTHONDONTWRITEBYTECODE never cache bytecode: every command would
	@# compile ~1,000 modules again (complaint list: 2 s instead of 0.7 s).  Some packages
	@# ship modules for newer Pythons that never import here: their errors do not count.
	-$(BIN)/python -m compileall -q -j 0 $(VENV)/lib registry generators archive office flows cli web > /dev/null
	@touch $@

setup: $(VENV)/.installed

demo: setup
	rm -rf $(DEMO_HOME)
	$(BIN)/residegi --home $(DEMO_HOME) demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy registry generators archive office flows cli web tests bench

unit: setup
	@./.ci/system-packages.sh --tests
	$(BIN)/pytest -n 2 --dist loadgroup --durations=15

test: lint typecheck unit

bench: setup
	$(BIN)/python -m bench

# Re-pin every dependency from the ranges in pyproject.toml.
lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) residegi-data .pytest_cache .mypy_cache .ruff_cache
