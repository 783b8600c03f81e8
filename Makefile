# Partner Portal — the two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 2>/dev/null || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= portal.settings.dev

.PHONY: venv install run serve migrate demo worker test test-fast lint format messages bench clean

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

install: $(VENV)/.installed

messages: install
	@if ls locale/*/LC_MESSAGES/*.po */locale/*/LC_MESSAGES/*.po 2>/dev/null | grep -q .; then $(PY) manage.py compilemessages --ignore=.venv >/dev/null; fi

migrate: install
	@mkdir -p var/mail
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_data

# Serves on 127.0.0.1:$(PORT). Without REDIS_URL tasks run eagerly in the web
# process; with it, a Celery worker (and beat) are started alongside.
run: messages demo
	@PORT=$(PORT) VENV=$(VENV) bash scripts/run.sh

worker: install
	$(VENV)/bin/celery -A portal worker --beat -l info

test: messages
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) -m pytest -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	bash scripts/bench.sh

clean:
	rm -rf $(VENV) var/db.sqlite3 var/static
