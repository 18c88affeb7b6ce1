"""The incident panel's refresh sends only what changed (issue 23 items 4 and 6): nothing (204)
when nothing changed, the items without the map when only the items changed, the map when its
state changed; one reading serves a scope of rows for a few seconds, and a carrier's never
serves another carrier; ages and repair clocks are rendered in the words the browser ticks."""

import html as htmllib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import IncidentNote, Ticket
from monitoring.templatetags.clocks import repair_clock_at
from redegov.roles import Role
from tests.inventory.factories import UBERLANDIA
from tests.monitoring.factories import RedundancyLossFactory
from tests.people.factories import user_with_role
from tests.support.monitoring import circuits
from tests.support.time import at

pytestmark = pytest.mark.django_db

PANEL = reverse("monitoring:panel")
MAP = 'id="mapa-estado"'


def refresh_url(html: str) -> str:
    """The URL the panel polls (its versions included), as htmx reads it."""
    return htmllib.unescape(re.search(r'id="painel"[^>]*hx-get="([^"]+)"', html).group(1))


def test_nothing_changed_answers_204_and_a_change_sends_the_items_without_the_map(
    client, personas, panel_outages, django_assert_max_num_queries
):
    client.force_login(personas.noc)
    url = refresh_url(client.get(PANEL).content.decode())
    with django_assert_max_num_queries(20):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert (response.status_code, response.content) == (204, b"")

    IncidentNote.objects.create(
        outage=panel_outages.first(), text="Operadora acionada", by=personas.noc, at=timezone.now()
    )
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Operadora acionada" in html
    assert MAP not in html  # the map's colours did not change
    assert client.get(refresh_url(html), HTTP_HX_REQUEST="true").status_code == 204


def test_the_map_is_sent_when_its_state_changes(client, personas, network, panel_outages):
    client.force_login(personas.noc)
    url = refresh_url(client.get(PANEL).content.decode())
    RedundancyLossFactory(link=network.link_x_interior, start=at(1))
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert MAP in html and 'hx-swap-oob="true"' in html
    assert f'data-ibge="{UBERLANDIA}"' in html and 'class="mun redundancy"' in html
    assert network.link_x_interior.circuit_id in circuits(html)


def test_the_versions_do_not_leak_into_the_filters(client, personas, panel_outages):
    client.force_login(personas.noc)
    html = client.get(refresh_url(client.get(PANEL).content.decode()) + "&m=old").content
    html = html.decode()
    assert "com estes filtros" not in html
    assert refresh_url(html).count("v=") == 1
    assert 'action="/painel/anotar"' in html  # the note forms carry no version


def test_one_reading_serves_a_scope_and_never_another_carrier(
    client, personas, network, panel_outages, panel_cache, django_assert_max_num_queries
):
    client.force_login(personas.noc)
    assert circuits(client.get(PANEL).content.decode()) == ["CTG-0001", "BHZ-0001"]
    # The metropolitan lot is carrier A's alone: B sees none of it, though A's reading and the
    # NOC's are in the cache.
    client.force_login(personas.carrier_a)
    assert circuits(client.get(PANEL).content.decode()) == ["CTG-0001", "BHZ-0001"]
    client.force_login(personas.carrier_b)
    assert circuits(client.get(PANEL).content.decode()) == []
    client.force_login(personas.manager_y)
    assert circuits(client.get(PANEL).content.decode()) == ["CTG-0001"]
    # A second person of carrier A reads A's cached panel: the items and map cost no query.
    colleague = user_with_role("alfa2", Role.CARRIER, carrier=network.carrier_a)
    client.force_login(colleague)
    client.get("/")  # the session and the user
    with django_assert_max_num_queries(8):
        html = client.get(PANEL).content.decode()
    assert circuits(html) == ["CTG-0001", "BHZ-0001"]


def test_a_note_is_shown_at_once_despite_the_cache(client, personas, panel_outages, panel_cache):
    client.force_login(personas.noc)
    client.get(PANEL)
    data = {"subject": "outage", "pk": panel_outages.first().pk, "text": "Visto"}
    response = client.post(reverse("monitoring:panel-note"), data, HTTP_HX_REQUEST="true")
    assert "Visto" in response.content.decode()
    assert "Visto" in client.get(PANEL).content.decode()


def test_the_repair_clock_has_one_form_on_first_render_and_on_refresh(
    client, personas, panel_outages
):
    now = timezone.now()
    Ticket.objects.update(start=now - timedelta(minutes=60), due_at=now + timedelta(minutes=236))
    due = timezone.localtime(now + timedelta(minutes=236)).strftime("%d/%m/%Y %H:%M")
    client.force_login(personas.noc)
    page = client.get(PANEL).content.decode()
    live = client.get(reverse("monitoring:panel-items"), HTTP_HX_REQUEST="true").content.decode()
    for html in (page, live):
        clock = re.search(r'<span class="repair-clock".*?</span></span>', html).group(0)
        assert re.search(r">restam 3 h 5[56] min<", clock)
        assert 'title="Prazo de reparo: até ' in clock and '<progress max="100" value="20"' in clock
        assert f'<span class="muted">até {due}</span>' in clock


def test_repair_clock_words_and_bar():
    now = timezone.now()
    start = now - timedelta(minutes=30)
    assert repair_clock_at(start=start, due=now + timedelta(minutes=90), now=now).text == (
        "restam 1 h 30 min"
    )
    assert repair_clock_at(start=start, due=now + timedelta(minutes=90), now=now).percent == 25
    late = repair_clock_at(start=start, due=now - timedelta(seconds=30), now=now)
    assert (late.text, late.late, late.percent) == ("em atraso há 1 min", True, 100)
    assert repair_clock_at(start=start, due=now + timedelta(days=1, minutes=5), now=now).text == (
        "restam 1 d 0 h 05 min"
    )
