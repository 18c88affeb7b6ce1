"""Keyboard only (issue 23, eMAG and WCAG 2.1.1, 2.4.7): the NOC acts on an incident of the panel,
a manager drafts an activation order and billing staff close a month with Tab, Shift+Tab, Enter,
Space and the arrow keys alone, never a click nor a fill; the focus stays visible all along."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.choices import JobKind
from billing.models import BillingPeriod, PeriodJob
from billing.tasks import run_period_job
from monitoring.models import Outage
from orders.models import Order
from tests.support.billing import compute

pytestmark = pytest.mark.e2e
# htmx polls every 5 s.
LIVE = 12_000
# The focused element, drawn with a ring: an outline or a box-shadow under :focus-visible.
FOCUS_RING = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return e.matches(":focus-visible")
    && ((s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2)
        || s.boxShadow !== "none"); }"""


def tab_to(page, selector: str, key: str = "Tab", limit: int = 120) -> None:
    """Press Tab (or `key`) until the focus is on the element matching `selector`."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_RING), f"{selector}: the focus is not visible"
            return
    raise AssertionError(f"{selector} not reached with {key}")


def test_the_noc_acknowledges_and_comments_an_incident_by_keyboard(
    login, live_server, network, role_pages_world, page
):
    login("noc").goto(f"{live_server.url}/painel/")
    incident = Outage.objects.get(link=network.link_x_interior, end=None)
    expect(page.locator("#painel a.circuit")).to_have_count(1)

    tab_to(page, f"#outage-{incident.pk}-comentario")
    page.keyboard.type("Técnico a caminho")
    page.keyboard.press("Enter")
    expect(page.locator("#painel")).to_contain_text("Técnico a caminho")
    # Back to the acknowledgement, the control before the comment form.
    tab_to(page, f"#outage-{incident.pk}-reconhecer", key="Shift+Tab")

    # A refresh brings a new incident and keeps the focus, still visible, on the same control.
    Outage.objects.create(
        link=network.link_x_metro,
        start=timezone.now() - timedelta(minutes=10),
        kind="interruption",
        source="manual",
    )
    expect(page.locator("#painel a.circuit")).to_have_count(2, timeout=LIVE)
    assert page.evaluate("document.activeElement.id") == f"outage-{incident.pk}-reconhecer"
    assert page.evaluate(FOCUS_RING)
    page.keyboard.press("Enter")
    expect(page.locator("#painel")).to_contain_text("Reconhecido por noc em")


def test_a_manager_drafts_an_activation_order_by_keyboard(
    login, live_server, personas, priced_catalog, page
):
    login("gestor.sef").goto(f"{live_server.url}/ordens/nova/ativacao/")
    offer = page.locator("#oferta")
    tab_to(page, "#id_municipality")
    page.keyboard.type("Belo Horizonte")  # the searchable select's search (docs/ui.md)
    page.keyboard.press("Enter")
    # The form asks for the offer once the keys rest and brings the focus back.
    expect(offer).to_contain_text("Velocidades à venda: 4, 10 Mbps", timeout=30_000)
    expect(page.locator("#id_municipality")).to_be_focused()
    tab_to(page, "#id_address")
    page.keyboard.type("Av. Afonso Pena, 1212")
    tab_to(page, "#id_speed_mbps")
    page.keyboard.press("ArrowDown")  # "4 Mbps", the first speed on sale
    expect(offer).to_contain_text("Mensalidade: R$ 905,52", timeout=30_000)
    expect(page.locator("#id_speed_mbps")).to_be_focused()
    tab_to(page, "#id_site_contact")
    page.keyboard.type("Maria, 31 3333-0000")
    tab_to(page, "form[data-order-form] button:not([name])")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=re.compile(r"OS-\d{4}-000001"))).to_be_visible()
    order = Order.objects.get()
    assert (order.municipality.ibge_code, order.speed_mbps, order.address) == (
        3106200,
        4,
        "Av. Afonso Pena, 1212",
    )


def test_billing_staff_close_a_month_by_keyboard(login, live_server, personas, priced_simple, page):
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    period = compute(last_month.year, last_month.month)
    login("ugs").goto(f"{live_server.url}/faturamento/")
    tab_to(page, f'a[href$="/{period.label}/fechar"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Fechar a competência {period}?")).to_be_visible()

    tab_to(page, "#fechar-confirmed")
    page.keyboard.press("Space")
    expect(page.locator("#fechar-confirmed")).to_be_checked()
    tab_to(page, "form.confirm-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator("#andamento")).to_be_visible()
    # What the worker does with the queued job.
    run_period_job(PeriodJob.objects.get(period=period, kind=JobKind.CLOSE).pk)
    assert BillingPeriod.objects.get(pk=period.pk).is_closed
