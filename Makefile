# Two commands on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := $(or $(OUTCOMES_DB),data/outcomes.duckdb)
PORT ?= 8501

.PHONY: setup run test test-fast chromium oidc demo clean

# Re-install only when requirements.txt changes.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(VENV)/.installed

# Seeds the demo data set the first time (when the database file does not exist yet).
run: setup
	@if [ ! -f "$(DB)" ]; then $(PY) -m metrics init --demo --db "$(DB)"; fi
	OUTCOMES_DB="$(DB)" $(PY) -m streamlit run serve.py --server.address localhost --server.port $(PORT) --browser.gatherUsageStats false

# Browser tests drive Debian's Chromium; never a downloaded browser.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# The sign-in tests run a real OpenID provider (npm oidc-provider, pinned in tests/oidc).
OIDC := tests/oidc
$(OIDC)/node_modules/.package-lock.json: $(OIDC)/package.json $(OIDC)/package-lock.json
	@command -v npm >/dev/null || { echo "The sign-in tests need Node.js 20.19+ and npm"; exit 1; }
	cd $(OIDC) && npm ci --no-audit --no-fund --loglevel=error

oidc: $(OIDC)/node_modules/.package-lock.json

test: setup chromium oidc
	$(PY) -m pytest -q

# Everything but the browser tests: a quick check while working (CI runs `make test`).
test-fast: setup
	$(PY) -m pytest -q -m "not browser"

demo: setup
	$(PY) -m metrics init --demo --db "$(DB)"

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts $(OIDC)/node_modules
