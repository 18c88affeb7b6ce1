"""DJANGO_INSECURE_LOOPBACK: production settings over plain HTTP, for loopback host names only."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = (
    "from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.DEBUG)"
)


def settings_of(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="redegov.settings",
        DJANGO_SECRET_KEY="a-production-like-secret-for-this-test-only-0123456789",
        **env,
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", f"import django; django.setup(); {READ}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_is_hardened_by_default():
    result = settings_of(DJANGO_ALLOWED_HOSTS="127.0.0.1")
    assert result.stdout.split() == ["True", "True", "31536000", "False"], result.stderr


def test_insecure_loopback_relaxes_only_tls_for_loopback_hosts():
    result = settings_of(DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", DJANGO_INSECURE_LOOPBACK="1")
    assert result.stdout.split() == ["False", "False", "0", "False"], result.stderr


def test_insecure_loopback_is_refused_for_a_real_host_name():
    result = settings_of(
        DJANGO_ALLOWED_HOSTS="127.0.0.1,portal.example", DJANGO_INSECURE_LOOPBACK="true"
    )
    assert result.returncode != 0
    assert "DJANGO_INSECURE_LOOPBACK needs DJANGO_ALLOWED_HOSTS of loopback names" in result.stderr
