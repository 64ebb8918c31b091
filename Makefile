# The two set-up commands: `make run` and `make test`. Everything is installed into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CORPUS ?= ../shared/corpus
ENGINES ?= pdfplumber

.PHONY: install run test test-fuzz lint eval bench samples clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/jtai-extract samples/ --summary
	$(VENV)/bin/jtai-extract samples/ --jsonl > samples/out.jsonl && echo "wrote samples/out.jsonl"

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check src tests scripts

eval: install
	$(PY) scripts/eval.py $(CORPUS) $(ENGINES)

bench: install
	$(PY) scripts/bench.py $(CORPUS)/pdf

samples: install
	$(PY) scripts/make_samples.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
