# Reelboard: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# The single sign-on tests run a real OpenID Connect provider (panva's oidc-provider, Node.js).
OIDC_PROVIDER := tests/oidc_provider

.PHONY: run serve import test test-slow lint format clean

run: $(VENV)/.installed ## set up .venv and serve the app (demo data on first run)
	$(PY) dashboard_app.py

serve: $(VENV)/.installed ## production: gunicorn with WORKERS workers on HOST:PORT
	$(BIN)/flask --app dashboard_app ensure-db
	$(BIN)/gunicorn -c gunicorn.conf.py dashboard_app:server

# FILE, REPLACE and AGAIN reach the recipe as environment variables (make exports command-line
# variables), so the shell passes a path with spaces or quotes on untouched. Checked before
# anything is installed.
ifneq ($(filter import,$(MAKECMDGOALS)),)
ifeq ($(FILE),)
$(error usage: make import FILE=path/to/events.csv [REPLACE=1] [AGAIN=1])
endif
ifneq ($(filter-out 0 1,$(REPLACE)),)
$(error REPLACE is 1 (replace every event) or left out (add to them), not "$(REPLACE)")
endif
ifneq ($(filter-out 0 1,$(AGAIN)),)
$(error AGAIN is 1 (add a file imported before once more) or left out, not "$(AGAIN)")
endif
endif

import: $(VENV)/.installed ## import viewing events: make import FILE=events.csv [REPLACE=1] [AGAIN=1]
	@$(BIN)/flask --app dashboard_app import-events "$$FILE" $(if $(filter 1,$(REPLACE)),--replace) $(if $(filter 1,$(AGAIN)),--again)

# The unit tests run on TEST_PROCESSES processes (each test has its own folders, Redis keys and
# PostgreSQL schema); the browser and serving tests one at a time, so their timings hold.
TEST_PROCESSES ?= 2

test: $(VENV)/.dev-installed $(OIDC_PROVIDER)/node_modules/.installed ## set up .venv with the test tools, lint, and run the suite (all but the long runs)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(PY) -m pytest -m "not slow" -n $(TEST_PROCESSES) tests/unit $(PYTEST_ARGS)
	$(PY) -m pytest -m "not slow" tests/browser tests/reliability $(PYTEST_ARGS)

test-slow: $(VENV)/.dev-installed $(OIDC_PROVIDER)/node_modules/.installed ## the long reliability runs (CI runs them too)
	$(PY) -m pytest -m slow $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Reelboard needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created requirements.txt pyproject.toml
	$(PY) -m pip install --quiet -r requirements.txt
	# The project itself, editable: bench/, scripts/ and tests/ import it from anywhere.
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# The single sign-on tests' OpenID Connect provider (Node.js), installed once from its lock file.
# Without npm the suite still runs and those tests are skipped with a reason (CI installs it).
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	@if command -v npm >/dev/null; then \
		cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "No Node.js with npm: the single sign-on tests will be skipped (Node.js 18 or newer runs them)"; fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(OIDC_PROVIDER)/node_modules
