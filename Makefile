# The only interface a newcomer needs: make demo, make test (both create .venv and install).
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
SAMPLE  := samples/sample_call.wav
SAMPLE_META := samples/sample_call.meta.json

.PHONY: install demo test test-fast lint bench bench-api services readme clean train eval-signals

$(PY):
	python3 -m venv $(VENV)

# torch is installed first and pinned: 2.13.0 is the CPU build on disk; an unpinned torch pulls GBs of CUDA.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "torch==2.13.0" "setuptools<80" wheel
	$(PY) -m pip install -q -e ".[dev]" "torch==2.13.0"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/callcoach analyze $(SAMPLE) --meta $(SAMPLE_META)

# Redis and PostgreSQL run on the dev machines; start them if they stopped (no-op elsewhere).
services:
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || (command -v redis-server >/dev/null && \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no) || true
	@pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 || (command -v pg_ctlcluster >/dev/null && \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start) || true

lint: install
	$(VENV)/bin/ruff check callcoach ingest transcribe signals coaching workers api tests bench
	$(VENV)/bin/lint-imports

test: install services
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest -q

test-fast: install
	$(VENV)/bin/python -m pytest -q -m "not slow and not services"

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
	@command -v wrk >/dev/null || apt-get install -y wrk
	$(PY) bench/api.py
	$(PY) bench/coaching_scale.py

# Regenerate the README's configuration table from callcoach.settings.Settings.
readme: install
	$(PY) -m callcoach.settings_doc --write README.md

clean:
	rm -rf $(VENV) .pytest_cache data
