"""The NOC's header badge (issue 23, docs/noc.md): on every page, how many things its to-do
lists (carriers' disputes to decide, agencies' reports to answer), linking to that list; gone
when the work is done; counted once for the whole NOC and counted again after each such write."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from monitoring.selectors import noc_todo
from monitoring.selectors.lists import NOC_PENDING_KEY
from monitoring.services.noc import irregularity_answer, irregularity_report
from monitoring.services.responsibility import dispute_decide
from redegov.roles import Role
from tests.people.factories import user_with_role
from tests.support.monitoring import dispute_filed
from tests.support.time import at

pytestmark = pytest.mark.django_db

BADGE = re.compile(
    r'<a href="/#a-fazer" aria-label="(\d+) (pendência|pendências) do NOC">'
    r'(Pendência|Pendências) <span class="badge late">(\d+)</span></a>'
)


def badge(client, url: str = "/") -> tuple[str, ...] | None:
    """The badge of a page: (count, word, label, count shown), or None when there is none."""
    found = BADGE.search(client.get(url).content.decode())
    return found.groups() if found else None


def todo_rows(client) -> int:
    """How many items the home's to-do list shows."""
    html = client.get(reverse("home")).content.decode()
    table = html[html.index('id="a-fazer"') :]
    table = table[: table.index("</section>")]
    return table.count("<tr") - 1  # the header row


def report(network, personas, minute: int):
    return irregularity_report(
        link_id=network.link_y_metro.pk,
        description="Lento",
        files=[],
        by=personas.manager_y,
        now=at(minute),
    )


def test_the_badge_counts_what_the_todo_lists_and_goes_when_it_is_done(client, network, personas):
    client.force_login(personas.noc)
    assert badge(client) is None  # nothing waits: no badge
    filed = dispute_filed(network, personas)
    first, second = report(network, personas, 140), report(network, personas, 150)
    assert len(noc_todo(user=personas.noc)) == 3 == todo_rows(client)
    assert badge(client) == ("3", "pendências", "Pendências", "3")
    # Every page's header, not only the home's.
    assert badge(client, reverse("monitoring:outage-list")) == badge(client)
    dispute_decide(
        dispute_id=filed.pk, accept=False, reason="Sem laudo", by=personas.noc, now=at(160)
    )
    irregularity_answer(report_id=first.pk, answer="Chamado aberto.", by=personas.noc, now=at(170))
    assert todo_rows(client) == 1
    assert badge(client) == ("1", "pendência", "Pendência", "1")
    irregularity_answer(report_id=second.pk, answer="Resolvido.", by=personas.noc, now=at(180))
    assert badge(client) is None
    assert "pendências do NOC" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["manager_y", "carrier_a", "billing", "committee"])
def test_only_the_noc_has_the_badge(client, network, personas, who):
    dispute_filed(network, personas)
    report(network, personas, 140)
    client.force_login(getattr(personas, who))
    assert badge(client) is None


@pytest.fixture
def badge_cache(settings):
    settings.NOC_PENDING_CACHE_SECONDS = 30
    cache.delete(NOC_PENDING_KEY)
    yield
    cache.delete(NOC_PENDING_KEY)


def test_the_count_is_cached_for_the_whole_noc_and_forgotten_after_each_write(
    client, network, personas, badge_cache, django_capture_on_commit_callbacks
):
    client.force_login(personas.noc)
    with django_capture_on_commit_callbacks(execute=True):
        filed = report(network, personas, 140)
    outage_list = reverse("monitoring:outage-list")
    assert badge(client, outage_list)[0] == "1"
    assert cache.get(NOC_PENDING_KEY) == 1
    # Every page and every operator read the one cached count (the NOC sees the whole network).
    cache.set(NOC_PENDING_KEY, 7, 30)
    assert badge(client, outage_list)[0] == "7"
    client.force_login(user_with_role("plantao", Role.NOC))
    assert badge(client, reverse("monitoring:ticket-list"))[0] == "7"
    # Filing, deciding and answering forget it once their transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        filed_dispute = dispute_filed(network, personas)
    assert badge(client, outage_list)[0] == "2"
    with django_capture_on_commit_callbacks(execute=True):
        dispute_decide(
            dispute_id=filed_dispute.pk, accept=True, reason="Laudo", by=personas.noc, now=at(160)
        )
    assert badge(client, outage_list)[0] == "1"
    with django_capture_on_commit_callbacks(execute=True):
        irregularity_answer(report_id=filed.pk, answer="Ok.", by=personas.noc, now=at(170))
    assert badge(client, outage_list) is None


def test_only_a_pages_header_reads_the_count_never_the_panels_refresh(
    client, network, personas, badge_cache
):
    client.force_login(personas.noc)
    assert client.get(reverse("monitoring:panel-items")).status_code == 200
    assert cache.get(NOC_PENDING_KEY) is None  # the 5-second fragment has no header
    client.get(reverse("monitoring:panel"))
    assert cache.get(NOC_PENDING_KEY) == 0
