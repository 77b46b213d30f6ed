# pb — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres conformance lint messages clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("pb needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: browser tests will be skipped (they need axe-core from npm)"; fi

## Serve the app on SQLite with the demo municipality at http://127.0.0.1:8000
run: $(INSTALLED)
	$(BIN)/pb db upgrade
	$(BIN)/pb demo --if-empty
	$(BIN)/pb run --host $(HOST) --port $(PORT)

## The whole test suite: on SQLite and, when it answers at $(PG_TEST_URL), on PostgreSQL at the same time
## (two processes side by side; their output goes to var/test-sqlite.log and var/test-postgres.log).
## WITH_CONFORMANCE=1 adds the conformance suites over ../shared to the SQLite lane (.ci/run sets it).
test: $(INSTALLED) node_modules/.installed
	@PG_TEST_URL='$(PG_TEST_URL)' ./scripts/run-tests.sh

test-sqlite: $(INSTALLED)
	$(BIN)/pytest -m "not conformance" -p no:cacheprovider

test-postgres: $(INSTALLED)
	PB_TEST_DATABASE_URL='$(PG_TEST_URL)' $(BIN)/pytest -m "not conformance and not redis" -p no:cacheprovider

## Full conformance suites over ../shared (Pabulib elections, panel-selection instances)
conformance: $(INSTALLED)
	@if [ -d ../shared ]; then $(BIN)/pytest -m conformance -p no:cacheprovider; \
	else echo "../shared is not here: nothing to check"; fi

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

## Refresh the translation catalogues after changing UI text
messages: $(INSTALLED)
	PATH="$(CURDIR)/$(BIN):$$PATH" ./scripts/messages.sh

clean:
	rm -rf $(VENV) node_modules var pb.db pb.db-wal pb.db-shm .pytest_cache .mypy_cache .ruff_cache
