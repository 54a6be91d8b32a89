# chiso — every target creates and reuses its own virtualenv in .venv (Python 3.11+).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-sqlite test-postgres lint format bench docs examples examples-check messages clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## demo: the web app on SQLite with the example years published; prints the address and logins
demo: $(STAMP)
	$(PY) -m chiso demo
	$(PY) -m chiso web demo --port $(or $(PORT),8000)

## test: lint, then the whole suite on SQLite, then the database tests on PostgreSQL
test: lint test-sqlite test-postgres

test-sqlite: $(STAMP)
	CHISO_TEST_DB=sqlite $(PY) -m pytest -q -n 2

test-postgres: $(STAMP)
	CHISO_TEST_DB=postgres $(PY) -m pytest -q -n 2 -m db

lint: $(STAMP)
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format src tests benchmarks
	$(VENV)/bin/ruff check --fix src tests benchmarks

## bench: the benchmarks in benchmarks/, results written to docs/benchmarks.md
bench: $(STAMP)
	$(PY) -m benchmarks.run --write docs/benchmarks.md

## docs: regenerate the reference pages (the tests fail when they are stale)
docs: $(STAMP)
	$(PY) -m chiso.docgen docs

## examples: regenerate the example publication files in docs/examples/ from the demo data
## (examples-check writes nothing and fails when a file there no longer matches the code)
examples: $(STAMP)
	$(PY) -m chiso.web.publishing.examples

examples-check: $(STAMP)
	$(PY) -m chiso.web.publishing.examples --check

## messages: re-extract the interface's Vietnamese strings into the English catalogue and compile it
## (needs GNU gettext; commit both django.po and django.mo, since installs have no gettext tools)
I18N_ENV := DJANGO_SETTINGS_MODULE=chiso.web.settings CHISO_DEBUG=true CHISO_DATA_DIR=/tmp/chiso-i18n
messages: $(STAMP)
	cd src/chiso/web && $(I18N_ENV) ../../../$(VENV)/bin/django-admin makemessages -l en \
		--ignore 'migrations/*' --ignore '*/migrations/*' --add-location file --no-obsolete \
		&& $(I18N_ENV) ../../../$(VENV)/bin/django-admin compilemessages -l en

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
