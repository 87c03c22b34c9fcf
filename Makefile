# Tilts: `make run` to try it, `make test` to check everything. Both start from a bare Debian 12 + Python 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test serve migrate demo messages makemessages lint format typecheck lock bench clean help

help:
	@echo "make run    - install, migrate, load demo data and serve http://$(HOST) (SQLite)"
	@echo "make test   - the whole suite: ruff, mypy, pytest on PostgreSQL and SQLite, browser tests"
	@echo "make makemessages / messages - extract / compile translations"
	@echo "make bench  - print benchmark figures"

$(VENV)/bin/python:
	bash scripts/system-deps.sh run
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

messages: $(VENV)/.runtime
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

makemessages: $(VENV)/.runtime
	cd tilts && ../$(BIN)/python ../manage.py makemessages -l lv --no-obsolete --no-location \
	  --ignore='*/tests/*' --ignore='static/*' -v0

migrate: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py build_gazetteer -v0

demo: migrate
	$(BIN)/python manage.py seed_demo

run: $(VENV)/.runtime messages demo
	@echo "Serving on http://$(HOST)/  (Ctrl-C to stop)"
	@# The background worker (exports, hourly report reminders) runs alongside the server and stops with it.
	$(BIN)/python manage.py schedule_report_reminders
	$(BIN)/python manage.py schedule_quality_reminders
	$(BIN)/python manage.py schedule_weekly_digest
	$(BIN)/python manage.py schedule_housekeeping
	$(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST)

test: $(VENV)/.dev
	bash scripts/system-deps.sh test
	$(MAKE) --no-print-directory messages
	bash scripts/run-tests.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

bench: $(VENV)/.dev messages migrate
	$(BIN)/python bench/grants.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/imports.py
	@# Pages and API lists on the large consortium, on a throwaway PostgreSQL (BENCH_SIZE=medium for a quick run).
	eval "$$(bash scripts/postgres.sh start)"; trap 'bash scripts/postgres.sh stop "$$TILTS_PGDATA"' EXIT; \
	  $(BIN)/python bench/pages.py

lock: $(VENV)/bin/python
	bash scripts/lock.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
