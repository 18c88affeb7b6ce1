"""Secure defaults (issue 19): production unless the environment says development, a
/healthz that names the failing part without exception text, no-store on logged-in pages,
the proxy header trusted only behind our proxy, the API schema for logged-in users, and a
per-person limit on expensive requests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from redegov import health
from redegov.throttling import expensive_request_allowed

ROOT = Path(__file__).resolve().parents[2]


def settings_in(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    """Load redegov.settings in a fresh interpreter with only `env` set (plus PATH) and print
    `expression`."""
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", f"import redegov.settings as s; print(({expression},))"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_no_environment_means_production_and_a_secret_key_is_required():
    result = settings_in({}, "s.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = settings_in({"DJANGO_SECRET_KEY": settings.DEVELOPMENT_SECRET_KEY}, "s.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug():
    result = settings_in({"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_DEBUG": "true"}, "s.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_DEBUG=true needs DJANGO_ENV=development" in result.stderr


def test_production_turns_on_https_hsts_and_secure_cookies():
    expression = (
        "s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " hasattr(s, 'SECURE_PROXY_SSL_HEADER')"
    )
    result = settings_in({"DJANGO_SECRET_KEY": "x" * 60}, expression)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(False, True, 31536000, True, False)"


def test_the_proxy_header_is_trusted_only_behind_a_proxy():
    env = {"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_BEHIND_PROXY": "true"}
    result = settings_in(env, "s.SECURE_PROXY_SSL_HEADER, s.AXES_IPWARE_PROXY_COUNT")
    assert result.stdout.strip() == "(('HTTP_X_FORWARDED_PROTO', 'https'), 1)"


def test_development_says_so_and_runs_with_debug_and_no_key():
    result = settings_in({"DJANGO_ENV": "development"}, "s.DEBUG, s.SECURE_SSL_REDIRECT")
    assert result.stdout.strip() == "(True, False)"


def test_a_misspelt_environment_is_refused():
    result = settings_in({"DJANGO_ENV": "prod"}, "s.DEBUG")
    assert "DJANGO_ENV must be production or development" in result.stderr


@pytest.mark.django_db
def test_healthz_names_a_failing_database_without_its_exception_text(monkeypatch):
    def broken_cursor():
        raise RuntimeError("connection to server at 10.0.0.5 failed: password for redegov")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    report = health.health_report()
    assert report["database"] == {"ok": False, "error": "banco de dados não responde"}
    assert "10.0.0.5" not in str(report)


@pytest.mark.django_db
def test_healthz_names_an_unreachable_redis_without_its_exception_text():
    # A real Redis address where nothing listens (loopback, a closed port).
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        body = Client().get("/healthz").json()
    assert body["redis"] == {"ok": False, "error": "Redis não responde"}
    assert "127.0.0.1" not in str(body)


@pytest.mark.django_db
def test_logged_in_pages_and_exports_are_not_stored(client, personas):
    client.force_login(personas.noc)
    for url in (reverse("home"), reverse("inventory:link-export", args=["csv"])):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control
        assert "private" in cache_control


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_the_api_schema_and_docs_need_a_login(client, personas, url):
    anonymous = client.get(url)
    assert anonymous.status_code in (302, 401, 403)
    client.force_login(personas.carrier_a)
    assert client.get(url).status_code == 200


@pytest.fixture
def fresh_counter():
    cache.clear()
    yield
    cache.clear()


def test_expensive_requests_are_counted_per_person_and_minute(fresh_counter):
    limit = settings.EXPENSIVE_REQUESTS_PER_MINUTE
    now = 1_800_000_000.0  # on a minute boundary
    assert all(expensive_request_allowed(1, now=now + 1)[0] for _ in range(limit))
    assert expensive_request_allowed(1, now=now + 2) == (False, 58)
    assert expensive_request_allowed(2, now=now + 2)[0]  # another person has a budget of own
    assert expensive_request_allowed(1, now=now + 60)[0]  # the next minute starts again


@pytest.mark.django_db
def test_the_export_after_the_limit_answers_429_in_portuguese(client, personas, fresh_counter):
    client.force_login(personas.noc)
    url = reverse("inventory:link-export", args=["csv"])
    with override_settings(EXPENSIVE_REQUESTS_PER_MINUTE=2):
        assert [client.get(url).status_code for _ in range(2)] == [200, 200]
        refused = client.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 60
    assert "Muitas solicitações" in refused.content.decode()
    assert "no-store" in refused["Cache-Control"]
