# The only interface a newcomer needs: make demo, make test (both create .venv and install).
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
SAMPLE  := samples/sample_call.wav
SAMPLE_META := samples/sample_call.meta.json

.PHONY: install demo test test-fast lint bench bench-api bench-web services readme clean train eval-signals web-assets browser

$(PY):
	python3 -m venv $(VENV)

# torch is installed first and pinned: 2.13.0 is the CPU build on disk; an unpinned torch pulls GBs of CUDA.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "torch==2.13.0" "setuptools<80" wheel
	$(PY) -m pip install -q -e ".[dev]" "torch==2.13.0"
	touch $(STAMP)

install: $(STAMP)

# The web pages' browser libraries, from npm (package.json, pinned by package-lock.json), copied into
# web/static/vendor where the app serves them. The copies are committed so a clone works without
# npm; this target re-derives them (git diff then shows any drift from the lock file).
VENDOR := web/static/vendor
web-assets:
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p $(VENDOR)/htmx $(VENDOR)/swagger-ui $(VENDOR)/redoc
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE $(VENDOR)/htmx/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
	   node_modules/swagger-ui-dist/favicon-32x32.png node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/
	cp node_modules/redoc/bundles/redoc.standalone.js node_modules/redoc/LICENSE $(VENDOR)/redoc/

# The browser tests drive Debian's chromium through Playwright (never `playwright install`).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

demo: install
	$(VENV)/bin/callcoach analyze $(SAMPLE) --meta $(SAMPLE_META)

# Redis and PostgreSQL run on the dev machines; start them if they stopped (no-op elsewhere).
services:
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || (command -v redis-server >/dev/null && \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no) || true
	@pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 || (command -v pg_ctlcluster >/dev/null && \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start) || true

lint: install
	$(VENV)/bin/ruff check callcoach ingest transcribe signals coaching workers api web redact tests bench
	$(VENV)/bin/lint-imports

test: install services browser
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest -q

# The pure layers on SQLite (signals, coaching, storage, ingest, transcribe's and redact's pure parts,
# the services' pure rules): no model load, audio, browser, Redis/PostgreSQL, nor the doors' CLI
# subprocesses. About 40 s on a quiet 2-core machine; `make test` runs everything.
FAST_TESTS := tests/analysis tests/signals tests/coaching tests/storage tests/ingest tests/transcribe tests/redact tests/services
test-fast: install
	$(VENV)/bin/python -m pytest -q -m "not slow and not services and not browser and not audio" $(FAST_TESTS)

bench: install
	$(PY) bench/transcribe.py
	$(PY) bench/storage.py
	$(PY) bench/signals.py
	$(PY) bench/coaching_drift.py

# Rewrite the signals corpus (deterministic, committed) and retrain the shipped sentence classifiers
# (signals/_models); prints the grouped cross-validated scores of each.
train: install
	$(PY) -m signals._corpus.generate
	$(PY) -m signals._train

# Leave-one-deal-out scores of the signals on the labeled calls in ../shared/calls, plus corpus CV.
eval-signals: install
	$(PY) bench/eval_lodo.py --cv

# Needs the local Redis and PostgreSQL; starts its own API server and workers on loopback.
bench-api: install services
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/api.py
	$(PY) bench/coaching_scale.py

# Server time of the call page (60-minute call) and /team (10,000 stored calls).
bench-web: install
	nice -n 10 $(PY) bench/web.py

# Regenerate the README's configuration table from callcoach.settings.Settings.
readme: install
	$(PY) -m callcoach.settings_doc --write README.md

clean:
	rm -rf $(VENV) .pytest_cache data
