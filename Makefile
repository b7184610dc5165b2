# The README's two commands: `make run` and `make test`. Each works alone on a fresh machine.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
PORT    ?= 8050

.PHONY: run test lint build benchmark clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Map shapes (and test tools) come from npm, so the app never fetches them from a CDN.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the map shapes: apt-get install -y npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(VENV)/.runtime node_modules/.installed
	$(PY) -m etl ensure
	@echo "Dashboard: http://127.0.0.1:$(PORT)"
	$(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --timeout 60 app:server

build: $(VENV)/.runtime
	$(PY) -m etl build

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

test: $(VENV)/.dev node_modules/.installed lint
	$(PY) -m pytest

benchmark: $(VENV)/.dev node_modules/.installed
	$(PY) benchmarks/build_benchmark.py
	$(PY) benchmarks/first_chart_benchmark.py
	$(PY) benchmarks/sandbox_benchmark.py
	$(PY) benchmarks/memory_benchmark.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache
