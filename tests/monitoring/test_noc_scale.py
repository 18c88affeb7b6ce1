"""The panel on the article's network (2 800 links, seed_demo) with a storm of open incidents:
its query count is bounded and does not depend on the number of items (no N+1)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.choices import AccessType, LinkStatus
from inventory.demo.build import seed_demo
from inventory.models import Link
from monitoring.choices import OutageKind, OutageSource
from monitoring.models import IncidentNote, IrregularityReport, Outage, RedundancyLoss
from monitoring.services.tickets import tickets_open
from redegov.models import User
from redegov.roles import Role

pytestmark = pytest.mark.django_db

# Requests of a logged-in user: session, user, roles, then the page's own reads.
PANEL_QUERIES = 25
ITEMS_QUERIES = 20


@pytest.fixture
def storm(municipalities):
    """300 links down, 30 redundant links on one path, 10 irregularities, with notes."""
    seed_demo(links=2800, seed=1)
    active = Link.objects.filter(status=LinkStatus.ACTIVE).order_by("pk")
    now = timezone.now()
    down = list(active.filter(access_type=AccessType.SIMPLE)[:300])
    outages = Outage.objects.bulk_create(
        Outage(
            link=link,
            start=now.replace(second=0, microsecond=0) - timezone.timedelta(minutes=i % 40),
            kind=OutageKind.INTERRUPTION,
            source=OutageSource.ICMP,
        )
        for i, link in enumerate(down)
    )
    losses = RedundancyLoss.objects.bulk_create(
        RedundancyLoss(link=link, start=now - timezone.timedelta(minutes=5))
        for link in active.filter(access_type=AccessType.REDUNDANT)[:30]
    )
    tickets_open(outages=outages, losses=losses, now=now)
    noc = User.objects.get(username="noc")
    reports = IrregularityReport.objects.bulk_create(
        IrregularityReport(link=link, description="Sem sinal", reported_by=noc, reported_at=now)
        for link in down[:10]
    )
    IncidentNote.objects.bulk_create(
        [IncidentNote(outage=o, acknowledgement=True, by=noc, at=now) for o in outages[:100]]
        + [IncidentNote(outage=o, text="Acionada", by=noc, at=now) for o in outages[:100]]
        + [IncidentNote(irregularity=r, text="Vendo", by=noc, at=now) for r in reports]
    )
    return noc


def test_panel_queries_are_bounded_on_the_full_network(
    client, storm, django_assert_max_num_queries
):
    client.force_login(storm)
    with django_assert_max_num_queries(PANEL_QUERIES):
        html = client.get(reverse("monitoring:panel")).content.decode()
    assert "300</strong> interrupções" in html
    assert "30</strong> perdas de redundância" in html
    assert "10</strong> irregularidades a responder" in html
    with django_assert_max_num_queries(ITEMS_QUERIES):
        client.get(reverse("monitoring:panel-items"))
    manager = User.objects.filter(groups__name=Role.AGENCY_MANAGER).order_by("pk").first()
    client.force_login(manager)
    with django_assert_max_num_queries(PANEL_QUERIES):
        html = client.get(reverse("monitoring:panel")).content.decode()
    own = Outage.objects.filter(end=None, link__agency_id=manager.agency_id).count()
    assert f"{own}</strong> interrupções" in html
