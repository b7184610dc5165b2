# The README's two commands: `make run` and `make test`. Each works alone on a fresh machine.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
PORT    ?= 8050

.PHONY: run test lint build benchmark clean nginx

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

# tests/test_deploy.py runs Debian's nginx (its own instance, in a temp dir) in front of two replicas: installed here
# when run as root; otherwise the command is printed and that test is skipped (in CI, CI=true, it fails instead).
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing nginx (apt-get install -y nginx)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }; \
	  else \
	    echo "tests/test_deploy.py needs nginx: sudo apt-get install -y nginx (skipped without it)"; \
	  fi; }

run: $(VENV)/.runtime node_modules/.installed
	$(PY) -m etl ensure
	@echo "Dashboard: http://127.0.0.1:$(PORT)"
	$(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --timeout 60 --config gunicorn.conf.py app:server

build: $(VENV)/.runtime
	$(PY) -m etl build

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

test: $(VENV)/.dev node_modules/.installed nginx lint
	$(PY) -m pytest

benchmark: $(VENV)/.dev node_modules/.installed
	$(PY) benchmarks/build_benchmark.py
	$(PY) benchmarks/first_chart_benchmark.py
	$(PY) benchmarks/sandbox_benchmark.py
	$(PY) benchmarks/memory_benchmark.py
	$(PY) benchmarks/load_benchmark.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache
