"""The access policy's rules, each from docs/security.md: the carrier rule across a move to
another contract's lot, ticket routing, maintenance coverage, the committee's read-only role,
redirects and ids of another parent."""

from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from api.services import api_token_create
from inventory.models import Contract, LinkRevision
from monitoring.choices import Responsibility, WindowScope, WindowStatus
from monitoring.models import Dispute, MaintenanceWindow, Outage, Ticket
from monitoring.selectors import outage_list, ticket_list, windows_covering
from monitoring.services import maintenance, responsibility, tickets
from redegov import access
from tests.inventory.factories import BELO_HORIZONTE, ContractFactory, lot_with
from tests.monitoring.factories import OutageFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(second=0, microsecond=0)
MOVED_AT = NOW - timedelta(days=10)


def outage_at(link, start: datetime) -> Outage:
    return OutageFactory(
        link=link,
        start=start,
        end=start + timedelta(hours=1),
        responsibility=Responsibility.PENDING,
    )


def dispute(outage: Outage, by) -> Dispute:
    return responsibility.dispute_file(
        outage_id=outage.pk, requested="agency", text="Sem energia", files=[], by=by, now=NOW
    )


@pytest.fixture
def moved(network):
    """Agency X's metro link moves at MOVED_AT to a new contract whose Belo Horizonte lot is
    carrier B's alone: carrier A was its contractor before, carrier B after."""
    phase = ContractFactory(number="2026/NOVO")
    lot = lot_with(
        contract=phase, number=1, members=[(network.carrier_b, "100")], ibge_codes=[BELO_HORIZONTE]
    )
    LinkRevision.objects.create(
        link=network.link_x_metro, effective_at=MOVED_AT, contract=phase, lot=lot
    )
    return lot


def test_a_move_hands_the_link_over_at_its_instant(network, personas, moved):
    """Both carriers see the link; each sees the outages of its own tenure only."""
    link = network.link_x_metro
    before = outage_at(link, MOVED_AT - timedelta(days=1))
    after = outage_at(link, MOVED_AT + timedelta(days=1))
    for persona in (personas.carrier_a, personas.carrier_b):
        assert access.sees(persona, link)
    seen_a = set(outage_list(user=personas.carrier_a).values_list("pk", flat=True))
    seen_b = set(outage_list(user=personas.carrier_b).values_list("pk", flat=True))
    assert (before.pk in seen_a, after.pk in seen_a) == (True, False)
    assert (before.pk in seen_b, after.pk in seen_b) == (False, True)
    # The agency's view does not depend on the carrier.
    assert {before.pk, after.pk} <= set(
        outage_list(user=personas.manager_x).values_list("pk", flat=True)
    )


def test_a_future_move_gives_the_new_carrier_nothing_yet(network, personas):
    phase = ContractFactory(number="2027/FUTURO")
    lot = lot_with(
        contract=phase, number=1, members=[(network.carrier_b, "100")], ibge_codes=[BELO_HORIZONTE]
    )
    LinkRevision.objects.create(
        link=network.link_x_metro, effective_at=NOW + timedelta(days=30), contract=phase, lot=lot
    )
    assert not access.sees(personas.carrier_b, network.link_x_metro)
    assert access.sees(personas.carrier_a, network.link_x_metro)


def test_a_ticket_goes_to_the_leader_of_the_lot_in_force_at_the_outages_start(
    network, personas, moved
):
    link = network.link_x_metro
    link.status, link.activated_at = "active", MOVED_AT - timedelta(days=60)
    link.save(update_fields=["status", "activated_at"])
    old, new = (
        outage_at(link, MOVED_AT - timedelta(days=2)),
        outage_at(link, NOW - timedelta(hours=3)),
    )
    tickets.tickets_open(outages=[old, new], losses=[], now=NOW)
    assert Ticket.objects.get(outage=old).carrier == network.carrier_a
    assert Ticket.objects.get(outage=new).carrier == network.carrier_b
    assert set(ticket_list(user=personas.carrier_a).values_list("outage_id", flat=True)) == {old.pk}


