# Deputy Action — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# gunicorn's sync workers for `make serve` (and the benchmark's server).
WEB_WORKERS ?= 3
# The service suite (PostgreSQL + Redis + a real worker) uses these unless you set your own.
PG_URL ?= postgres://postgres@127.0.0.1:5432/deputy_action
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test test-sqlite test-services lint check lock worker beat serve eval-routing bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Install exactly what the lock says; re-run only when the lock changes.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	touch $@

venv: $(VENV)/.installed

run: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) load_regions
	$(MANAGE) load_calendar
	$(MANAGE) seed_demo --if-empty
	@echo "代表行动 is serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

# The whole suite: on SQLite with in-process tasks, then — where PostgreSQL and Redis answer on
# this machine — again on PostgreSQL + Redis with the tests that need a real worker.
test: test-sqlite test-services

# Two processes on SQLite (each has its own in-memory database). The service suite runs in one
# process: its real worker and the tests share one broker queue.
SQLITE_WORKERS ?= 2
test-sqlite: venv
	env -u DATABASE_URL -u CELERY_BROKER_URL -u CACHE_URL $(BIN)/python -m pytest -n $(SQLITE_WORKERS) $(PYTEST_ARGS)

test-services: venv
	@if $(BIN)/python -m config.probe "$(PG_URL)" "$(REDIS_URL)"; then \
	  DATABASE_URL="$(PG_URL)" CELERY_BROKER_URL="$(REDIS_URL)" CACHE_URL="$(REDIS_URL)" $(BIN)/python -m pytest $(PYTEST_ARGS); \
	elif [ -n "$(REQUIRE_SERVICES)" ]; then \
	  echo "PostgreSQL ($(PG_URL)) or Redis ($(REDIS_URL)) is not reachable and REQUIRE_SERVICES is set"; exit 1; \
	else \
	  echo "skipped the PostgreSQL + Redis suite: the services above are not reachable (set PG_URL / REDIS_URL)"; \
	fi

# ruff, then the import contract (pyproject [tool.importlinter]): apps import only apps to their left.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check: venv
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

worker: venv
	$(BIN)/celery -A config worker --loglevel=INFO

beat: venv
	$(BIN)/celery -A config beat --loglevel=INFO

serve: venv
	$(MANAGE) collectstatic --noinput
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WEB_WORKERS)

# Benchmarks (docs/benchmarks.md): `make bench` seeds the province-scale database when it is empty
# (about 3 minutes) and measures; `make bench SCALE=county` is the small smoke run CI affords.
SCALE ?= province
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/deputy_action_bench_$(SCALE)
# Its own Redis database: the dashboard step empties the cache between requests.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14

bench: venv
	DATABASE_URL="$(BENCH_DATABASE_URL)" CELERY_BROKER_URL="$(BENCH_REDIS_URL)" CACHE_URL="$(BENCH_REDIS_URL)" WEB_WORKERS="$(WEB_WORKERS)" \
	  $(BIN)/python -m bench --scale $(SCALE)

eval-routing: venv
	$(BIN)/python -m suggestions.routing eval --out docs/routing.md

lock: venv
	$(BIN)/python -m pip install --quiet -r requirements.in
	{ echo "# Exact versions for every install (make run, make test, CI). Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
