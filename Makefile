# Beffroi. `make serve` and `make test` bootstrap everything they need in .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DISTS   = $(wildcard plugins/*/setup.cfg) $(wildcard skins/*/setup.cfg)
CONFIG ?= development.ini

.PHONY: install serve demo test test-fast bench i18n i18n-check clean

install: $(VENV)/.installed node_modules/axe-core/axe.min.js
	@$(BIN)/python -m beffroi.i18n_tools compile

# axe-core (accessibility checks of the browser tests), pinned in package-lock.json.
node_modules/axe-core/axe.min.js: package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing (axe-core for the browser tests): apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.installed: setup.cfg pyproject.toml $(DISTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip 'setuptools<81' wheel
	$(BIN)/pip install -q --config-settings editable_mode=compat -e '.[test]' $(foreach d,$(dir $(DISTS)),-e ./$(d))
	touch $@

demo: install
	mkdir -p var
	$(BIN)/beffroi -c $(CONFIG) evolve
	$(BIN)/beffroi -c $(CONFIG) demo

# Mail of the development server goes to a local SMTP sink that prints it here
# (confirmation and reset links included).
serve: demo
	@$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:8025 & sink=$$!; \
	trap 'kill $$sink 2>/dev/null' EXIT INT TERM; \
	$(BIN)/pserve $(CONFIG)

test: install
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m "not browser and not slow"

bench: install
	$(BIN)/python bench/run.py

i18n: install
	$(BIN)/python -m beffroi.i18n_tools extract
	$(BIN)/python -m beffroi.i18n_tools compile

i18n-check: install
	$(BIN)/python -m beffroi.i18n_tools check

clean:
	rm -rf $(VENV) var build *.egg-info core/*.egg-info
