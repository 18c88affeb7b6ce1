"""Issue 23, item 4: at 1 024 px no money cell wraps ("R$ / 1.643.867,67"), no control is
clipped, and a wide table scrolls inside its card with its first column still in view: the
billing statement, the IMR results and the outage list."""

from decimal import Decimal

import pytest
from django.utils import timezone

from billing import services
from tests.inventory.factories import PriceItemFactory

pytestmark = pytest.mark.e2e

MEASURE = """(selector) => {
  const table = document.querySelector(selector);
  const wrap = table.closest(".table-wrap");
  const lines = (el) => { const r = document.createRange(); r.selectNodeContents(el);
    return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size; };
  const width = document.documentElement.clientWidth;
  const clipped = [...document.querySelectorAll("main a, main button, main input, main select")]
    .filter((el) => !el.closest(".table-wrap") && el.getClientRects().length)
    .filter((el) => { const b = el.getBoundingClientRect(); return b.left < 0 || b.right > width; })
    .map((el) => el.outerHTML.slice(0, 80));
  const wrapped = [...table.querySelectorAll("td.num, td:first-child")]
    .filter((td) => td.textContent.trim() && lines(td) > 1).map((td) => td.textContent.trim());
  wrap.scrollLeft = wrap.scrollWidth;
  const first = table.querySelector("tbody tr td:first-child");
  const box = first.getBoundingClientRect();
  const seen = document.elementFromPoint(box.left + 4, box.top + box.height / 2);
  return {
    clipped, wrapped, money: table.querySelectorAll("td.num").length,
    scrolls: wrap.scrollWidth > wrap.clientWidth, scrolled: wrap.scrollLeft,
    pageOverflow: document.documentElement.scrollWidth - width,
    firstVisible: first.contains(seen), firstLeft: box.left - wrap.getBoundingClientRect().left,
  };
}"""


@pytest.fixture
def billed(role_pages_world, network):
    """Last month computed, with prices long enough to wrap if they could."""
    for lot, region in ((network.lot_metro, "metro"), (network.lot_interior, "interior")):
        PriceItemFactory(lot=lot, region=region, monthly_price=Decimal("1643867.67"))
    first = timezone.localdate().replace(day=1)
    last = first.replace(day=1) - timezone.timedelta(days=1)
    period = services.period_get_or_create(year=last.year, month=last.month)
    return services.period_compute(period=period, now=timezone.now())


@pytest.mark.parametrize(
    ("user", "url", "table", "must_scroll"),
    [
        ("ugs", "/faturamento/{label}/demonstrativo/", "#demonstrativo", True),
        ("ugs", "/imr/", "table.data", False),
        ("noc", "/indisponibilidades/", "table.data", False),  # fits 1 024 px
    ],
)
def test_wide_tables_scroll_in_their_card_and_money_never_wraps(
    page, login, live_server, billed, user, url, table, must_scroll
):
    page.set_viewport_size({"width": 1024, "height": 800})
    login(user)
    page.goto(live_server.url + url.format(label=billed.label))
    m = page.evaluate(MEASURE, table)
    assert m["money"] > 0 or table != "#demonstrativo"
    assert m["wrapped"] == []
    assert m["clipped"] == []
    assert m["pageOverflow"] <= 0  # the page itself never scrolls sideways
    if must_scroll:  # wider than 1 024 px: it scrolls inside its card, its first column stays
        assert m["scrolls"] and m["scrolled"] > 0
    assert m["firstVisible"] and m["firstLeft"] >= -1
