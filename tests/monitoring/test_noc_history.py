"""A link's monitoring history (issue 5 item 3): the 5-minute evidence written by the cycle and
SNMP services, daily availability from outages, RTT/loss and traffic charts (counter resets),
the map geometry, and who may open the page."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from monitoring.maps import simplify, state_map
from monitoring.models import PollWindow
from monitoring.selectors.history import (
    CounterReading,
    counter_rates,
    link_daily_availability,
    link_echo_series,
    link_now,
    link_traffic,
)
from monitoring.services.evidence import SnmpRow, poll_windows_set_snmp
from tests.monitoring.factories import BlindPeriodFactory, OutageFactory
from tests.support.monitoring import down, record
from tests.support.time import SP, at

pytestmark = pytest.mark.usefixtures("forget_memory")


def test_rates_from_consecutive_counters():
    t0 = datetime(2026, 10, 15, 10, 0, tzinfo=SP)
    readings = [
        CounterReading(t0, 1000, 0, 0),
        CounterReading(t0 + timedelta(seconds=300), 31_000, 3_750_000, 375_000),
    ]
    [point] = counter_rates(readings)
    assert point.at == t0 + timedelta(seconds=300)
    assert (point.in_bps, point.out_bps) == (100_000.0, 10_000.0)


def test_a_restart_counts_from_zero_over_the_uptime():
    t0 = datetime(2026, 10, 15, 10, 0, tzinfo=SP)
    readings = [
        CounterReading(t0, 900_000, 9_000_000, 9_000_000),
        # Restarted 100 s before this reading: the counters start again from zero.
        CounterReading(t0 + timedelta(seconds=300), 10_000, 1_250_000, 12_500_000),
    ]
    [point] = counter_rates(readings)
    assert point.in_bps == 100_000.0  # 1 250 000 octets in 100 s, not a negative spike
    assert point.out_bps == 1_000_000.0  # grown past its old value, still since the restart


def test_a_counter_gone_back_without_uptime_is_a_gap():
    t0 = datetime(2026, 10, 15, 10, 0, tzinfo=SP)
    readings = [
        CounterReading(t0, None, 2**64 - 1000, 50),
        CounterReading(t0 + timedelta(seconds=300), None, 500, 350),
        CounterReading(t0 + timedelta(seconds=600), None, 800, 650),
    ]
    gap, after = counter_rates(readings)
    assert (gap.in_bps, gap.out_bps) == (None, 8.0)
    assert after.in_bps == 8.0


@pytest.mark.django_db
def test_cycles_add_their_echoes_to_the_5_minute_window(network):
    link = network.link_x_metro
    for minute in range(7):
        record(minute, {link.mgmt_ip: 3 if minute < 5 else 5})
    windows = list(
        PollWindow.objects.filter(link=link)
        .order_by("start")
        .values_list("start", "echoes_sent", "echoes_received", "rtt_sum_us")
    )
    # 10:00-10:05 five cycles of 3 answers; 10:05 two cycles of 5 (10 ms each).
    assert windows == [(at(0), 25, 15, 150_000), (at(5), 10, 10, 100_000)]
    series = link_echo_series(link=link, since=at(0), until=at(10), stride=timedelta(minutes=5))
    assert [(p.loss_pct, p.rtt_ms) for p in series[0]] == [(40.0, 10.0), (0.0, 10.0)]
    hourly = link_echo_series(link=link, since=at(0), until=at(60), stride=timedelta(hours=1))
    assert [(p.start, p.sent, p.received) for p in hourly[0]] == [(at(0), 35, 25)]


@pytest.mark.django_db
def test_an_snmp_reading_is_kept_once_per_window(network):
    link = network.link_x_metro
    for polled_at, octets in ((at(1), 100), (at(2), 200), (at(6), 37_700)):
        poll_windows_set_snmp(
            rows=[SnmpRow(link.pk, 0, 5000, 1, 100, octets, octets)], polled_at=polled_at
        )
    rows = list(
        PollWindow.objects.filter(link=link).order_by("start").values_list("snmp_at", "in_octets")
    )
    assert rows == [(at(2), 200), (at(6), 37_700)]
    [rate] = link_traffic(link=link, since=at(0), until=at(10))
    assert rate.in_bps == (37_700 - 200) * 8 / 240


@pytest.mark.django_db
def test_daily_availability_counts_the_carriers_minutes(network):
    link = network.link_x_metro
    link.activated_at = datetime(2026, 10, 1, 9, 30, tzinfo=SP)
    link.save()
    OutageFactory(link=link, start=at(0), end=at(150), source="manual")
    OutageFactory(
        link=link,
        start=at(200),
        end=at(260),
        source="manual",
        responsibility="agency",  # the agency's: not counted against the carrier
    )
    with time_machine.travel(datetime(2026, 10, 16, 12, 0, tzinfo=SP), tick=False):
        from django.utils import timezone

        days = link_daily_availability(link=link, days=30, now=timezone.now())
    by_day = {d.day.isoformat(): d for d in days}
    assert len(days) == 30
    assert by_day["2026-09-30"].percent is None  # not active yet
    assert by_day["2026-10-01"].active_minutes == 870  # from 09:30
    assert (by_day["2026-10-15"].active_minutes, by_day["2026-10-15"].counted_minutes) == (
        1440,
        150,
    )
    assert f"{by_day['2026-10-15'].percent:.4f}" == "89.5833"
    assert by_day["2026-10-16"].active_minutes == 720  # today, up to noon


@pytest.mark.django_db
def test_link_now_tells_the_worst_state(network):
    link = network.link_x_metro
    link.refresh_from_db()
    record(-1, {})
    assert link_now(link=link, now=at(0)).state == "up"
    down(network, range(3), link)
    state = link_now(link=link, now=at(3))
    assert (state.state, state.since) == ("down", at(0))
    window = state.paths[0].sample
    assert (window.echoes_sent, window.echoes_received, window.failed_cycles) == (15, 0, 0b111)
    BlindPeriodFactory(start=at(4))
    assert link_now(link=link, now=at(5)).state == "unmeasured"


def test_the_map_has_every_municipality_light_enough():
    shapes = state_map().shapes
    assert len(shapes) == len({s.ibge_code for s in shapes}) == 853
    assert all(s.path.startswith("M") and s.path.endswith("z") for s in shapes)
    assert sum(len(s.path) for s in shapes) < 150_000  # from 1.8 MB of GeoJSON
    width, height = state_map().width, state_map().height
    for shape in shapes:
        x, y = shape.center
        assert 0 < x < width and 0 < y < height
    assert {s.name for s in state_map().labels} >= {"Belo Horizonte", "Montes Claros"}


def test_simplify_keeps_the_ends_and_drops_what_is_on_the_line():
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, 0.0), (3.0, 5.0), (4.0, 0.0)]
    assert simplify(line, 0.5) == [(0.0, 0.0), (2.0, 0.0), (3.0, 5.0), (4.0, 0.0)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("noc", 200),
        ("manager_x", 200),
        ("carrier_a", 200),
        ("manager_y", 404),
        ("carrier_b", 404),
        ("outsider", 404),
    ],
)
def test_link_monitoring_page_per_persona(client, personas, network, who, status):
    record(-1, {})
    down(network, range(3), network.link_x_metro)
    client.force_login(getattr(personas, who))
    url = reverse("monitoring:link-monitoring", args=[network.link_x_metro.pk])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Interrompido" in html and "Disponibilidade dos últimos 30 dias" in html
        assert 'class="chart"' in html
        assert "Latência média" in html and "Tráfego na interface WAN" in html
        assert "<html" not in html  # a fragment for the link's page
        assert "<html" in client.get(url, {"periodo": "7d"}).content.decode()


@pytest.mark.django_db
def test_the_link_page_loads_its_monitoring(client, personas, network):
    client.force_login(personas.noc)
    html = client.get(reverse("inventory:link-detail", args=[network.link_x_metro.pk])).content
    url = reverse("monitoring:link-monitoring", args=[network.link_x_metro.pk])
    assert f'hx-get="{url}"' in html.decode()
