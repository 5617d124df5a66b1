# Beffroi. `make serve` and `make install` need only Python 3.11; `make test` also
# fetches the browser-test tooling (axe-core with npm). Each target bootstraps .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DISTS   = $(wildcard plugins/*/setup.cfg) $(wildcard skins/*/setup.cfg)
CONFIG ?= development.ini
# The installer's chatter goes to this file; the terminal gets one line per step.
LOG     = $(VENV)/install.log
PKGS    = 'setuptools<81' wheel -e '.[dev,test]' $(foreach d,$(dir $(DISTS)),-e ./$(d))
say     = @printf 'beffroi: %s\n'

.PHONY: install serve demo database test test-fast bench bench-load i18n i18n-check screenshots clean

install: $(VENV)/.installed
	@$(BIN)/python -m beffroi.devkit.i18n_tools compile >>$(LOG) 2>&1 || { tail -n 20 $(LOG); exit 1; }

# uv installs the same packages as pip, several times faster; pip is the fallback
# (NO_UV=1 forces it). Editable installs are setuptools' standard ones (PEP 660).
$(VENV)/.installed: setup.cfg pyproject.toml $(DISTS)
	@test -x $(BIN)/python || { printf 'beffroi: creating the environment in %s/\n' $(VENV); $(PYTHON) -m venv $(VENV); }
	$(say) "installing Beffroi, its plugins and skins (about a minute; details in $(LOG))"
	@: >$(LOG); \
	if [ -z "$(NO_UV)" ] && { test -x $(BIN)/uv || $(BIN)/python -m pip install -q uv >>$(LOG) 2>&1; } \
	   && $(BIN)/uv pip install --python $(BIN)/python $(PKGS) >>$(LOG) 2>&1; then :; \
	elif $(BIN)/python -m pip install -q $(PKGS) >>$(LOG) 2>&1; then :; \
	else tail -n 30 $(LOG); echo "beffroi: the installation failed; the whole log is in $(LOG)"; exit 1; fi
	@$(BIN)/python -c "$$QUIET_PTH"
	@touch $@

# Pyramid and deform import pkg_resources, which warns on every start (pserve, pytest,
# beffroi): a .pth line silences that one message in this environment, nothing else.
define QUIET_PTH
import pathlib, sysconfig
pathlib.Path(sysconfig.get_paths()["purelib"], "beffroi-quiet-pkg-resources.pth").write_text(
    "import warnings; warnings.filterwarnings('ignore', message='pkg_resources is deprecated', category=UserWarning)\n")
endef
export QUIET_PTH

# var/ beside the .ini holds the database (zodbconn.uri = file://%(here)s/var/...).
VAR = $(dir $(abspath $(CONFIG)))var
database: install
	@mkdir -p $(VAR)
	$(say) "preparing the database ($(CONFIG))"
	@$(BIN)/beffroi -c $(CONFIG) evolve >$(VAR)/evolve.log 2>&1 || { cat $(VAR)/evolve.log; exit 1; }

# The last thing printed: addresses (from the .ini), accounts, where mail appears.
demo: database
	$(say) "creating the demo"
	@$(BIN)/beffroi -c $(CONFIG) demo

# The development server, and a mail sink that prints each message decoded, links
# whole, on the port of mail.port in $(CONFIG).
# Templates are compiled at start-up and kept compiled in $(VAR)/chameleon between runs.
serve: demo
	@mkdir -p $(VAR)/chameleon
	@$(BIN)/python -m beffroi.devkit.devmail -c $(CONFIG) & sink=$$!; \
	trap 'kill $$sink 2>/dev/null' EXIT INT TERM; \
	CHAMELEON_CACHE=$(VAR)/chameleon $(BIN)/pserve -q $(CONFIG)

# axe-core (accessibility checks of the browser tests), pinned in package-lock.json.
# Without npm the browser tests skip with the reason (and fail when CI=true).
node_modules/axe-core/axe.min.js: package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts && touch $@; \
	else echo "beffroi: npm is missing, browser tests will skip (apt-get install npm)"; fi

test: install node_modules/axe-core/axe.min.js
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m "not browser and not slow"

# The README's screenshots, taken by the browser test of the front door on the demo.
screenshots: install node_modules/axe-core/axe.min.js
	BEFFROI_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/browser/test_front_door.py

bench: install
	$(BIN)/python bench/run.py

bench-load: install
	$(BIN)/python bench/load.py

i18n: install
	$(BIN)/python -m beffroi.devkit.i18n_tools extract
	$(BIN)/python -m beffroi.devkit.i18n_tools compile

i18n-check: install
	$(BIN)/python -m beffroi.devkit.i18n_tools check

clean:
	rm -rf $(VENV) var build *.egg-info core/*.egg-info
