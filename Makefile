# Verloop: two commands on a fresh machine.
#   make demo   set up, build the synthetic demo organisation, serve the apps on 127.0.0.1:8866
#   make test   set up, start PostgreSQL + install Chromium if missing, run the whole test suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DB ?= sqlite:///var/verloop.db
PORT ?= 8866

LOCK := requirements.lock
PIP := $(PY) -m pip --disable-pip-version-check
# the lock holds every dependency of Verloop and of its [test] and [bench] extras, with hashes;
# `make lock` regenerates it after a change to the dependencies in pyproject.toml
COMPILE := $(VENV)/bin/pip-compile --quiet --extra test --extra bench --strip-extras --generate-hashes \
	--allow-unsafe --no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

.PHONY: demo test test-fast lint venv serve clean bench lock

$(VENV)/bin/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	@echo "verloop: creating the virtual environment $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -qq --disable-pip-version-check --upgrade pip

# exactly the locked versions, then Verloop itself (editable, nothing resolved again)
$(VENV)/.installed: $(VENV)/bin/activate $(LOCK) pyproject.toml setup.py
	@echo "verloop: installing Verloop and its locked dependencies into $(VENV) (a few minutes the first time)"
	@$(PIP) install -qq --require-hashes -r $(LOCK)
	@$(PIP) install -qq --no-deps --no-build-isolation -e .
	@touch $@

venv: $(VENV)/.installed

demo: venv
	@if ! $(VENV)/bin/verloop status --db $(DB) >/dev/null 2>&1; then \
		echo "verloop: building the demo organisation into $(DB)"; \
		$(VENV)/bin/verloop demo --db $(DB) --seed 1; fi
	@models=$$($(VENV)/bin/verloop config --json | $(PY) -c "import json, sys; print(next(r['value'] for r in json.load(sys.stdin) if r['name'] == 'models'))"); \
	if [ ! -f "$$models/team-risk/card.json" ] || [ ! -f "$$models/drivers/card.json" ]; then \
		echo "verloop: training the models (once, a few minutes)"; \
		$(VENV)/bin/verloop train --db $(DB) || echo "verloop: training failed; the model pages say so"; fi
	@echo "verloop: serving the HR dashboards and the surveys (Ctrl-C stops)"
	@$(VENV)/bin/verloop serve --db $(DB) --port $(PORT)

test: venv
	bash scripts/run-tests.sh

# the quick loop while coding: no browser, nothing marked slow, spread over the cores (PostgreSQL too)
test-fast: venv
	bash scripts/run-tests.sh -m "not slow and not browser" -n auto

lint: venv
	$(VENV)/bin/ruff check verloop tests bench scripts
	$(VENV)/bin/ruff format --check verloop tests bench scripts

bench: venv
	for b in bench/*.py; do $(PY) $$b; done

lock: $(VENV)/bin/activate
	@$(PIP) install -qq pip-tools
	$(COMPILE)

clean:
	rm -rf var/verloop.db* .pytest_cache
