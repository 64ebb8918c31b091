# The two set-up commands: `make run` and `make test`. Everything is installed into .venv.
# Users who only want the tool need no make: `pipx install .` or `pip install .` (README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CORPUS ?= ../shared/corpus
ENGINES ?= pdfium pdfplumber
MIN_PYTHON := 3.11

.PHONY: install run test test-fuzz lint typecheck eval bench samples wheel-check screenshots clean

# The package's bytecode is written too (only what changed): pip writes an installed wheel's, not an
# editable checkout's, and where PYTHONDONTWRITEBYTECODE is set Python never writes it, so every
# process (the command, the worker server) would compile the package again: ~0.1 s of a one-letter run.
# A .venv left by a failed install, or made by a Python that is gone or too old, is rebuilt,
# and the user is told why; a too-old $(PYTHON) stops here with how to choose another.
install:
	@if [ -d $(VENV) ] && ! $(PY) -c 'import sys, jtai_extract; sys.exit(sys.version_info < ($(subst .,$(comma),$(MIN_PYTHON))))' 2>/dev/null; then \
		echo "make: $(VENV) is broken or incomplete (an install failed, or its Python changed): recreating it" >&2; \
		rm -rf $(VENV); fi
	@$(MAKE) --no-print-directory $(VENV)/.installed
	@$(PY) -m compileall -q src >/dev/null

comma := ,
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < ($(subst .,$(comma),$(MIN_PYTHON))))' 2>/dev/null || { \
		echo "make: jtai-extract needs Python $(MIN_PYTHON) or newer, and '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo 'not found')." >&2; \
		echo "make: choose another, e.g.  make run PYTHON=python3.12  (nothing was installed)" >&2; exit 1; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev]' || { rm -rf $(VENV); \
		echo "make: the install failed (see above); $(VENV) was removed, so the next make starts afresh" >&2; exit 1; }
	touch $@

run: install
	$(VENV)/bin/jtai-extract samples/ --summary
	$(VENV)/bin/jtai-extract samples/ --jsonl > samples/out.jsonl
	@echo "wrote samples/out.jsonl ($$(wc -l < samples/out.jsonl) letters)"

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check src tests scripts

typecheck: install
	$(VENV)/bin/mypy src

eval: install
	$(PY) scripts/eval.py $(CORPUS) $(ENGINES)

bench: install
	$(PY) scripts/bench.py $(CORPUS)/pdf

samples: install
	$(PY) scripts/make_samples.py

# the README's pictures of --report and --view (docs/*.png), from the sample letters, in headless Chromium
screenshots: install
	$(PY) scripts/screenshots.py docs

# build the wheel, install it in a fresh venv outside the checkout, and use it from there
wheel-check: install
	bash scripts/wheel_check.sh

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info .pytest_cache .ruff_cache .mypy_cache src/jtai_extract/__pycache__
