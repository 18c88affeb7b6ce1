"""The NOC acknowledges and comments an outage on the incident panel, monitoring closes it, and
its page still shows both, with author and time, in chromium (issue 23)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monitoring import services
from monitoring.models import IncidentNote, Outage
from tests.support.monitoring import down, record

pytestmark = pytest.mark.e2e


def test_panel_notes_stay_on_the_closed_outages_page(login, personas, network, live_server):
    services._memory.clear()
    record(-1, {})
    down(network, range(3), network.link_x_metro)
    outage = Outage.objects.get()

    page = login("noc")
    page.goto(f"{live_server.url}/painel/")
    page.get_by_role("button", name="Reconhecer interrupção BHZ-0001").click()
    expect(page.locator("#painel")).to_contain_text("Reconhecido por noc em")
    page.get_by_label("Comentário sobre BHZ-0001").fill("Operadora acionada por telefone")
    page.get_by_role("button", name="Comentar").click()
    expect(page.locator("#painel")).to_contain_text("Operadora acionada por telefone")

    record(3, {})  # the link answers again: the outage closes and leaves the panel
    outage.refresh_from_db()
    assert outage.end is not None
    page.goto(f"{live_server.url}/indisponibilidades/{outage.pk}/")
    assert IncidentNote.objects.filter(outage=outage).count() == 2
    timeline = page.locator("#linha-do-tempo")
    for note in IncidentNote.objects.filter(outage=outage):
        when = timezone.localtime(note.at).strftime("%d/%m/%Y %H:%M")
        what = "Reconhecimento no painel" if note.acknowledgement else "Comentário no painel"
        expect(timeline.locator("tr", has_text=what)).to_contain_text(when)
        expect(timeline.locator("tr", has_text=what)).to_contain_text("noc")
    expect(timeline).to_contain_text("Operadora acionada por telefone")
    expect(timeline).to_contain_text("Fim da indisponibilidade")
