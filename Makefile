# `make run` and `make test` set up .venv on a fresh machine, then do their job.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# One BLAS thread: the model's arrays are small per call, and stray BLAS threads steal the second core.
export OPENBLAS_NUM_THREADS := 1
export MPLBACKEND := Agg

.PHONY: run test lint bench lock clean

# The exact versions CI tested (requirements.lock), so that the same seed gives the same numbers on every
# machine; pyproject.toml keeps the ranges for library users. `make lock` regenerates the lock.
$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required (looked for '$(PYTHON)')"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/jangmadang run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py

lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet pip-tools
	.lock-venv/bin/pip-compile --quiet --upgrade --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) outputs .pytest_cache .hypothesis
