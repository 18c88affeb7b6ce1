"""Polling at scale: shards with their own cursors and queues, the links' states in one blob,
cycles not run recorded as unmeasured, the partitioned evidence and its retention, and outages
re-derived from the evidence by the same state machine."""

from datetime import date
from io import StringIO

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from inventory.choices import LinkStatus
from inventory.models import Link
from monitoring import services, tasks
from monitoring.choices import OutageKind, OutageSource
from monitoring.engine import LinkState, PathState
from monitoring.models import (
    BlindPeriod,
    EngineCursor,
    Outage,
    PollShard,
    PollWindow,
)
from monitoring.selectors import poll_targets
from monitoring.services.evidence import evidence_partitions_prune
from monitoring.snapshots import links_from_blob, links_to_blob
from monitoring.verification import verify_month
from tests.inventory.factories import LinkFactory
from tests.monitoring.factories import OutageFactory, PollShardFactory
from tests.support.monitoring import down, record
from tests.support.time import BASE_CYCLE, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]


@pytest.fixture
def north(network) -> PollShard:
    """A second shard polling the metropolitan lot (four links, so that one failing is not
    the carrier failing) on a queue of its own."""
    for _ in range(2):
        LinkFactory(lot=network.lot_metro, agency=network.agency_x)
    return PollShardFactory(name="norte", queue="poll-norte", lots=[network.lot_metro])


def test_each_link_is_polled_by_exactly_one_shard(network, north):
    default = services.shard_default()
    mine = {t.link_id for t in poll_targets(shard=north)}
    rest = {t.link_id for t in poll_targets(shard=default)}
    assert mine == set(network.lot_metro.links.values_list("pk", flat=True))
    assert len(mine) == 4
    assert rest == {network.link_x_interior.pk}


def test_shards_keep_their_own_cursor_state_and_blind_periods(network, north):
    record(0, {}, shard=north)
    down(network, range(1, 4), network.link_x_metro, shard=north)
    record(0, {}, shard=services.shard_default())  # the other shard's cycle 0 is its own
    outage = Outage.objects.get()
    assert (outage.link, outage.start) == (network.link_x_metro, at(1))
    cursors = dict(EngineCursor.objects.values_list("shard__name", "last_cycle_id"))
    assert cursors == {"norte": BASE_CYCLE + 3, "principal": BASE_CYCLE}
    # Every link of the shard failing, and no other shard polled cycle 4 (the network seen in
    # it is this shard's): all of Alfa's links fail, blind; the period is the shard's own.
    record(4, {link.mgmt_ip: 0 for link in network.lot_metro.links.all()}, shard=north)
    assert list(BlindPeriod.objects.values_list("shard__name", "start", "end")) == [
        ("norte", at(4), None)
    ]


def test_the_dispatcher_sends_each_shards_cycle_to_its_queue(network, north):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("poll", "poll-norte")
    tasks.poll_dispatch()
    tasks.snmp_dispatch()
    assert broker.llen("poll") == 2  # the default shard: one cycle, one SNMP reading
    assert broker.llen("poll-norte") == 2
    broker.delete("poll", "poll-norte")


def test_link_states_survive_a_restart_in_their_blob(network):
    link = network.link_x_metro
    down(network, range(0, 2), link)  # a streak of two: not down yet
    services._memory.clear()  # a new worker: the state comes back from the blob
    down(network, range(2, 3), link)
    assert Outage.objects.get(link=link).start == at(0)
    state = LinkState(
        paths=[PathState(2, at(0), None, at(0), 10, 0, 0, False)],
        pending_windows=[(at(0), at(5))],
        recent_interruptions=[(at(-9), None)],
    )
    assert links_from_blob(links_to_blob({7: state})) == {7: state}


def test_a_shard_without_saved_state_starts_from_its_open_outages(network):
    link = network.link_x_metro
    down(network, range(0, 4), link)
    EngineCursor.objects.all().delete()  # the state is lost (or was never saved)
    services._memory.clear()
    record(10, {})
    assert list(Outage.objects.filter(link=link).values_list("start", "end")) == [(at(0), at(10))]


def test_cycles_not_run_are_a_period_unmeasured(network):
    record(0, {})
    record(1, {})  # one cycle late is not a hole
    record(4, {})  # 2 and 3 never ran
    assert list(BlindPeriod.objects.values_list("reason", "start", "end")) == [
        (BlindPeriod.Reason.NO_CYCLES, at(2), at(4))
    ]