def test_the_old_carrier_cannot_dispute_the_new_carriers_outage(network, personas, moved):
    after = outage_at(network.link_x_metro, MOVED_AT + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        dispute(after, personas.carrier_a)
    dispute(after, personas.carrier_b)
    assert Dispute.objects.get().carrier == network.carrier_b


def test_a_municipality_window_covers_only_the_carriers_own_links(network, personas, moved):
    """Carrier A asks for all of Belo Horizonte: agency X's moved link (carrier B's now) is in
    the municipality but not covered; agency Y's link, still in A's lot, is covered."""
    network.link_y_metro.municipality_id = BELO_HORIZONTE
    network.link_y_metro.save(update_fields=["municipality"])
    start = NOW + timedelta(days=5)
    window = maintenance.maintenance_request(
        by=personas.carrier_a,
        scope=WindowScope.MUNICIPALITY,
        municipality=network.link_x_metro.municipality,
        start=start,
        end=start + timedelta(hours=2),
        description="Troca do roteador de borda",
        now=NOW,
    )
    MaintenanceWindow.objects.filter(pk=window.pk).update(status=WindowStatus.APPROVED)
    inside = start + timedelta(minutes=30)
    links = [network.link_x_metro, network.link_y_metro]
    assert windows_covering(links=links, instants=[inside, inside]) == {network.link_y_metro.pk}


def test_a_carrier_window_for_links_refuses_the_links_it_handed_over(network, personas, moved):
    start = NOW + timedelta(days=5)
    with pytest.raises(Exception, match="lotes da sua operadora"):
        maintenance.maintenance_request(
            by=personas.carrier_a,
            scope=WindowScope.LINKS,
            links=[network.link_x_metro],
            start=start,
            end=start + timedelta(hours=2),
            description="Troca",
            now=NOW,
        )


def test_the_committee_writes_nothing_through_pages_or_the_api(client, network, personas):
    outage = outage_at(network.link_x_metro, NOW - timedelta(hours=5))
    client.force_login(personas.committee)
    page = client.post(
        reverse("monitoring:outage-classify", args=[outage.pk]),
        {"responsibility": "agency", "reason": "Sem energia"},
    )
    assert page.status_code == 403
    key = api_token_create(user=personas.committee, name="BI", expires_on=None, now=NOW)[1]
    api = client.post(
        "/api/v1/outages/",
        {"circuit_id": network.link_x_metro.circuit_id, "start": NOW.isoformat()},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert api.status_code == 403
    outage.refresh_from_db()
    assert outage.responsibility == Responsibility.PENDING
    # Reading stays open, and the committee may still manage its own tokens and sign out.
    assert client.get(reverse("monitoring:outage-detail", args=[outage.pk])).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_next_only_redirects_within_the_site(client, network, personas):
    client.force_login(personas.noc)
    outage = outage_at(network.link_x_metro, NOW - timedelta(hours=5))
    data = {"outages": [outage.pk], "responsibility": "agency", "reason": "Sem energia"}
    url = reverse("monitoring:outage-classify-bulk")
    away = client.post(url, {**data, "next": "https://evil.example/painel/"})
    assert away["Location"] == reverse("monitoring:outage-list")
    here = client.post(url, {**data, "next": "/painel/?municipio=3106200"})
    assert here["Location"] == "/painel/?municipio=3106200"


def test_a_dispute_of_another_outage_answers_404(client, network, personas):
    mine = outage_at(network.link_x_metro, NOW - timedelta(hours=5))
    other = outage_at(network.link_y_metro, NOW - timedelta(hours=5))
    dispute_made = dispute(other, personas.carrier_a)
    client.force_login(personas.noc)
    response = client.post(
        reverse("monitoring:dispute-decide", args=[mine.pk, dispute_made.pk]),
        {"accept": "true", "reason": "Comprovado"},
    )
    assert response.status_code == 404
    dispute_made.refresh_from_db()
    assert dispute_made.status == "open"


@pytest.mark.parametrize("label", sorted(access.RULES))
def test_every_rule_runs_for_every_persona(personas, label):
    """Each model's rule is a valid condition for each persona (no persona crashes a list)."""
    model = apps.get_model(label)
    for persona in vars(personas).values():
        list(access.restrict(model.objects.all(), persona)[:1])


def test_a_model_without_a_rule_is_seen_by_nobody(personas):
    assert access.rows(personas.noc, Contract) == access.NOTHING
