"""The charts of a link's page: its reads (`monitoring.history`) drawn as SVG geometry
(`monitoring.charts`)."""

from datetime import datetime, timedelta

from inventory.models import Link
from monitoring import history
from monitoring.charts import Chart, day_chart, time_chart

AVAILABILITY_DAYS = 30
# The periods the RTT, loss and traffic charts cover: label, span, stride of their points.
CHART_PERIODS = {
    "24h": ("Últimas 24 horas", timedelta(days=1), timedelta(minutes=5)),
    "7d": ("Últimos 7 dias", timedelta(days=7), timedelta(hours=1)),
}
DEFAULT_PERIOD = "24h"
PATH_NAMES = ("Caminho 1", "Caminho 2")


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
    availability: Chart = day_chart(
        title="Disponibilidade por dia",
        unit="%",
        days=[
            (
                d.day,
                None if d.percent is None else float(d.percent),
                f"{d.day:%d/%m/%Y}: {d.counted_minutes} min indisponível de {d.active_minutes}",
            )
            for d in days
        ],
        floor=90,
        ceiling=100,
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
                (PATH_NAMES[path], f"series-{path}", [(p.start, p.rtt_ms) for p in points])
                for path, points in echoes.items()
            ],
        ),
        "loss_chart": time_chart(
            title="Perda de pacotes",
            unit="%",
            since=since,
            until=now,
            bars=[
                (PATH_NAMES[path], f"series-{path}", [(p.start, p.loss_pct) for p in points])
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
                ("Entrada", "series-in", [(p.at, _mbps(p.in_bps)) for p in traffic]),
                ("Saída", "series-out", [(p.at, _mbps(p.out_bps)) for p in traffic]),
            ],
        ),
    }
