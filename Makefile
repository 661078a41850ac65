# Two commands for a fresh clone: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py

.PHONY: help venv run serve worker beat test bench lint format messages lock clean

help:
	@echo "make run     set up everything (venv, migrations, reference and demo data) and serve http://127.0.0.1:8000"
	@echo "make test    run the whole test suite (PostgreSQL/Redis tests need DATABASE_URL and REDIS_URL)"
	@echo "make lint    ruff check and format check"
	@echo "make bench   benchmarks (Kolada sync of 174 000 values from a local fake server; selection optimiser for 25/100/290 applicants)"
	@echo "make messages  update and compile the Swedish translations"

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

# load_reference_data also registers the Celery beat schedule (idempotent).
run: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

serve: $(STAMP)
	$(MANAGE) runserver 127.0.0.1:8000

worker: $(STAMP)
	$(BIN)/celery -A config worker --loglevel=INFO

beat: $(STAMP)
	$(BIN)/celery -A config beat --loglevel=INFO

# PYTEST_ARGS passes extra options, e.g. make test PYTEST_ARGS="-x tests/test_settings.py"
test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks (speed is measured here, not by timed tests). Uses DATABASE_URL when set.
bench: $(STAMP)
	$(BIN)/python bench/kolada_sync.py
	$(BIN)/python bench/selection.py
	$(BIN)/python bench/billing.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(STAMP)
	$(MANAGE) makemessages -l sv --no-location --ignore=.venv --ignore=static --ignore=staticfiles --ignore=build --ignore=tests
	$(MANAGE) compilemessages -l sv --ignore=.venv

# Regenerate the full pin list after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable --disable-pip-version-check | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) staticfiles build .pytest_cache .ruff_cache
