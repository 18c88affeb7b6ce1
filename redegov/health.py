"""What /healthz reports: the database, Redis and the age of the workers' last heartbeat.

Anyone may read /healthz (a load balancer logs in as no one), so a failing component is named
with a fixed sentence and never with its exception's text (addresses, user names, versions);
the exception goes to the server's log."""

import logging
import time

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def heartbeat_record() -> None:
    redis.Redis.from_url(settings.REDIS_URL).set(settings.WORKER_HEARTBEAT_KEY, str(time.time()))


def health_report() -> dict[str, dict[str, object]]:
    report: dict[str, dict[str, object]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = {"ok": True}
    except Exception:
        logger.exception("healthz: the database does not answer")
        report["database"] = {"ok": False, "error": "banco de dados não responde"}
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        client.ping()
        report["redis"] = {"ok": True}
        beat = client.get(settings.WORKER_HEARTBEAT_KEY)
    except Exception:
        logger.exception("healthz: Redis does not answer")
        report["redis"] = {"ok": False, "error": "Redis não responde"}
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
