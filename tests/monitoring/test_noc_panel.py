"""The incident panel and the map (issue 5 items 1 and 2): what each role sees, grouping,
filters, order, acknowledgements and comments, the blind banner and the map's states. Outages
come from the engine's own service (`cycle_record`), as in production."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from inventory.models import Link
from monitoring.filters import PanelFilter
from monitoring.models import (
    BlindPeriod,
    EngineCursor,
    IncidentNote,
    Outage,
    RedundancyLoss,
)
from monitoring.selectors.panel import map_states
from monitoring.services import shard_default
from tests.monitoring.factories import (
    BlindPeriodFactory,
    OutageFactory,
    PollShardFactory,
    RedundancyLossFactory,
)
from tests.support.monitoring import circuits, down, record
from tests.support.time import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]

PANEL = reverse("monitoring:panel")
ITEMS = reverse("monitoring:panel-items")


def test_noc_sees_every_open_outage_with_its_context(client, personas, panel_outages):
    client.force_login(personas.noc)
    html = client.get(PANEL).content.decode()
    assert circuits(html) == ["CTG-0001", "BHZ-0001"]  # newest first by default
    for text in ("Interrupção", "Belo Horizonte", "Contagem", "SEF", "SEE", "Alfa Telecom"):
        assert text in html
    assert panel_outages.first().link.address in html
    assert "Em análise" in html  # responsibility
    ticket = panel_outages.first().tickets.get()
    assert f"Nº {ticket.pk}" in html
    assert "Aberto" in html  # ticket state
    assert "2</strong> interrupções" in html


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("noc", ["CTG-0001", "BHZ-0001"]),
        ("committee", ["CTG-0001", "BHZ-0001"]),
        ("manager_x", ["BHZ-0001"]),
        ("manager_y", ["CTG-0001"]),
        ("unit_x", []),  # the unit's links: none of these has a unit
        ("carrier_a", ["CTG-0001", "BHZ-0001"]),
        ("carrier_b", []),  # the metropolitan lot is carrier A's alone
    ],
)
def test_each_role_sees_exactly_its_rows(client, personas, panel_outages, who, expected):
    client.force_login(getattr(personas, who))
    for url in (PANEL, ITEMS):
        response = client.get(url)
        assert response.status_code == 200
        assert circuits(response.content.decode()) == expected


def test_an_outsider_gets_403(client, personas, panel_outages):
    client.force_login(personas.outsider)
    for url in (PANEL, ITEMS):
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(PANEL).status_code == 302  # to the login page


def test_one_carriers_outages_of_one_cycle_are_grouped(client, personas, network):
    record(-1, {})
    down(network, range(4), network.link_x_metro, network.link_y_metro)
    client.force_login(personas.noc)
    html = client.get(PANEL).content.decode()
    assert html.count('class="group-head"') == 1
    assert "Alfa Telecom</strong>: 2 acessos no mesmo ciclo, desde 15/10/2026 10:00" in html
    assert circuits(html) == ["BHZ-0001", "CTG-0001"]


def test_outages_of_different_cycles_are_not_grouped(client, personas, panel_outages):
    client.force_login(personas.noc)
    assert 'class="group-head"' not in client.get(PANEL).content.decode()


def test_sorting_by_age_both_ways(client, personas, panel_outages):
    client.force_login(personas.noc)
    assert circuits(client.get(PANEL, {"o": "age"}).content.decode()) == ["CTG-0001", "BHZ-0001"]
    assert circuits(client.get(PANEL, {"o": "-age"}).content.decode()) == ["BHZ-0001", "CTG-0001"]
    # The header's link reverses the order and keeps the filters.
    html = client.get(PANEL, {"agency": personas.manager_x.agency_id}).content.decode()
    assert f"?agency={personas.manager_x.agency_id}&amp;o=-age" in html


def test_filters_narrow_every_kind(rf, personas, network, panel_outages):
    link = network.link_x_interior
    RedundancyLossFactory(link=link, start=at(1))
    request = rf.get(PANEL)
    request.user = personas.noc

    def count(params: dict) -> int:
        f = PanelFilter(params, queryset=Outage.objects.none(), request=request)
        assert f.is_valid(), f.errors
        open_outages = f.filter_queryset(Outage.objects.filter(end=None)).count()
        losses = f.filter_queryset(RedundancyLoss.objects.filter(end=None)).count()
        return open_outages + losses

    assert count({}) == 3
    assert count({"kind": "interruption"}) == 2
    assert count({"kind": "redundancy"}) == 1
    assert count({"responsibility": "pending"}) == 2
    assert count({"responsibility": "carrier"}) == 0
    assert count({"agency": network.agency_y.pk}) == 1
    assert count({"lot": network.lot_interior.pk}) == 1
    assert count({"carrier": network.carrier_b.pk}) == 1  # B is only in the interior lot
    assert count({"carrier": network.carrier_a.pk}) == 3  # A is also in the consortium
    assert count({"municipality": network.link_y_metro.municipality_id}) == 1


def test_a_municipality_not_visible_shows_nothing(client, personas, panel_outages, network):
    client.force_login(personas.manager_x)
    html = client.get(PANEL, {"municipality": network.link_y_metro.municipality_id}).content
    assert circuits(html.decode()) == []


def test_noc_acknowledges_and_comments_with_author_and_instant(client, personas, panel_outages):
    outage = panel_outages.first()
    client.force_login(personas.noc)
    data = {"subject": "outage", "pk": outage.pk}
    response = client.post(
        reverse("monitoring:panel-note"), {**data, "acknowledgement": "on"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="painel"' in html and 'hx-swap-oob="true"' in html
    assert "Reconhecido por noc em" in html
    client.post(
        reverse("monitoring:panel-note"), {**data, "text": "Operadora acionada por telefone"}
    )
    note = IncidentNote.objects.get(outage=outage, acknowledgement=False)
    assert (note.by, note.text) == (personas.noc, "Operadora acionada por telefone")
    assert timezone.now() - note.at < timedelta(minutes=1)
    html = client.get(PANEL).content.decode()
    assert "Operadora acionada por telefone" in html
    assert timezone.localtime(note.at).strftime("%d/%m/%Y %H:%M") in html
    again = client.post(
        reverse("monitoring:panel-note"), {**data, "acknowledgement": "on"}, HTTP_HX_REQUEST="true"
    )
    assert "Este item já foi reconhecido." in again.content.decode()
    assert IncidentNote.objects.filter(outage=outage, acknowledgement=True).count() == 1


@pytest.mark.parametrize(
    ("who", "status"), [("carrier_a", 403), ("manager_x", 403), ("outsider", 403)]
)
def test_only_the_noc_acknowledges(client, personas, panel_outages, who, status):
    client.force_login(getattr(personas, who))
    data = {"subject": "outage", "pk": panel_outages.first().pk, "acknowledgement": "on"}
    assert client.post(reverse("monitoring:panel-note"), data).status_code == status
    assert not IncidentNote.objects.exists()


def test_panel_readers_see_no_note_buttons(client, personas, panel_outages):
    client.force_login(personas.manager_x)
    html = client.get(PANEL).content.decode()
    assert "Reconhecer" not in html and "Comentar" not in html


def test_blind_banner_and_unmeasured_periods(client, personas, panel_outages):
    shard = shard_default()
    ended = timezone.now() - timedelta(days=2)
    BlindPeriodFactory(shard=shard, start=ended - timedelta(minutes=7), end=ended)
    BlindPeriodFactory(shard=shard, start=at(10), end=at(20))  # over a week ago
    BlindPeriodFactory(
        shard=shard,
        reason=BlindPeriod.Reason.NO_CYCLES,
        start=ended - timedelta(hours=1),
        end=ended - timedelta(minutes=50),
    )
    client.force_login(personas.noc)
    html = client.get(PANEL).content.decode()
    assert "NOC sem visibilidade da rede" not in html
    start, end = (
        timezone.localtime(i).strftime("%d/%m/%Y %H:%M")
        for i in (ended - timedelta(minutes=7), ended)
    )
    assert f"{start} a {end}: NOC sem visibilidade (fatia principal)" in html
    assert "ciclos não executados (fatia principal)" in html
    assert "15/10/2026 10:10" not in html
    BlindPeriodFactory(shard=shard, start=timezone.now() - timedelta(minutes=3))
    html = client.get(ITEMS).content.decode()
    assert "NOC sem visibilidade da rede" in html
    assert "agora (em curso)" in html


def test_stopped_monitoring_is_told(client, personas, panel_outages):
    client.force_login(personas.noc)
    html = client.get(PANEL).content.decode()  # the last cycle was in October
    assert "Monitoramento parado</strong> na fatia principal" in html
    assert "15/10/2026 10:05" in html
    # A shard whose cycles run on time is not told late, beside one that is.
    north = PollShardFactory(name="norte")
    EngineCursor.objects.create(
        shard=north, last_cycle_id=int(time.time()) // settings.MONITORING_CYCLE_SECONDS
    )
    html = client.get(PANEL).content.decode()
    assert "na fatia principal" in html and "na fatia norte" not in html


def test_the_panel_polls_itself_with_its_filters(client, personas, panel_outages):
    client.force_login(personas.noc)
    html = client.get(PANEL, {"kind": "interruption"}).content.decode()
    assert f'hx-get="{ITEMS}?kind=interruption&amp;v=' in html
    assert 'hx-trigger="every 5s' in html


def test_map_fills_municipalities_by_their_worst_state(client, personas, network, panel_outages):
    RedundancyLossFactory(link=network.link_x_interior, start=at(1))
    states = {m.name: m for m in map_states(user=personas.noc, now=timezone.now())}
    assert states["Belo Horizonte"].state == "down"
    assert states["Contagem"].state == "down"
    assert states["Uberlândia"].state == "redundancy"
    assert "1 interrompido" in states["Belo Horizonte"].tooltip
    client.force_login(personas.noc)
    html = client.get(PANEL).content.decode()
    assert html.count('<path id="m') == 853
    assert f'href="{PANEL}?municipality=3106200" class="mun down"' in html
    assert "<title>Belo Horizonte: 1 acesso monitorado, 1 interrompido</title>" in html


def test_map_of_an_agency_manager_has_only_its_municipalities(personas, panel_outages):
    states = map_states(user=personas.manager_y, now=timezone.now())
    assert [(m.name, m.state) for m in states] == [("Contagem", "down")]


def test_clicking_a_municipality_filters_the_panel(client, personas, panel_outages, network):
    client.force_login(personas.noc)
    html = client.get(PANEL, {"municipality": 3106200}).content.decode()
    assert circuits(html) == ["BHZ-0001"]
    assert 'class="mun down selected"' in html
    assert "filtrado: Belo Horizonte" in html


def test_query_count_does_not_grow_with_items(client, personas, network, django_assert_num_queries):
    """Two items or forty cost the same number of queries."""
    record(-1, {})
    down(network, range(3), network.link_x_metro)
    client.force_login(personas.noc)
    client.get(ITEMS)  # warm the session and the map geometry
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(ITEMS)
    for n in range(40):
        link = Link.objects.create(
            **{
                f.attname: getattr(network.link_y_metro, f.attname)
                for f in Link._meta.concrete_fields
                if f.attname not in ("id", "circuit_id", "mgmt_ip")
            },
            circuit_id=f"EXTRA-{n}",
            mgmt_ip=f"10.9.0.{n + 1}",
        )
        OutageFactory(link=link, start=at(n), source="manual")
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(ITEMS).content.decode()
    assert len(circuits(html)) == 41
