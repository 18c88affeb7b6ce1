"""What background work reports of itself, for /metrics (portal.metrics) and the logs.

A poll cycle's figures (how long it took, how many addresses it pinged, echoes sent and lost)
exist only while its task runs: `cycle_observe` keeps the last cycle's figures of each shard in
a Redis hash, read at scrape time, and logs one line per cycle (a JSON line with
DJANGO_LOG_FORMAT=json, docs/operations.md). It never fails its caller: the cycle is already
committed, and a Redis outage must not stop the polling."""

import logging
import time

import redis
from django.conf import settings

logger = logging.getLogger("redegov.cycles")

CYCLE_KEY = "redegov:metrics:cycle:{shard_id}"
CYCLE_FIELDS = ("cycle_id", "duration_seconds", "targets", "echoes_sent", "echoes_lost", "events")


def cycle_key(shard_id: int) -> str:
    return CYCLE_KEY.format(shard_id=shard_id)


def cycle_observe(
    *,
    shard_id: int,
    shard: str,
    cycle_id: int,
    duration_seconds: float,
    targets: int,
    echoes_sent: int,
    echoes_lost: int,
    events: int,
) -> None:
    """Record one shard's cycle (after it committed): the last one's figures in Redis, and a
    log line."""
    figures = {
        "cycle_id": cycle_id,
        "duration_seconds": round(duration_seconds, 3),
        "targets": targets,
        "echoes_sent": echoes_sent,
        "echoes_lost": echoes_lost,
        "events": events,
    }
    logger.info(
        "poll cycle %s of shard %s: %.2f s, %s targets, %s/%s echoes lost, %s events",
        cycle_id,
        shard,
        duration_seconds,
        targets,
        echoes_lost,
        echoes_sent,
        events,
        extra={"fields": {"event": "poll_cycle", "shard": shard, **figures}},
    )
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        client.hset(cycle_key(shard_id), mapping={**figures, "observed_at": time.time()})
    except redis.RedisError:
        logger.exception("cycle %s of shard %s: figures not kept for /metrics", cycle_id, shard)
