# A newcomer's two commands: `make demo` and `make test`. Each bootstraps .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed


.PHONY: demo test test-unit test-e2e test-broker lint contracts bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/dsr demo

test: $(STAMP)
	$(BIN)/pytest

test-unit: $(STAMP)
	$(BIN)/pytest tests/unit

test-e2e: $(STAMP)
	$(BIN)/pytest tests/e2e

test-broker: $(STAMP)
	$(BIN)/pytest tests/broker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/python -m contracts.generate

bench: $(STAMP)
	$(BIN)/python -m bench.throughput

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
