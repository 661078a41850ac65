# Two commands for a fresh clone: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py

.PHONY: help venv run serve worker beat test bench wrk fuzz pdfs poppler lint format messages lock clean

help:
	@echo "make run     set up everything (venv, migrations, reference and demo data) and serve http://127.0.0.1:8000"
	@echo "make test    run the whole test suite (PostgreSQL/Redis tests need DATABASE_URL and REDIS_URL)"
	@echo "make lint    ruff check and format check"
	@echo "make bench   benchmarks into BENCHMARKS.md (Kolada sync; selection optimiser; billing; documents; 290 applications in 5 minutes; key pages under gunicorn at 1x and 10x data)"
	@echo "make fuzz    hypothesis posts 1,000 random and hostile payloads to every form view (FUZZ_EXAMPLES, FUZZ_FORMS)"
	@echo "make pdfs    every document of the demo as PDF in build/pdfs/, the first page of each as PNG (pdftoppm)"
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

# PYTEST_ARGS passes extra options, e.g. make test PYTEST_ARGS="-x tests/test_settings.py".
# The suite runs in TEST_WORKERS processes (pytest-xdist; each has its own test database, Celery queue and
# cache prefix), a test file's tests in one process so that a module's demo data is seeded once.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Benchmarks (speed is measured here, not by timed tests): each script writes build/bench/<name>.json, then
# bench/report.py writes BENCHMARKS.md and prints its tables. pages.py and load_applications.py recreate their
# PostgreSQL databases (natverk_bench1, natverk_bench10, natverk_load) on 127.0.0.1 and serve the app with
# gunicorn; pages.py drives it with wrk (Debian's package, installed here when missing and allowed).
bench: $(STAMP)
	@command -v wrk >/dev/null || $(MAKE) --no-print-directory wrk
	$(BIN)/python bench/kolada_sync.py
	$(BIN)/python bench/selection.py
	$(BIN)/python bench/billing.py
	$(BIN)/python bench/reports.py
	-$(BIN)/python bench/load_applications.py  # exits 1 when a target fails; BENCHMARKS.md says which
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/report.py

wrk:
	@if [ "$$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
		echo "wrk is missing: install Debian's wrk (sudo apt-get install wrk)"; exit 1; fi; \
	$$SUDO apt-get install -y -qq --no-install-recommends wrk \
		|| { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends wrk; }

# Hostile and random data posted to every form view (tests/fuzz/): never a 500, never a partial write.
# make test runs 25 examples per form; this runs FUZZ_EXAMPLES per form (hours on 2 cores).
# FUZZ_FORMS="seminars:register,account_signup" narrows it to some forms.
FUZZ_EXAMPLES ?= 1000
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile tests/fuzz $(PYTEST_ARGS)

# Every document of the demo (invitations, receipts, selection reports, contact and attendance lists,
# efficiency profiles, final reports, invoices) into build/pdfs/, and the first page of each into PNG with
# pdftoppm (Debian's poppler-utils, installed here when missing and allowed). Uses the embedded database
# unless DATABASE_URL is set; the demo is seeded first (idempotent).
pdfs: $(STAMP)
	@command -v pdftoppm >/dev/null || $(MAKE) --no-print-directory poppler
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) seed_demo
	$(MANAGE) render_pdfs --out build/pdfs

poppler:
	@if [ "$$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
		echo "pdftoppm is missing: install Debian's poppler-utils (sudo apt-get install poppler-utils)"; exit 1; fi; \
	$$SUDO apt-get install -y -qq --no-install-recommends poppler-utils \
		|| { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends poppler-utils; }

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
