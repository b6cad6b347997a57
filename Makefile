# Two commands for a newcomer: `make demo` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
STAMP  := $(VENV)/.installed

.PHONY: help install demo test test-fast lab app lint bench lock clean

help:
	@echo "make demo   build the demo project from corpora/demo and codebooks/, write outputs/"
	@echo "make test   run the whole test suite"
	@echo "make lab    open the notebooks in JupyterLab"
	@echo "make app    serve the COPIL apps with Voila (PROJECT=…, HOST=…, PORT=…)"
	@echo "make lint   ruff"
	@echo "make bench  run the benchmarks (figures in outputs/bench/)"
	@echo "make clean  remove outputs and caches (keeps .venv)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall when the pins or the package metadata change.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/workbench demo --root . --out outputs

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# The COPIL apps (notebooks/apps) with Voila; the demo project unless PROJECT is given
# (HOST and PORT are set on the command line only: `make app HOST=0.0.0.0`).
HOST = 127.0.0.1
PORT = 8866
app: $(STAMP)
	$(BIN)/python -m workbench.serve --host $(HOST) --port $(PORT) $(if $(PROJECT),--project $(PROJECT))

lint: $(STAMP)
	$(BIN)/ruff check workbench tests bench

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

lock: $(BIN)/python
	@( echo "# Versions tested together (Python 3.11, Debian 12). Used by pip (make, .ci/run) and"; \
	   echo "# by environment.yml. Regenerate with: make lock"; \
	   $(PIP) freeze --exclude-editable | grep -v '^workbench' ) > constraints.txt

clean:
	find outputs -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache
