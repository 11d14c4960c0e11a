# Everyday commands. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run browser nginx test test-fast test-slow test-stress lint format install install-dev migrate \
	demo schema clean api-release bench bench-gates load cluster-drill security-replay docs docs-build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# libs/opskit is installed as a copy (the container image needs no source tree), so a
# change to its source reinstalls it.
OPSKIT := libs/opskit/pyproject.toml $(wildcard libs/opskit/opskit/*.py)
$(VENV)/.installed: $(BIN)/python requirements.txt $(OPSKIT)
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt requirements-docs.txt customer_support/requirements.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt -r requirements-docs.txt -r customer_support/requirements.txt
	touch $@

# Mermaid for the docs site, from the npm registry at a pinned version and checksum
# (git-ignored; the site then renders its diagrams without any CDN).
MERMAID := docs/vendor/mermaid/mermaid.min.js
$(MERMAID): scripts/docs/install_mermaid.sh
	bash scripts/docs/install_mermaid.sh

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev $(MERMAID)

## The docs site (mkdocs.yml) at http://$(HOST):8008, rebuilt on every change
docs: install-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr $(HOST):8008

## The docs site built as CI builds it: generated blocks current, --strict (a broken link or
## anchor fails), no request to another host (into site/, git-ignored)
docs-build: install-dev
	$(BIN)/python -m scripts.docs.generate --check
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	bash scripts/docs/check_offline.sh site

## What the browser tests need: Debian's chromium + chromium-driver (apt-get, as root) and
## axe-core from the npm registry (locked in tests/browser/axe/); and nginx for the tests
## of the proxy recipe. All idempotent; CI's install step runs this.
browser: nginx
	bash scripts/ci/install_browser.sh

## Debian's nginx, for the tests that run deploy/nginx.conf (idempotent; apt-get, as root)
nginx:
	bash scripts/ci/install_nginx.sh

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo_data

## Install, migrate, load demo data and serve at http://$(HOST):$(PORT)
run: demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Every test tier of both projects (docs/testing.md): each runs even if one before it
## failed, then one summary; non-zero exit if any tier failed
test: install-dev browser
	bash scripts/ci/test_tiers.sh

## The fast tiers only (unit, API, GraphQL, parity; the movie API's in parallel)
test-fast: install-dev
	TIERS="main-fast support-fast" bash scripts/ci/test_tiers.sh

## The slow tiers only (processes, faults, scanners, real servers)
test-slow: install-dev browser
	TIERS="main-slow support-slow" bash scripts/ci/test_tiers.sh

## `make test` while a CPU hog keeps every core busy: check robustness before pushing
test-stress: install-dev browser
	bash scripts/ci/with_cpu_hog.sh bash scripts/ci/test_tiers.sh

## The security replay (docs/security.md): the production stack (gunicorn x3, the shipped
## nginx recipe; PostgreSQL from DATABASE_URL, the security store on REDIS_URL when set,
## the response cache on a small redis-server of its own) and every
## reproduction of the hardening findings against it. Also part of the slow tier.
security-replay: install-dev nginx
	$(BIN)/pytest -m replay tests/replay -p no:cacheprovider

## Benchmarks (bench/README.md): in-process ratios on seeded size-S SQLite, then HTTP with wrk
bench: install-dev
	$(BIN)/python -m bench.run; status=$$?; bash bench/http.sh && exit $$status

## The in-process gates from a quick run, as tests (CI perf job)
bench-gates: install-dev
	$(BIN)/pytest -m perf tests/perf

## Load test (not CI): gunicorn on PostgreSQL+Redis, Locust headless; USERS, DURATION
load: install
	bash bench/load.sh

## Cluster drill (not CI; root): PostgreSQL primary + replica, Redis, 3 app hosts and HAProxy
## in network namespaces under load while faults are injected; writes bench/cluster-drill.*
cluster-drill: install-dev
	bash scripts/cluster/drill.sh

## Save today's GraphQL schema and REST document as the last release's (docs/api/release/),
## which `python -m scripts.ci.api_compat` (tests/test_api_compat.py) compares against
api-release: install-dev
	$(BIN)/python -m scripts.ci.api_compat --release

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	cd customer_support && ../$(BIN)/python manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
