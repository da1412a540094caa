# Verloop: two commands on a fresh machine.
#   make demo   set up, build the synthetic demo organisation, serve the apps on 127.0.0.1:8866
#   make test   set up, start PostgreSQL + install Chromium if missing, run the whole test suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DB ?= sqlite:///var/verloop.db
PORT ?= 8866

.PHONY: demo test venv serve clean bench

$(VENV)/bin/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

demo: venv
	@if [ ! -f var/verloop.db ]; then $(VENV)/bin/verloop demo --db $(DB) --seed 1; fi
	@if [ ! -f models/team-risk/card.json ]; then $(VENV)/bin/verloop train --db $(DB); fi
	$(VENV)/bin/verloop serve --db $(DB) --port $(PORT)

test: venv
	bash scripts/run-tests.sh

bench: venv
	for b in bench/*.py; do $(PY) $$b; done

clean:
	rm -rf var/verloop.db* .pytest_cache
