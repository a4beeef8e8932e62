# The two set-up commands (see README.md):
#   make run   - virtualenv, install, migrate, demo data, serve on http://127.0.0.1:8000 (PORT=8765 make run)
#   make test  - virtualenv, install, whole test suite (SQLite, or DATABASE_URL's database)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

# The port `make run` serves on: `PORT=8765 make run` or `make run PORT=8765`.
PORT ?= 8000
DEMO_ARTICLE ?= drones-target-us-base-in-syrias-hasaka

.PHONY: install run test lint format bench migrate demo bench-admin bench-public prod load train check-model screenshots

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core (package.json) for the browser tests' accessibility check; skipped where npm is absent
# (the browser tests then fail loudly if Chromium is present, since they need it).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: axe-core not installed (browser accessibility checks need it)"; fi

install: $(VENV)/.installed node_modules/.installed

# Lint and formatting (ruff), types (mypy with django-stubs; strict on the services and checks, see
# pyproject.toml) and migrations that match the models. CI runs this before the tests.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run

# Format (ruff format), then apply ruff's safe fixes (import order, modern syntax).
format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "Demo article:    http://127.0.0.1:$(PORT)/articles/$(DEMO_ARTICLE)/"
	@echo "Moderator admin: http://127.0.0.1:$(PORT)/admin/  (moderator / demo-moderator-2023)"
	@echo "API docs:        http://127.0.0.1:$(PORT)/api/docs/"
	@echo ""
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Full-page screenshots of the reader and moderator pages at 1280 and 390 px (Chromium, the browser
# tests whose names contain "screenshot"), written to SCREENSHOTS_DIR (default screenshots/, not committed).
screenshots: install
	SCREENSHOTS_DIR=$${SCREENSHOTS_DIR:-screenshots} $(PY) -m pytest -m browser -q -k screenshot

bench: install
	$(PY) benchmarks/bench_checks.py

# The learned checks' shipped model: retrain moderation/checks/model/weights.npz and MODEL_CARD.md
# from ../shared (about a minute); check-model only verifies the committed file rebuilds byte for byte.
train: install
	$(PY) manage.py train_checks $(TRAIN_ARGS)

check-model: install
	$(PY) manage.py train_checks --check

# Moderator pages at scale (see BENCHMARKS.md): loads 1M comments / 100k pending into each
# database the first time (several minutes), then times the admin pages on both.
BENCH_SQLITE ?= /tmp/bench_admin.sqlite3
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432/h2bench
bench-admin: install
	$(PY) benchmarks/bench_admin.py --generate --sqlite $(BENCH_SQLITE) --postgres $(BENCH_POSTGRES)

# Public pages at scale, uncached (BENCHMARKS.md "Public pages at scale"): 1M comments over 300 articles.
BENCH_PUBLIC_SQLITE ?= /tmp/bench_public.sqlite3
BENCH_PUBLIC_POSTGRES ?= postgres://postgres@127.0.0.1:5432/h2public
bench-public: install
	$(PY) benchmarks/bench_public_pages.py --generate --sqlite $(BENCH_PUBLIC_SQLITE) --postgres $(BENCH_PUBLIC_POSTGRES)

# --- Production stack, locally (README "Production stack"): PostgreSQL + Redis, gunicorn + a
# Celery worker. The database is created if missing; Ctrl-C stops both processes.
PROD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsroom
PROD_REDIS_URL ?= redis://127.0.0.1:6379/0
PROD_ENV = DEBUG=false DATABASE_URL=$(PROD_DATABASE_URL) REDIS_URL=$(PROD_REDIS_URL) \
	SECRET_KEY="$${SECRET_KEY:-local-production-stack-key-set-SECRET_KEY-for-real-use-0123456789}"

prod: install
	$(PY) -c 'import sys, psycopg; base, _, name = sys.argv[1].replace("postgres://", "postgresql://", 1).rpartition("/"); \
	conn = psycopg.connect(base + "/postgres", autocommit=True); \
	conn.execute(f"CREATE DATABASE \"{name}\"") if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() else None' \
	"$(PROD_DATABASE_URL)"
	$(PROD_ENV) $(PY) manage.py migrate --noinput
	$(PROD_ENV) $(PY) manage.py collectstatic --noinput -v 0
	$(PROD_ENV) $(VENV)/bin/celery -A config worker --loglevel INFO --concurrency 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PROD_ENV) $(VENV)/bin/gunicorn

# Load tests (BENCHMARKS.md "Load"): bounded, loopback only; LOAD_ARGS e.g. "--part read".
load: install
	$(PY) benchmarks/load.py $(LOAD_ARGS)
