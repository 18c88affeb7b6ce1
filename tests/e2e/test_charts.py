"""The charts in chromium: the IMR dashboard, the committee's page and a link's page draw their
points and bars where the rows the test wrote put them, on distinct gridlines (issue 23: the
SVGs once wrote "186,0" and everything collapsed onto one line)."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, expect

from billing import services
from billing.computation import month_minutes
from core.instants import LOCAL_TZ
from sla.selectors import rule_in_force
from tests.support.billing import outage

pytestmark = pytest.mark.e2e


def _number(label: str) -> Decimal:
    """A tick's pt-BR label as a number: '99,75%' -> 99.75."""
    return Decimal(label.rstrip("%").replace(".", "").replace(",", "."))


def _scale(chart: Locator) -> tuple[float, float, float, float]:
    """(low value, its y, high value, its y) read from the gridlines, which must be distinct."""
    ys = [float(line.get_attribute("y1")) for line in chart.locator("line.grid").all()]
    labels = chart.locator("text.y-label").all_text_contents()
    assert len(ys) >= 4 and len(set(ys)) == len(ys), ys
    assert ys == sorted(ys, reverse=True)  # up the page as the values grow
    return float(_number(labels[0])), ys[0], float(_number(labels[-1])), ys[-1]


def _y_of(chart: Locator, value: Decimal) -> float:
    low, y_low, high, y_high = _scale(chart)
    return y_low + (float(value) - low) / (high - low) * (y_high - y_low)


def _local(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def test_the_imr_charts_put_each_month_where_its_availability_is(
    login,
    personas,
    priced_simple,
    live_server,
):
    today = timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    before = last.replace(day=1) - timedelta(days=1)
    downtime = {before: 300, last: 900}  # minutes of one of the three accesses, carrier's fault
    for month, minutes in downtime.items():
        start = _local(month.replace(day=10), 8)
        outage(priced_simple.link_x_metro, start, start + timedelta(minutes=minutes))
    for month in (before, last):
        period = services.period_get_or_create(year=month.year, month=month.month)
        services.period_close(period=period, user=personas.billing, now=timezone.now())
    # The network's availability: three accesses active all month.
    expected = {
        f"{m:%m/%Y}": 100 * (1 - Decimal(minutes) / (3 * month_minutes(m.year, m.month)))
        for m, minutes in downtime.items()
    }

    page = login("comite")
    page.goto(f"{live_server.url}/imr/comite/")
    network = page.locator("figure", has_text="Disponibilidade da rede").locator("svg.chart")
    expect(network).to_be_visible()
    dots = network.locator("circle.dot")
    expect(dots).to_have_count(2)
    assert network.locator("text.x-label").all_text_contents() == list(expected)
    xs = [float(dot.get_attribute("cx")) for dot in dots.all()]
    assert xs[0] < xs[1]
    for dot, value in zip(dots.all(), expected.values(), strict=True):
        assert abs(float(dot.get_attribute("cy")) - _y_of(network, value)) < 0.6

    page.goto(f"{live_server.url}/imr/painel/")
    i1 = page.locator("figure", has_text="I1 ·").locator("svg.chart")
    expect(i1).to_be_visible()
    dots = i1.locator("circle.dot")
    expect(dots).to_have_count(2)
    for dot, value in zip(dots.all(), expected.values(), strict=True):
        assert abs(float(dot.get_attribute("cy")) - _y_of(i1, value)) < 0.6
    # The target is a dashed line across the months, on the same scale.
    target = i1.locator("path.line[stroke-dasharray]")
    expect(target).to_have_count(1)
    rule = rule_in_force(contract=priced_simple.contract, code="I1", day=last)
    y_target = float(re.findall(r"[\d.]+", target.get_attribute("d"))[1])
    assert abs(y_target - _y_of(i1, rule.target)) < 0.6


def test_a_links_daily_availability_bar_is_as_tall_as_its_day(
    login,
    personas,
    network,
    live_server,
):
    day = timezone.localdate() - timedelta(days=3)
    outage(network.link_x_metro, _local(day, 9), _local(day, 9) + timedelta(minutes=72))

    page = login("noc")
    page.goto(f"{live_server.url}/acessos/{network.link_x_metro.pk}/")
    chart = page.locator("figure", has_text="Disponibilidade por dia").locator("svg.chart")
    expect(chart).to_be_visible()
    bar = chart.locator(
        "rect.bar",
        has=page.locator(f"title:text-is('{day:%d/%m/%Y}: 72 min indisponível de 1440')"),
    )
    expect(bar).to_have_count(1)
    top = float(bar.get_attribute("y"))
    bottom = top + float(bar.get_attribute("height"))
    assert abs(top - _y_of(chart, Decimal(95))) < 0.6  # 1 - 72/1440
    assert abs(bottom - _y_of(chart, Decimal(90))) < 0.6  # the axis starts at 90%
    full = chart.locator("rect.bar").first
    assert abs(float(full.get_attribute("y")) - _y_of(chart, Decimal(100))) < 0.6
