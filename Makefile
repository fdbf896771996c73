# The recipes CI, the README and humans run.
PY ?= .venv/bin/python
PIP ?= $(PY) -m pip

.PHONY: setup test lint fix conformance bench demo web

.venv/bin/python:
	python3 -m venv .venv
	$(PIP) install --upgrade pip

setup: .venv/bin/python
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(PIP) install -e '.[all]' --group dev

test: setup
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m mypy
	HF_HUB_OFFLINE=1 $(PY) -m pytest
	$(PY) scripts/conformance.py

lint:
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m ruff format --check src tests benchmarks
	$(PY) -m mypy

fix:
	$(PY) -m ruff check --fix src tests benchmarks
	$(PY) -m ruff format src tests benchmarks

conformance:
	$(PY) scripts/conformance.py

demo: setup
	.venv/bin/writersroom new "A lighthouse keeper finds a message in a bottle addressed to her, dated tomorrow." --out out/lighthouse --scenes 4 --seed 7

# Rebuild the committed web bundle (src/writersroom/web/static) from frontend/ with pinned packages.
web:
	cd frontend && npm ci --no-audit --no-fund && node build.mjs
