"""The NOC's and the carriers' to-do lists (monitoring.selectors): disputes and irregularity
reports until decided or answered, the NOC's badge, a carrier's open tickets on its lots only."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from monitoring.filters import OutageFilter
from monitoring.models import Outage, Ticket
from monitoring.selectors import noc_todo, ticket_todo
from monitoring.services.noc import irregularity_answer, irregularity_report
from monitoring.services.responsibility import dispute_decide, dispute_file
from tests.monitoring.factories import OutageFactory
from tests.support.monitoring import down, record
from tests.support.time import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]


def carrier_outage(link) -> Outage:
    return OutageFactory(
        link=link, start=at(0), end=at(120), source="icmp", responsibility="carrier"
    )


def outages(user, **params):
    """The outage list's filter built from a params dict, as the page builds it."""
    return OutageFilter(
        params, queryset=Outage.objects.all(), request=SimpleNamespace(user=user)
    ).qs


def test_disputes_and_irregularities_wait_for_the_noc_until_done(client, network, personas):
    outage = carrier_outage(network.link_x_metro)
    carrier_outage(network.link_y_metro)  # not disputed
    dispute = dispute_file(
        outage_id=outage.pk,
        requested="agency",
        text="Falta de energia no órgão",
        files=[],
        by=personas.carrier_a,
        now=at(130),
    )
    report = irregularity_report(
        link_id=network.link_y_metro.pk,
        description="Lento",
        files=[],
        by=personas.manager_y,
        now=at(140),
    )
    assert [i.title for i in noc_todo(user=personas.noc)] == [
        "Indisponibilidade contestada: BHZ-0001",
        "Irregularidade informada: CTG-0001",
    ]
    client.force_login(personas.noc)
    home = client.get(reverse("home")).content.decode()
    assert 'À espera de você <span class="badge ordered" title="2 pendências">2</span>' in home
    assert reverse("monitoring:outage-detail", args=[outage.pk]) in home
    assert (
        f'href="{reverse("monitoring:outage-list")}?dispute=pending">Contestações pendentes' in home
    )
    pending = outages(personas.noc, dispute="pending")
    assert list(pending) == [outage]
    assert outages(personas.noc).count() == 2
    dispute_decide(
        dispute_id=dispute.pk, accept=False, reason="Sem laudo", by=personas.noc, now=at(150)
    )
    irregularity_answer(report_id=report.pk, answer="Chamado aberto.", by=personas.noc, now=at(160))
    assert noc_todo(user=personas.noc) == []
    assert "Nada à sua espera." in client.get(reverse("home")).content.decode()
    assert not outages(personas.noc, dispute="pending").exists()
    for persona in ("carrier_a", "manager_x", "billing"):  # the NOC's work, nobody else's
        assert noc_todo(user=getattr(personas, persona)) == []
    client.force_login(personas.manager_x)
    assert "Contestações pendentes" not in client.get(reverse("home")).content.decode()


def test_a_carriers_open_tickets_are_on_its_list_only(network, personas):
    record(-1, {})
    down(network, range(3), network.link_x_metro)
    ticket = Ticket.objects.get()
    [item] = ticket_todo(user=personas.carrier_a)
    assert item.title == "Chamado interrupção: BHZ-0001"
    assert item.due_at == ticket.due_at
    assert ticket_todo(user=personas.carrier_b) == []  # another tenant's ticket
    assert ticket_todo(user=personas.noc) == []
    ticket.status = "closed"
    ticket.closed_at = at(10)
    ticket.save()
    assert ticket_todo(user=personas.carrier_a) == []
