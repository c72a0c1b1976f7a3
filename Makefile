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

.PHONY: report-tools run test test-fast test-sqlite test-services lint check lock worker beat serve eval-routing bench clean

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

# The whole suite, each test once, in parallel (pytest-xdist; each process has its own test database,
# Redis key prefix and celery queue). Where PostgreSQL and Redis answer, every test runs there (the
# production database: the ORM, constraints, row locks and a real worker), then the tests marked
# `embedded` (in-process tasks, `make run`'s set-up, SQLite code paths) run on SQLite. Where they do
# not answer, the whole suite runs on SQLite. `make test-fast` leaves out the tests marked `slow` and
# those that start a real celery worker process (`worker`): the edit-test loop; CI runs them all.
# `--dist worksteal`: a process that runs out of tests takes some of the other's queue, so the run
# does not end with one process working through a long queue while the other waits.
# One process more than there are cores: a core left waiting while a test waits on a worker process, a
# browser or a live server is taken by the extra one (on 2 cores, 3 processes: 7 min 58 s against
# 10 min 6 s with 2, the same slow machine, README "Test timings").
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal
ON_SERVICES := DATABASE_URL="$(PG_URL)" CELERY_BROKER_URL="$(REDIS_URL)" CACHE_URL="$(REDIS_URL)"
ON_SQLITE := env -u DATABASE_URL -u CELERY_BROKER_URL -u CACHE_URL -u CELERY_QUEUE

# Schemathesis builds its cases while the module is collected (seconds per process): a run that
# selects none of them (every one is `slow`, none `embedded`) does not collect the module at all.
NOT_COLLECTED := --ignore=tests/security/test_api_fuzz.py

# $(call suite,MARKER-EXPRESSION): both runs, with the expression ('' for everything) added to each.
define suite
	@if $(BIN)/python -m config.probe "$(PG_URL)" "$(REDIS_URL)"; then \
	  echo "==> the suite on PostgreSQL + Redis ($(PG_URL), $(REDIS_URL))"; \
	  $(ON_SERVICES) $(PYTEST) $(if $(1),-m "$(1)" $(NOT_COLLECTED)) $(PYTEST_ARGS); services=$$?; \
	  echo "==> the embedded mode's tests on SQLite with in-process tasks"; \
	  $(ON_SQLITE) $(PYTEST) -m "embedded$(if $(1), and ($(1)))" $(NOT_COLLECTED) $(PYTEST_ARGS); sqlite=$$?; \
	  exit $$(( services || sqlite )); \
	elif [ -n "$(REQUIRE_SERVICES)" ]; then \
	  echo "PostgreSQL ($(PG_URL)) or Redis ($(REDIS_URL)) is not reachable and REQUIRE_SERVICES is set"; exit 1; \
	else \
	  echo "==> PostgreSQL or Redis does not answer (set PG_URL / REDIS_URL): the whole suite on SQLite"; \
	  $(ON_SQLITE) $(PYTEST) $(if $(1),-m "$(1)" $(NOT_COLLECTED)) $(PYTEST_ARGS); \
	fi
endef

test: venv
	$(call suite,)

test-fast: venv
	$(call suite,not slow and not worker)

# One database only, everything: for chasing a difference between the two.
test-sqlite: venv
	$(ON_SQLITE) $(PYTEST) $(PYTEST_ARGS)

test-services: venv
	$(ON_SERVICES) $(PYTEST) $(PYTEST_ARGS)

# The campaign report's PDF (docs/reports.md): LibreOffice converts the report's .docx. Debian packages,
# installed as root; optional — without them `make run` works, the .docx is written and the PDF
# button says that PDF needs LibreOffice.
report-tools:
	@if command -v soffice >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto serif cjk"; then \
	  echo "LibreOffice and Noto CJK are installed: reports get a PDF"; else \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-writer-nogui fonts-noto-cjk; fi

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
