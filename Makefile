# The two commands a newcomer needs: `make demo` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3.11
export DJANGO_SETTINGS_MODULE ?= redegov.settings
# The portal runs as in production unless told otherwise (docs/security.md, "Secure defaults"):
# everything these targets run is a developer machine, except check-deploy below.
export DJANGO_ENV ?= development

.PHONY: setup system venv node services demo test smoke lint check-deploy compose-config

setup: system venv node services
	$(PY) manage.py migrate --noinput

system:
	scripts/ensure-system.sh

# Reinstalled only when pyproject.toml changes.
venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# axe-core for the accessibility tests (package.json); reinstalled only when the lock changes.
node: node_modules/.installed
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

services:
	scripts/ensure-services.sh

# The demo's mail goes to its local mail sink (Procfile: mail), which writes it to var/mail/.
demo: setup
	$(PY) manage.py seed_demo
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
	  DJANGO_EMAIL_HOST=127.0.0.1 DJANGO_EMAIL_PORT=1025 $(VENV)/bin/honcho -f Procfile start

test: setup lint check-deploy compose-config
	DJANGO_SETTINGS_MODULE=redegov.test_settings $(VENV)/bin/pytest

# The portal as in production (gunicorn, worker, beat, DEBUG off, collected static files) on a
# database of its own, checked over HTTP, then stopped (scripts/smoke.sh, docs/operations.md).
# Its own settings: DJANGO_ENV is unset there, whatever this Makefile exports.
smoke: setup
	VENV=$(VENV) scripts/smoke.sh

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache  # the app graph: pyproject.toml, docs/architecture.md
	$(PY) manage.py makemigrations --check --dry-run

check-deploy:
	DJANGO_ENV=production DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-but-long-enough \
	  DJANGO_ALLOWED_HOSTS=portal.example $(PY) manage.py check --deploy --fail-level WARNING

# Placeholder secrets: the check is of the file's shape, not of a deployment's values.
compose-config:
	POSTGRES_PASSWORD=placeholder DJANGO_SECRET_KEY=placeholder \
	  docker-compose -f docker-compose.yml config -q
