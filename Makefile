# Verloop: two commands on a fresh machine.
#   make demo   set up, build the synthetic demo organisation, serve the apps on 127.0.0.1:8866
#   make test   set up, start PostgreSQL + install Chromium if missing, run the whole test suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DB ?= sqlite:///var/verloop.db
PORT ?= 8866

.PHONY: demo test test-fast lint venv serve clean bench

$(VENV)/bin/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	@echo "verloop: creating the virtual environment $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -qq --disable-pip-version-check --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml
	@echo "verloop: installing Verloop and its dependencies into $(VENV) (a few minutes the first time)"
	@$(PY) -m pip install -qq --disable-pip-version-check -e '.[test]'
	@touch $@

venv: $(VENV)/.installed

demo: venv
	@if ! $(VENV)/bin/verloop status --db $(DB) >/dev/null 2>&1; then \
		echo "verloop: building the demo organisation into $(DB)"; \
		$(VENV)/bin/verloop demo --db $(DB) --seed 1; fi
	@if [ ! -f models/team-risk/card.json ] || [ ! -f models/drivers/card.json ]; then \
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

clean:
	rm -rf var/verloop.db* .pytest_cache
