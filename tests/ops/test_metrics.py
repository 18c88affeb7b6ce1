"""/metrics: who may scrape it, and that its figures are the rows' (parsed by Prometheus's own
text parser)."""

import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from billing.choices import JobKind, JobState
from monitoring.choices import OutageSource
from monitoring.models import EngineCursor, SnmpSample
from monitoring.services import shard_default
from outbox.choices import MessageStatus
from outbox.models import Message
from outbox.services import message_email
from redegov.telemetry import cycle_key, cycle_observe
from tests.billing.factories import BillingPeriodFactory, PeriodJobFactory
from tests.monitoring.factories import OutageFactory, PollShardFactory, RedundancyLossFactory

pytestmark = pytest.mark.django_db
TOKEN = "scrape-" + "x" * 30


@pytest.fixture
def scrape_settings(settings):
    # A Redis database of its own for the cycles' figures (the demo's is 0, the tests' caches
    # 1-14); the shards' ids are this test database's.
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    settings.MONITORING_CYCLE_SECONDS = 60
    return settings


def scrape() -> dict[tuple[str, tuple], float]:
    response = Client().get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_refused_without_token_or_allowed_address(scrape_settings, personas):
    assert Client().get("/metrics").status_code == 404
    wrong = {"authorization": "Bearer not-the-token"}
    assert Client().get("/metrics", headers=wrong).status_code == 404
    assert Client().get("/metrics", headers={"authorization": TOKEN}).status_code == 404
    admin = Client()
    admin.force_login(personas.noc)  # a session is not a scraper
    assert admin.get("/metrics").status_code == 404
    scrape_settings.METRICS_TOKEN = ""
    assert Client().get("/metrics", headers={"authorization": "Bearer "}).status_code == 404


def test_metrics_from_an_allowed_address(scrape_settings):
    scrape_settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert Client().get("/metrics").status_code == 404  # the test client is 127.0.0.1
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    scrape_settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    assert Client().get("/metrics").status_code == 200
    assert Client().post("/metrics").status_code == 405


def test_metrics_figures_are_the_rows(scrape_settings, network):
    length = timedelta(seconds=60)
    now_cycle = int(time.time()) // 60
    main = shard_default()
    queue = f"poll-metrics-{uuid.uuid4().hex[:8]}"
    north = PollShardFactory(name="norte", queue=queue)
    EngineCursor.objects.create(shard=main, last_cycle_id=now_cycle, recorded_at=timezone.now())
    EngineCursor.objects.create(shard=north, last_cycle_id=now_cycle - 5)
    store = redis.Redis.from_url(scrape_settings.REDIS_URL)
    broker = redis.Redis.from_url(scrape_settings.CELERY_BROKER_URL)
    try:
        cycle_observe(
            shard_id=north.pk,
            shard="norte",
            cycle_id=now_cycle - 5,
            duration_seconds=31.25,
            targets=120,
            echoes_sent=600,
            echoes_lost=17,
            events=2,
        )
        broker.rpush(queue, "a", "b", "c")
        link_a, link_b, link_c = network.link_x_metro, network.link_y_metro, network.link_x_interior
        start = timezone.now() - timedelta(hours=2)
        for link in (link_a, link_b):
            OutageFactory(link=link, start=start, source=OutageSource.ICMP)
        # ended: not open
        OutageFactory(link=link_c, start=start, end=start + length, source=OutageSource.ICMP)
        RedundancyLossFactory(link=link_c, start=start)
        SnmpSample.objects.create(link=link_a, polled_at=start, error="timeout")
        SnmpSample.objects.create(link=link_b, polled_at=start)
        pending = [
            message_email(kind="ticket", ref=f"x:{i}", to=["a@b.c"], subject="s", body="b")
            for i in range(3)
        ]
        Message.objects.filter(pk=pending[0].pk).update(status=MessageStatus.DEAD)
        Message.objects.filter(pk=pending[1].pk).update(attempts=2)
        PeriodJobFactory(
            period=BillingPeriodFactory(month=9),
            kind=JobKind.CLOSE,
            state=JobState.DONE,
            requested_at=start,
            started_at=start,
            finished_at=start + timedelta(seconds=12.5),
        )
        Client().get("/healthz")
        metrics = scrape()
    finally:
        broker.delete(queue)
        store.delete(cycle_key(north.pk))

    def value(name, **labels):
        return metrics[(name, tuple(sorted(labels.items())))]

    assert value("redegov_poll_cycle_length_seconds") == 60
    assert value("redegov_poll_shard_late", shard="norte") == 1
    assert value("redegov_poll_shard_late", shard="principal") == 0
    assert value("redegov_poll_lateness_seconds", shard="principal") == 0
    assert 4 * 60 - 5 < value("redegov_poll_lateness_seconds", shard="norte") <= 5 * 60 + 5
    instant = (now_cycle - 5) * 60
    assert value("redegov_poll_last_cycle_timestamp_seconds", shard="norte") == instant
    assert value("redegov_poll_cycle_duration_seconds", shard="norte") == 31.25
    assert value("redegov_poll_targets", shard="norte") == 120
    assert value("redegov_poll_echoes_sent", shard="norte") == 600
    assert value("redegov_poll_echoes_lost", shard="norte") == 17
    assert value("redegov_open_interruptions") == 2
    assert value("redegov_open_redundancy_losses") == 1
    assert value("redegov_snmp_errors") == 1
    assert value("redegov_celery_queue_length", queue=queue) == 3
    assert value("redegov_outbox_pending") == 2
    assert value("redegov_outbox_failing") == 1
    assert value("redegov_outbox_dead") == 1
    assert value("redegov_outbox_oldest_pending_age_seconds") >= 0
    assert value("redegov_billing_job_last_duration_seconds", kind="close") == 12.5
    assert value("redegov_billing_jobs_active", state="running") == 0
    served = value(
        "redegov_http_request_duration_seconds_count", view="healthz", method="GET", status="5xx"
    ) + metrics.get(
        (
            "redegov_http_request_duration_seconds_count",
            (("method", "GET"), ("status", "2xx"), ("view", "healthz")),
        ),
        0,
    )
    assert served >= 1
