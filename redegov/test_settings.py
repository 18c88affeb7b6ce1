"""Settings for the test suite: the real PostgreSQL and Redis, fast password hashing."""

import os

# The tests run on a developer machine: set here, before the settings read it, so the Celery
# workers and other processes the tests start inherit it too.
os.environ.setdefault("DJANGO_ENV", "development")

from redegov.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ.get("TEST_DATABASE_NAME", "redegov")  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Django's PostgreSQL with a flush that is cheap for the tests that commit (its docstring).
DATABASES["default"]["ENGINE"] = "tests.support.postgresql"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each xdist worker gets its own Redis database number so cache tests never collide.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
CACHES["default"]["LOCATION"] = f"redis://127.0.0.1:6379/{1 + int(_worker) % 14}"  # noqa: F405
AXES_ENABLED = True
# A test sees what it has just written: the panel's cache is on only in its own tests.
PANEL_CACHE_SECONDS = 0
NOC_PENDING_CACHE_SECONDS = 0
FILTER_CHOICES_CACHE_SECONDS = 0
# Tasks queued by tests go to a broker database and queue of their own per xdist worker: a
# test that starts a real worker takes only its own tasks, and a running demo none of them.
CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
CELERY_TASK_DEFAULT_QUEUE = f"tests-{_worker}"
