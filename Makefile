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
## (two processes side by side; their output goes to var/test-sqlite.log and var/test-postgres.log)
test: $(INSTALLED) node_modules/.installed
	@mkdir -p var
	@if $(BIN)/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()' '$(PG_TEST_URL)' 2>/dev/null; then \
		echo "running the suite on SQLite and on PostgreSQL side by side; logs: var/test-sqlite.log, var/test-postgres.log"; \
		$(MAKE) --no-print-directory test-postgres >var/test-postgres.log 2>&1 & postgres_pid=$$!; \
		$(MAKE) --no-print-directory test-sqlite >var/test-sqlite.log 2>&1; sqlite=$$?; \
		wait $$postgres_pid; postgres=$$?; \
		for run in sqlite postgres; do \
			echo "=== $$run ==="; \
			if [ "$$( [ $$run = sqlite ] && echo $$sqlite || echo $$postgres )" = 0 ]; then tail -n 3 var/test-$$run.log; \
			else tail -n 300 var/test-$$run.log; fi; \
		done; \
		[ $$sqlite = 0 ] && [ $$postgres = 0 ]; \
	elif [ "$$PB_REQUIRE_SERVICES" = "1" ]; then echo "PostgreSQL is required but not reachable at $(PG_TEST_URL)"; exit 1; \
	else $(MAKE) --no-print-directory test-sqlite; echo "SKIPPED the PostgreSQL run: no server at $(PG_TEST_URL)"; fi

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
