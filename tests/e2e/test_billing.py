"""Billing staff compute last month, close it after confirming, and see the discount of an outage,
in chromium."""

from datetime import datetime, time, timedelta
from fractions import Fraction

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.computation import month_minutes
from redegov.instants import LOCAL_TZ
from redegov.money import round_brl
from redegov.templatetags.formatting import brl
from tests.billing.conftest import outage, priced  # noqa: F401 - fixture

pytestmark = pytest.mark.e2e


def test_billing_staff_compute_and_close_a_month_with_a_discount(
    login,
    personas,
    priced,  # noqa: F811
    live_server,
):
    first_of_this_month = timezone.localdate().replace(day=1)
    last_month = (first_of_this_month - timedelta(days=1)).replace(day=15)
    start = datetime.combine(last_month, time(8, 0), tzinfo=LOCAL_TZ)
    outage(priced.link_x_metro, start, start.replace(hour=10, minute=30))
    discount = round_brl(
        Fraction("905.52") * 150 / month_minutes(last_month.year, last_month.month)
    )
    competencia = f"{last_month:%m/%Y}"

    page = login("ugs")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Faturamento"
    ).click()
    page.get_by_label("Competência (AAAA-MM)").fill(f"{last_month:%Y-%m}")
    page.get_by_role("button", name="Calcular competência").click()
    expect(page.locator(".messages")).to_contain_text(f"Competência {competencia} calculada.")

    page.get_by_role("link", name=f"Fechar competência {competencia}").click()
    expect(page.get_by_role("heading", name=f"Fechar a competência {competencia}?")).to_be_visible()
    page.get_by_role("button", name="Fechar competência").click()
    expect(page.locator(".messages")).to_contain_text(f"Competência {competencia} fechada.")
    row = page.locator("#competencias tbody tr").first
    expect(row).to_contain_text("Fechada")
    expect(row).to_contain_text(brl(discount))

    row.get_by_role("link", name="Demonstrativo").click()
    line = page.locator("#demonstrativo tbody tr", has_text="BHZ-0001")
    expect(line).to_contain_text(brl(discount))
    line.get_by_role("link", name="BHZ-0001").click()
    expect(page.locator("#calculo")).to_contain_text(f"arredondada: {brl(discount)}")
