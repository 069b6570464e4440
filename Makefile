# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format migrate seed messages worker serve run-cluster bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --accounts-csv demo_accounts.csv

# Compiled messages are committed (so no GNU gettext is needed); this regenerates them.
messages: install
	rm -f locale/zh_Hans/LC_MESSAGES/django.po  # rebuilt from scratch: no fuzzy merges in an identity catalogue
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) scripts/fill_source_translations.py locale/zh_Hans/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages -l zh_Hans --ignore '.venv/*'

run: seed
	@HOST=$(HOST) PORT=$(PORT) PY=$(PY) bash scripts/run.sh

run-cluster: migrate
	@PY=$(PY) bash scripts/run_cluster.sh

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports  # architecture contracts in .importlinter

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3* media demo_accounts.csv
