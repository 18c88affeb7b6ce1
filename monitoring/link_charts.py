"""The charts of a link's page: its reads (`monitoring.selectors.history`) drawn as SVG geometry
(`core.charts`)."""

from datetime import datetime, timedelta
from decimal import Decimal

from core.charts import (
    AMBER,
    LIGHT_GREEN,
    NAVY,
    PCT,
    RED,
    Axis,
    Chart,
    Series,
    category_chart,
    time_chart,
)
from inventory.models import Link
from monitoring.selectors import history

AVAILABILITY_DAYS = 30
# The periods the RTT, loss and traffic charts cover: label, span, stride of their points.
CHART_PERIODS = {
    "24h": ("Últimas 24 horas", timedelta(days=1), timedelta(minutes=5)),
    "7d": ("Últimos 7 dias", timedelta(days=7), timedelta(hours=1)),
}
DEFAULT_PERIOD = "24h"
PATH_NAMES = ("Caminho 1", "Caminho 2")
PATH_COLORS = (NAVY, AMBER)
# Availability reads better from 90% than from zero; a full day is green, any less red.
AVAILABILITY_AXIS = Axis(Decimal(90), Decimal(100))


def _mbps(bps: float | None) -> float | None:
    return None if bps is None else bps / 1_000_000


def link_charts(*, link: Link, period: str, now: datetime) -> dict[str, object]:
    """The daily availability (last 30 days, with its rows) and the RTT, loss and traffic
    charts of `period` (a key of CHART_PERIODS)."""
    _, span, stride = CHART_PERIODS[period]
    since = now - span
    echoes = history.link_echo_series(link=link, since=since, until=now, stride=stride)
    traffic = history.link_traffic(link=link, since=since, until=now)
    days = history.link_daily_availability(link=link, days=AVAILABILITY_DAYS, now=now)
    availability: Chart = category_chart(
        title="Disponibilidade por dia",
        unit=PCT,
        categories=[f"{d.day:%d/%m}" for d in days],
        series=[
            Series(
                "Disponibilidade",
                LIGHT_GREEN,
                [d.percent for d in days],
                colors=[LIGHT_GREEN if (d.percent or 0) >= 100 else RED for d in days],
                titles=[
                    f"{d.day:%d/%m/%Y}: {d.counted_minutes} min indisponível de {d.active_minutes}"
                    for d in days
                ],
            )
        ],
        axis=AVAILABILITY_AXIS,
        empty_text="Sem medições neste período.",
    )
    return {
        "days": days,
        "availability_chart": availability,
        "rtt_chart": time_chart(
            title="Latência média",
            unit="ms",
            since=since,
            until=now,
            lines=[
                (PATH_NAMES[path], PATH_COLORS[path], [(p.start, p.rtt_ms) for p in points])
                for path, points in echoes.items()
            ],
        ),
        "loss_chart": time_chart(
            title="Perda de pacotes",
            unit=PCT,
            since=since,
            until=now,
            bars=[
                (PATH_NAMES[path], PATH_COLORS[path], [(p.start, p.loss_pct) for p in points])
                for path, points in echoes.items()
            ],
            bar_width=stride,
        ),
        "traffic_chart": time_chart(
            title="Tráfego na interface WAN",
            unit="Mbit/s",
            since=since,
            until=now,
            lines=[
                ("Entrada", NAVY, [(p.at, _mbps(p.in_bps)) for p in traffic]),
                ("Saída", AMBER, [(p.at, _mbps(p.out_bps)) for p in traffic]),
            ],
        ),
    }
