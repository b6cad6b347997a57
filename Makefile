# Two commands for a newcomer: `make demo` and `make test`. Everything else is optional.
# .venv is built with PYTHON when given (make demo PYTHON=python3.12), else with the first
# Python 3.11–3.13 of python3, python3.13, python3.12, python3.11 (tools/find_python.sh).
PYTHON ?=
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
STAMP  := $(VENV)/.installed

.PHONY: help install system-deps demo test test-fast lab app lint bench lock clean
# In order: the system packages are checked before .venv is built or anything long runs.
.NOTPARALLEL:

help:
	@echo "make demo   build the demo project from corpora/demo and codebooks/, write outputs/"
	@echo "make test   run the whole test suite (installs the Debian packages it drives)"
	@echo "make lab    open the notebooks in JupyterLab"
	@echo "make app    serve the COPIL apps with Voila (PROJECT=…, HOST=…, PORT=…)"
	@echo "make lint   ruff, lint-imports (the layers of ARCHITECTURE.md), mypy (type hints)"
	@echo "make bench  run the benchmarks (figures in outputs/bench/)"
	@echo "make clean  remove outputs and caches (keeps .venv)"

# python3.X-venv is installed first when PYTHON has no ensurepip (tools/system_deps.sh).
$(BIN)/python:
	@py=$$(sh tools/find_python.sh $(PYTHON)) || exit 1; \
	sh tools/system_deps.sh venv "$$py" "make $(MAKECMDGOALS)" || exit 1; \
	echo "$$py -m venv $(VENV)"; \
	"$$py" -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(PIP) install --quiet --upgrade pip

# Reinstall when the pins or the package metadata change. The file that makes JupyterLab load
# the media route (playing recordings, workbench.media_server) is copied into .venv's config
# by hand: a regular `pip install .` installs it (data-files in pyproject.toml), an editable
# install does not (setuptools skips data files there), and `jupyter server extension
# enable` refuses a module that no config file names yet.
SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.d
$(STAMP): $(BIN)/python pyproject.toml constraints.txt jupyter-config/jupyter_server_config.d/workbench.json
	$(PIP) install --quiet -c constraints.txt -e ".[test]"
	mkdir -p $(SERVER_CONFIG)
	cp jupyter-config/jupyter_server_config.d/workbench.json $(SERVER_CONFIG)/workbench.json
	@touch $(STAMP)

install: $(STAMP)

# What the tests drive, from Debian: chromium, a PostgreSQL server, LibreOffice Calc and
# Writer, the DejaVu fonts. Installed when missing as root or with passwordless sudo (one
# apt-get update, then apt-get install), else make stops at once with the command to run.
system-deps:
	@sh tools/system_deps.sh test "make $(or $(MAKECMDGOALS),test)"

demo: $(STAMP)
	$(BIN)/workbench demo --root . --out outputs

test: system-deps $(STAMP)
	$(BIN)/python -m pytest -q

test-fast: system-deps $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# The media route is named here too, so `make lab` plays recordings whatever the config says.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.jpserver_extensions="{'workbench.media_server': True}" notebooks/

# The COPIL apps (notebooks/apps) with Voila; the demo project unless PROJECT is given
# (HOST and PORT are set on the command line only: `make app HOST=0.0.0.0`).
HOST = 127.0.0.1
PORT = 8866
app: $(STAMP)
	$(BIN)/python -m workbench.serve --host $(HOST) --port $(PORT) $(if $(PROJECT),--project $(PROJECT))

lint: $(STAMP)
	$(BIN)/ruff check workbench tests bench
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

lock: $(BIN)/python
	@( echo "# Versions tested together (Python 3.11, Debian 12; they also install on Python 3.12"; \
	   echo "# and 3.13). Used by pip (make, .ci/run) and by environment.yml. Regenerate with:"; \
	   echo "# make lock (then check 3.12 and 3.13: a pin without a wheel there needs a marker)"; \
	   $(PIP) freeze --exclude-editable | grep -v '^workbench' ) > constraints.txt

clean:
	find outputs -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache
