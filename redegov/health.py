"""What /healthz reports: the database, Redis and the age of the workers' last heartbeat."""

import time

import redis
from django.conf import settings
from django.db import connection


def heartbeat_record() -> None:
    redis.Redis.from_url(settings.REDIS_URL).set(settings.WORKER_HEARTBEAT_KEY, str(time.time()))


def health_report() -> dict[str, dict[str, object]]:
    report: dict[str, dict[str, object]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = {"ok": True}
    except Exception as exc:
        report["database"] = {"ok": False, "error": str(exc)}
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        client.ping()
        report["redis"] = {"ok": True}
        beat = client.get(settings.WORKER_HEARTBEAT_KEY)
    except Exception as exc:
        report["redis"] = {"ok": False, "error": str(exc)}
        beat = None
    if beat is None:
        report["workers"] = {"ok": False, "error": "nenhum heartbeat registrado"}
    else:
        age = time.time() - float(beat)
        report["workers"] = {
            "ok": age <= settings.WORKER_HEARTBEAT_MAX_AGE,
            "last_heartbeat_seconds_ago": round(age),
        }
    return report