def test_windows_keep_cycle_bits_extremes_and_the_last_reply(network):
    link = network.link_x_metro
    for minute, answers in ((0, 5), (1, 0), (2, 3)):
        record(minute, {link.mgmt_ip: answers})
    window = PollWindow.objects.get(link=link)
    assert (window.polled_cycles, window.failed_cycles) == (0b111, 0b010)
    assert (window.echoes_sent, window.echoes_received) == (15, 8)
    assert (window.rtt_min_us, window.rtt_max_us) == (10_000, 10_000)
    assert window.last_reply_at == at(2)


def test_evidence_past_its_retention_is_dropped_a_month_at_a_time(network, settings):
    settings.MONITORING_EVIDENCE_MONTHS = 1  # besides the current month
    record(0, {})  # October 2026
    dropped = evidence_partitions_prune(today=date(2026, 11, 20))
    assert dropped == []  # November keeps October
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('monitoring_pollwindow_202612')")
        assert cursor.fetchone()[0] is not None  # next month made ahead
    dropped = evidence_partitions_prune(today=date(2026, 12, 3))
    assert dropped == ["monitoring_pollwindow_202610"]
    assert not PollWindow.objects.exists()


def _history(network):
    """Forty minutes of a month: an interruption, a degraded window, one window of loss below
    the limit, and an outage imported over part of the time."""
    x, y = network.link_x_metro, network.link_y_metro
    for minute in range(40):
        answers = {}
        if 5 <= minute < 12:
            answers[x.mgmt_ip] = 0
        if 20 <= minute < 25:
            answers[y.mgmt_ip] = 3  # 40% lost: degraded
        if 25 <= minute < 30:
            answers[y.mgmt_ip] = 4  # 20%: not above the limit
        record(minute, answers)


def test_outages_re_derived_from_the_evidence_match_the_record(network):
    _history(network)
    shard = services.shard_default()
    result = verify_month(year=2026, month=10, shard=shard, now=at(60))
    assert result.differences == []
    assert result.windows_replayed >= 3 and result.cycles_replayed >= 15
    # Changed by hand behind the engine's back, the record no longer matches the evidence.
    Outage.objects.filter(kind=OutageKind.INTERRUPTION).update(end=at(11))
    Outage.objects.filter(kind=OutageKind.DEGRADATION, link=network.link_y_metro).delete()
    result = verify_month(year=2026, month=10, shard=shard, now=at(60))
    assert [(d.circuit_id, d.kind) for d in result.differences] == [
        ("BHZ-0001", OutageKind.INTERRUPTION),
        ("CTG-0001", OutageKind.DEGRADATION),
    ]
    interruption, degradation = result.differences
    assert (interruption.recorded, interruption.derived) == ([(at(5), at(11))], [(at(5), at(12))])
    assert (degradation.recorded, degradation.derived) == ([], [(at(20), at(25))])


def test_verify_outages_reports_differences_and_fails(network):
    _history(network)
    out = StringIO()
    call_command("verify_outages", "2026-10", stdout=out)
    assert "0 diferença" in out.getvalue()
    Outage.objects.filter(kind=OutageKind.INTERRUPTION, source=OutageSource.ICMP).delete()
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_outages", "2026-10", "--shard", "principal", stdout=out)
    assert exited.value.code == 1
    told = "BHZ-0001 interruption: registrado nada; refeito 15/10/2026 10:05 a 15/10/2026 10:12"
    assert told in out.getvalue()


def test_time_recorded_by_other_sources_is_left_out_of_the_comparison(network):
    x = network.link_x_metro
    OutageFactory(link=x, start=at(0), end=at(8))
    _history(network)
    assert Outage.objects.get(link=x, kind=OutageKind.INTERRUPTION, source="icmp").start == at(8)
    result = verify_month(year=2026, month=10, shard=services.shard_default(), now=at(60))
    assert result.differences == []


def test_cycles_before_a_link_was_activated_are_not_judged_in_the_replay(network):
    link = network.link_x_metro
    Link.objects.filter(pk=link.pk).update(status=LinkStatus.ORDERED, activated_at=None)
    for minute in range(20):  # the CPE is not installed yet: polled, never answering
        record(minute, {link.mgmt_ip: 0})
    Link.objects.filter(pk=link.pk).update(status=LinkStatus.ACTIVE, activated_at=at(20))
    for minute in range(20, 30):
        record(minute, {})
    assert not Outage.objects.filter(link=link).exists()
    result = verify_month(year=2026, month=10, shard=services.shard_default(), now=at(60))
    assert result.differences == []
