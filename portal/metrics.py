"""/metrics: the portal's own health in the Prometheus text format (docs/operations.md,
"Metrics").

Every gauge is read at scrape time (`PortalCollector`): the shards' cursors and their last
cycle's figures (redegov.telemetry, in Redis), open outages, SNMP errors, the Celery queues'
lengths in the broker, the outbox, the billing jobs. Only the HTTP latency is counted as it
happens (`RequestMetrics`, a middleware); with several gunicorn processes set
PROMETHEUS_MULTIPROC_DIR so that a scrape adds up every process's histogram.

The endpoint answers only a bearer token equal to METRICS_TOKEN or a client address listed in
METRICS_ALLOWED_IPS; everyone else gets 404, as if there were no such page."""

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from redegov.telemetry import cycle_key

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("redegov.requests")

# Counted in each process (or in PROMETHEUS_MULTIPROC_DIR's files, one per process).
HTTP_LATENCY = Histogram(
    "redegov_http_request_duration_seconds",
    "Time to answer a request, by URL pattern name, method and status class.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def _gauge(name: str, doc: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=labels)


class PortalCollector(Collector):
    """Gauges read from PostgreSQL and Redis at each scrape (a few indexed counts)."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield from self._shards(now)
        yield from self._outages()
        yield from self._queues()
        yield from self._outbox(now)
        yield from self._billing_jobs()

    def _shards(self, now) -> Iterator[Metric]:
        from monitoring.models import EngineCursor, PollShard
        from monitoring.selectors.panel import STALE_CYCLES
        from monitoring.services.cycles import cycle_instant

        length = timedelta(seconds=settings.MONITORING_CYCLE_SECONDS)
        cycle = _gauge("redegov_poll_cycle_length_seconds", "The configured poll cycle length.")
        cycle.add_metric([], length.total_seconds())
        yield cycle
        last = _gauge(
            "redegov_poll_last_cycle_timestamp_seconds",
            "Scheduled instant of the shard's last recorded cycle (Unix time).",
            ["shard"],
        )
        lateness = _gauge(
            "redegov_poll_lateness_seconds",
            "Seconds since the end of the shard's last recorded cycle (below one cycle when "
            "it keeps up; the panel calls it stopped after 3 cycles).",
            ["shard"],
        )
        late = _gauge(
            "redegov_poll_shard_late",
            "1 when the NOC panel shows the shard as stopped (no cycle for 3 cycle lengths).",
            ["shard"],
        )
        families = {
            "duration_seconds": _gauge(
                "redegov_poll_cycle_duration_seconds",
                "Wall time of the shard's last cycle: polling, waiting for the other shards' "
                "tallies and recording it.",
                ["shard"],
            ),
            "targets": _gauge(
                "redegov_poll_targets", "Links polled in the shard's last cycle.", ["shard"]
            ),
            "echoes_sent": _gauge(
                "redegov_poll_echoes_sent",
                "Echo requests sent in the shard's last cycle.",
                ["shard"],
            ),
            "echoes_lost": _gauge(
                "redegov_poll_echoes_lost",
                "Echo requests without a reply in the shard's last cycle.",
                ["shard"],
            ),
        }
        shards = list(PollShard.objects.values_list("pk", "name"))
        cursors = dict(
            EngineCursor.objects.filter(last_cycle_id__isnull=False).values_list(
                "shard_id", "last_cycle_id"
            )
        )
        figures = self._cycle_figures([pk for pk, _ in shards])
        for pk, name in shards:
            if pk in cursors:
                at = cycle_instant(cursors[pk], length)
                behind = (now - at - length).total_seconds()
                last.add_metric([name], at.timestamp())
                lateness.add_metric([name], max(0.0, behind))
                late.add_metric([name], 1.0 if now - at > STALE_CYCLES * length else 0.0)
            for field, family in families.items():
                if field in figures.get(pk, {}):
                    family.add_metric([name], float(figures[pk][field]))
        yield from (last, lateness, late, *families.values())

    def _cycle_figures(self, shard_ids: list[int]) -> dict[int, dict[str, str]]:
        try:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=2, decode_responses=True
            )
            pipe = client.pipeline()
            for pk in shard_ids:
                pipe.hgetall(cycle_key(pk))
            return dict(zip(shard_ids, pipe.execute(), strict=True))
        except redis.RedisError:
            logger.exception("metrics: the poll cycles' figures could not be read from Redis")
            return {}

    def _outages(self) -> Iterator[Metric]:
        from monitoring.choices import OutageKind
        from monitoring.models import Outage, RedundancyLoss, SnmpSample

        open_ = _gauge("redegov_open_interruptions", "Interruptions without an end.")
        open_.add_metric([], Outage.objects.filter(end=None, kind=OutageKind.INTERRUPTION).count())
        yield open_
        lost = _gauge("redegov_open_redundancy_losses", "Redundant links on one path only.")
        lost.add_metric([], RedundancyLoss.objects.filter(end=None).count())
        yield lost
        snmp = _gauge(
            "redegov_snmp_errors", "CPE paths whose last SNMP reading failed (timeout, error)."
        )
        snmp.add_metric([], SnmpSample.objects.exclude(error="").count())
        yield snmp

    def _queues(self) -> Iterator[Metric]:
        from monitoring.models import PollShard

        queues = {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")}
        queues |= set(PollShard.objects.values_list("queue", flat=True))
        depth = _gauge(
            "redegov_celery_queue_length", "Tasks waiting in a Celery queue (broker).", ["queue"]
        )
        try:
            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
            pipe = client.pipeline()
            for queue in sorted(queues):
                pipe.llen(queue)
            for queue, length in zip(sorted(queues), pipe.execute(), strict=True):
                depth.add_metric([queue], length)
        except redis.RedisError:
            logger.exception("metrics: the Celery broker does not answer")
        yield depth

    def _outbox(self, now) -> Iterator[Metric]:
        from outbox.choices import MessageStatus
        from outbox.models import Message

        counts = Message.objects.aggregate(
            pending=Count("pk", filter=Q(status=MessageStatus.PENDING)),
            failing=Count("pk", filter=Q(status=MessageStatus.PENDING, attempts__gt=0)),
            dead=Count("pk", filter=Q(status=MessageStatus.DEAD)),
        )
        oldest = (
            Message.objects.filter(status=MessageStatus.PENDING)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        for key, doc in (
            ("pending", "Outbox messages not yet delivered."),
            ("failing", "Outbox messages pending after at least one failed attempt."),
            ("dead", "Outbox messages given up on (the dead-letter page)."),
        ):
            family = _gauge(f"redegov_outbox_{key}", doc)
            family.add_metric([], counts[key])
            yield family
        age = _gauge(
            "redegov_outbox_oldest_pending_age_seconds", "Age of the oldest pending message."
        )
        age.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
        yield age

    def _billing_jobs(self) -> Iterator[Metric]:
        from billing.choices import JobKind, JobState
        from billing.models import PeriodJob

        duration = _gauge(
            "redegov_billing_job_last_duration_seconds",
            "How long the last finished computation or closing of a month took.",
            ["kind"],
        )
        finished = _gauge(
            "redegov_billing_job_last_finished_timestamp_seconds",
            "When the last job of the kind finished (Unix time).",
            ["kind", "state"],
        )
        for kind in (JobKind.COMPUTE, JobKind.CLOSE):
            job = (
                PeriodJob.objects.filter(
                    kind=kind, state__in=(JobState.DONE, JobState.FAILED), finished_at__isnull=False
                )
                .exclude(started_at=None)
                .order_by("-finished_at")
                .first()
            )
            if job is not None:
                duration.add_metric([kind], (job.finished_at - job.started_at).total_seconds())
                finished.add_metric([kind, job.state], job.finished_at.timestamp())
        yield duration
        yield finished
        running = _gauge("redegov_billing_jobs_active", "Month jobs queued or running.", ["state"])
        active = dict(
            PeriodJob.objects.filter(state__in=(JobState.QUEUED, JobState.RUNNING))
            .values_list("state")
            .annotate(n=Count("pk"))
        )
        for state in (JobState.QUEUED, JobState.RUNNING):
            running.add_metric([state], active.get(state, 0))
        yield running


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(HTTP_LATENCY)
    registry.register(PortalCollector())
    return registry


def scraper_allowed(request: HttpRequest) -> bool:
    """A bearer token equal to METRICS_TOKEN, or a client address in METRICS_ALLOWED_IPS
    (addresses or networks; REMOTE_ADDR, the proxy's when one is in front)."""
    header = request.headers.get("Authorization", "")
    token = settings.METRICS_TOKEN.encode()
    if token and hmac.compare_digest(header.encode(), b"Bearer " + token):
        return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    allowed = settings.METRICS_ALLOWED_IPS
    return any(client in ipaddress.ip_network(net, strict=False) for net in allowed)


@login_not_required
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The scrape: 404 unless `scraper_allowed`."""
    if not scraper_allowed(request):
        raise Http404
    return _metrics_get(request)


@require_GET
def _metrics_get(request: HttpRequest) -> HttpResponse:
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


class RequestMetrics:
    """Times every request: the latency histogram by URL pattern name, and one log line per
    request (logger `redegov.requests`, on with DJANGO_LOG_FORMAT=json)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "unresolved"
        status = f"{response.status_code // 100}xx"
        HTTP_LATENCY.labels(view, request.method, status).observe(seconds)
        if request_logger.isEnabledFor(logging.INFO):
            user = getattr(request, "user", None)
            request_logger.info(
                "%s %s %s %.3f s",
                request.method,
                request.path,
                response.status_code,
                seconds,
                extra={
                    "fields": {
                        "event": "request",
                        "method": request.method,
                        "path": request.path,
                        "view": view,
                        "status": response.status_code,
                        "duration_seconds": round(seconds, 4),
                        "user": user.get_username() if user and user.is_authenticated else None,
                    }
                },
            )
        return response
