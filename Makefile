# A newcomer's two commands: `make demo` and `make test`. Each bootstraps .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed


.PHONY: demo test test-fault test-unit test-e2e test-broker test-browser lint contracts bench bench-console clean

# pytest's exit code 5 (no test collected, e.g. every test of a tier deselected) is not a failure.
define pytest
	$(BIN)/pytest $(1) || { rc=$$?; [ $$rc -eq 5 ] && echo "pytest: no tests collected" || exit $$rc; }
endef

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The saga's demo, then the back-office console on it (embedded, Ctrl-C to stop). From the
# repository root, so that the tests' SMSC simulator (tests/support/smsc.py) answers.
demo: $(STAMP)
	PYTHONPATH=. $(BIN)/dsr demo
	PYTHONPATH=. $(BIN)/dsr console --demo

# Own virtual host (DSR_TEST_VHOST, default dsr-test) and own databases; no fault test.
test: $(STAMP)
	$(call pytest,)

# The destructive tier: restarts this machine's RabbitMQ and PostgreSQL, creates broker users.
test-fault: $(STAMP)
	$(call pytest,--fault -m fault)

test-unit: $(STAMP)
	$(call pytest,tests/unit)

test-e2e: $(STAMP)
	$(call pytest,tests/e2e)

test-broker: $(STAMP)
	$(call pytest,tests/broker)

# Headless Chromium (Debian's, installed with apt-get when missing) against the console.
test-browser: $(STAMP)
	$(call pytest,tests/browser)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/python -m services.contract_files

bench: $(STAMP)
	$(BIN)/python -m bench.throughput

# The console's request list and dashboard on 100,000 requests (DSR_BENCH_DATABASE_URL).
bench-console: $(STAMP)
	$(BIN)/python -m bench.console

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
