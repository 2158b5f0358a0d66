# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Debian's Chromium for the browser tests; installed when missing.
CHROMIUM := /usr/bin/chromium

.PHONY: clinical-rules run test lint typecheck layers format migrations-check security chromium pdf-deps demo clean bench wrk

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Development server, Celery worker and beat together (Procfile, honcho).
run: export DJANGO_DEBUG ?= true
run: $(VENV)/.installed pdf-deps
	@mkdir -p var/static
	@$(BIN)/python manage.py check_services
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "  Staff site:  http://127.0.0.1:$(PORT)/"
	@echo "  Admin:       http://127.0.0.1:$(PORT)/admin/"
	@echo "  Demo logins (password demo-password-2026; second factor: the demo TOTP secret"
	@echo "  GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ in any authenticator app, or run"
	@echo "  '$(BIN)/python manage.py demo_otp_code' for the current code):"
	@echo "    clinician    (clinician, Riverside Physiotherapy)"
	@echo "    reception    (reception, Riverside Physiotherapy)"
	@echo "    clinicadmin  (clinic admin, Riverside Physiotherapy; also the admin site)"
	@echo "    harbour.clinician, harbour.reception, harbour.admin (Harbour Sports & Spine Clinic)"
	@echo "    admin        (superuser)"
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" PORT=$(PORT) $(BIN)/honcho start -f Procfile

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

# WeasyPrint's system libraries (Debian's Pango and HarfBuzz), a font, and
# poppler-utils (pdftoppm, for the PDF tests); installed when missing.
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
pdf-deps:
	@if ! dpkg -s $(PDF_DEBS) >/dev/null 2>&1; then \
	  echo "Installing the PDF handout's system libraries"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(PDF_DEBS) >/dev/null; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with the django-stubs plugin ([tool.mypy] in pyproject.toml): the
# services, selectors and api modules fully annotated.
typecheck: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=clinic.settings_test DATABASE_URL=sqlite:///:memory: $(BIN)/mypy clinic patients assessments exercises programmes alerts tracking reminders fhir_r4 portal devtools

# import-linter: the apps depend one way ([tool.importlinter] in pyproject.toml).
layers: $(VENV)/.installed-dev
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=clinic.settings_test DATABASE_URL=sqlite:///:memory: $(BIN)/python manage.py makemigrations --check --dry-run

# bandit: no medium or high finding in project code (each exception is a
# justified `# nosec` inline). pip-audit: no known vulnerability in the installed
# packages; where its service cannot be reached it says NOT AUDITED loudly and
# fails only with PIP_AUDIT_REQUIRED=1 (see .ci/pip_audit_check.py).
security: $(VENV)/.installed-dev
	$(BIN)/bandit -q -r clinic patients assessments exercises programmes alerts tracking reminders fhir_r4 portal devtools -x '*/migrations/*' -ll
	$(BIN)/python .ci/pip_audit_check.py

# docs/clinical-rules.md from the rules in the code (a test fails when it is stale).
clinical-rules: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=clinic.settings_test DATABASE_URL=sqlite:///:memory: $(BIN)/python manage.py clinical_rules

# The whole suite on PostgreSQL and Redis, browser tests included.
test: $(VENV)/.installed-dev chromium pdf-deps lint typecheck layers migrations-check security
	$(BIN)/python -m pytest

wrk:
	@if ! command -v wrk >/dev/null; then \
	  echo "Installing Debian's wrk for the benchmark"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; \
	fi

# The clinic-chain benchmark (issue 8; not part of `make test`): generates
# BENCH_PATIENTS (default 100000) in the database clinic_bench, serves it with
# gunicorn and production settings on loopback, measures the pages with wrk and
# writes docs/benchmarks.md. See bench/run.py for the knobs.
bench: $(VENV)/.installed-dev wrk
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/db.sqlite3 test-artifacts
