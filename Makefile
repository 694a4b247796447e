# 連携事業ポータル — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
WORKBOOK := fixtures/r02_renkei_jigyo_gaiyo.xlsx

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

load: migrate
	$(PY) manage.py import_overview $(WORKBOOK)
	$(PY) manage.py load_demo

run: load
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-deploy: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$$(openssl rand -hex 32) DJANGO_ALLOWED_HOSTS=portal.example.jp \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) bench/import_export.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
