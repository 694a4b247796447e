# 連携事業ポータル — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
WORKBOOK := fixtures/r02_renkei_jigyo_gaiyo.xlsx
AREA := fixtures/areas/yamaguchi-chuo.toml
PORT ?= 8000

.PHONY: run test install migrate load lint check-deploy bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

# Only what is missing: the area and the R2 year are read once, so edits made on screen stay.
load: migrate
	$(PY) manage.py setup_area --if-absent $(AREA)
	$(PY) manage.py import_overview --if-absent $(WORKBOOK)
	$(PY) manage.py load_demo

run: load
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# axe-core (npm) for the accessibility checks of the browser tests; skipped without npm.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error; \
	else echo "*** npm がないため axe-core を入れられません (アクセシビリティ検査は省略されます) ***"; fi

test: install $(AXE)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check-deploy: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$$(openssl rand -hex 32) DJANGO_ALLOWED_HOSTS=portal.example.jp \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) bench/import_export.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
