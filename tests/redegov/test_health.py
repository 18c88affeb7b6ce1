"""/healthz: what a load balancer reads. The worker test starts a real Celery worker."""

import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings
from django.test import Client, override_settings


@pytest.fixture
def heartbeat_key():
    key = f"test:heartbeat:{uuid.uuid4()}"
    with override_settings(WORKER_HEARTBEAT_KEY=key):
        yield key
    redis.Redis.from_url(settings.REDIS_URL).delete(key)


@pytest.mark.django_db
def test_healthz_reports_missing_workers_as_unhealthy(heartbeat_key):
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": True}
    assert body["redis"] == {"ok": True}
    assert body["workers"]["ok"] is False


@pytest.mark.django_db
def test_healthz_reports_a_stale_heartbeat_as_unhealthy(heartbeat_key):
    redis.Redis.from_url(settings.REDIS_URL).set(heartbeat_key, str(time.time() - 3600))
    body = Client().get("/healthz").json()
    assert body["workers"]["ok"] is False
    assert body["workers"]["last_heartbeat_seconds_ago"] >= 3600


@pytest.mark.django_db
def test_healthz_is_healthy_once_a_real_worker_runs(heartbeat_key):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "redegov.settings",
        "WORKER_HEARTBEAT_KEY": heartbeat_key,
        # A broker database and queue of its own, so no other worker's tasks are taken.
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
    }
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "redegov",
            "worker",
            "--pool",
            "solo",
            "-Q",
            f"health-{uuid.uuid4()}",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            response = Client().get("/healthz")
            if response.status_code == 200:
                break
            time.sleep(0.5)
        assert response.status_code == 200, response.json()
        assert response.json()["workers"]["ok"] is True
    finally:
        worker.terminate()
        worker.wait(timeout=30)
