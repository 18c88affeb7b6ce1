"""The agency manager opens last month's technical report from the home page, reads it, attests
it and gets its PDF, in chromium."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing import services
from billing.computation import month_minutes
from core.instants import LOCAL_TZ
from core.money import round_brl
from core.templatetags.formatting import brl
from tests.support.billing import outage

pytestmark = pytest.mark.e2e


def test_the_agency_manager_opens_and_attests_last_months_report(
    login,
    personas,
    network,
    priced_simple,
    live_server,
):
    network.agency_x.manager = personas.manager_x
    network.agency_x.save(update_fields=["manager"])
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=15)
    start = datetime.combine(last_month, time(8, 0), tzinfo=LOCAL_TZ)
    outage(priced_simple.link_x_metro, start, start.replace(hour=10, minute=30))
    period = services.period_get_or_create(year=last_month.year, month=last_month.month)
    services.period_close(period=period, user=personas.billing, now=timezone.now())
    net = Decimal("905.52") - round_brl(
        Fraction("905.52") * 150 / month_minutes(last_month.year, last_month.month)
    )
    competencia = f"{last_month:%m/%Y}"

    page = login("gestor.sef")
    pending = page.locator("#atestados-pendentes")
    expect(pending).to_contain_text("Aguardando atestado")
    pending.get_by_role("link", name=f"Relatório técnico SEF · Competência {competencia}").click()
    expect(
        page.get_by_role("heading", name=f"Relatório técnico · SEF · Competência {competencia}")
    ).to_be_visible()
    row = page.locator("#acessos tbody tr", has_text="BHZ-0001")
    expect(row).to_contain_text("150")
    expect(row).to_contain_text(brl(net))
    expect(page.locator("#acessos tbody tr:not(.group, .subtotal)")).to_have_count(2)

    # Confirmed in a dialog (static/js/confirm.js): the summary opens it, the box must be ticked.
    page.locator("#atestar > summary").click()
    dialog = page.get_by_role("dialog", name="Atestar relatório")
    dialog.get_by_label("Confirmo: esta ação não pode ser desfeita.").check()
    dialog.get_by_role("button", name="Atestar relatório").click()
    expect(
        page.get_by_text(f"Relatório técnico da competência {competencia} atestado.")
    ).to_be_visible()
    attestation = page.locator("#atestado")
    expect(attestation).to_contain_text("Atestado por gestor.sef (gestor titular) em")
    expect(attestation.get_by_role("button", name="Atestar relatório")).to_have_count(0)

    href = page.get_by_role("link", name="Baixar PDF").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Início").click()
    expect(page.locator("#atestados-pendentes")).to_contain_text(
        "Nenhum relatório técnico aguardando atestado."
    )
