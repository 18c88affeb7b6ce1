"""The one chart engine (core/charts.py) and its template: values where the axis says, round
ticks in pt-BR, gaps, and coordinates written as machine numbers whatever the locale."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from core.charts import BRL, DASHED, LINE, PCT, Axis, Series, category_chart, time_chart
from tests.support.time import SP


def test_time_chart_breaks_lines_at_gaps_and_scales_nicely():
    since = datetime(2026, 10, 15, 0, 0, tzinfo=SP)
    points = [(since + timedelta(hours=h), v) for h, v in enumerate([10, 20, None, 40])]
    chart = time_chart(
        title="Latência média",
        unit="ms",
        since=since,
        until=since + timedelta(days=1),
        lines=[("Caminho 1", "#000", points)],
    )
    assert chart.paths[0].d.count("M") == 2  # a gap starts a new stroke
    assert [t.label for t in chart.y_ticks] == ["0", "10", "20", "30", "40", "50"]
    assert [t.label for t in chart.x_ticks][:3] == ["00:00", "03:00", "06:00"]


def test_bar_heights_follow_the_values_on_a_round_axis():
    chart = category_chart(
        title="t",
        unit=BRL,
        categories=["a", "b", "c"],
        series=[Series("s", "#000", [Decimal(100), Decimal(50), None])],
    )
    a, b = chart.rects  # no bar where there is no value
    plot = chart.bottom - chart.top
    assert (float(a.height), float(b.height)) == (plot, plot / 2)
    assert float(a.x) < float(b.x)
    assert [t.label for t in chart.y_ticks] == ["0", "25", "50", "75", "100"]
    big = category_chart(
        title="t", unit=BRL, categories=["a"], series=[Series("s", "#000", [Decimal(2_300_000)])]
    )
    assert [t.label for t in big.y_ticks] == ["0", "0,5 mi", "1 mi", "1,5 mi", "2 mi", "2,5 mi"]
    pct = category_chart(
        title="t", unit=PCT, categories=["a"], series=[Series("s", "#000", [Decimal("0.08")])]
    )
    assert [t.label for t in pct.y_ticks] == ["0%", "0,025%", "0,05%", "0,075%", "0,1%"]
    assert pct.rects[0].title == "a · s: 0,08%"
    empty = category_chart(title="t", unit=PCT, categories=[], series=[])
    assert empty.empty and not empty.rects


def test_a_fitted_axis_spreads_close_percentages_over_round_steps():
    values = [Fraction(99_21, 100), Fraction(99_87, 100), Decimal("99.5")]
    axis = Axis.fitted(values)
    assert (axis.low, axis.high) == (Decimal("99.2"), Decimal("100.0"))
    chart = category_chart(
        title="I1",
        unit=PCT,
        categories=["09/2026", "10/2026"],
        series=[
            Series("Resultado", "#00f", values[:2], style=LINE),
            Series("Meta", "#f80", [Decimal("99.5")] * 2, style=DASHED),
        ],
        axis=axis,
    )
    assert [t.label for t in chart.y_ticks] == ["99,2%", "99,4%", "99,6%", "99,8%", "100%"]
    assert len(chart.dots) == 2 and chart.dots[0].title == "09/2026 · Resultado: 99,21%"
    assert [p.dashed for p in chart.paths] == [False, True]


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_the_template_writes_machine_numbers_in_a_pt_br_page():
    chart = category_chart(
        title="Faturamento",
        unit=BRL,
        categories=["10/2026", "11/2026"],
        series=[Series("Valor devido", "#000", [Decimal("1234.56"), Decimal("2500")])],
    )
    with translation.override("pt-br"):
        html = render_to_string("includes/chart.html", {"chart": chart})
    numbers = re.findall(r' (?:x|y|x1|x2|y1|y2|width|height|cx|cy)="([^"]*)"', html)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers
    assert "R$ 1.234,56" in html  # the tooltip, in pt-BR
