"""Every list's one filter form and export buttons (templates/includes/): "Todos" for an empty
choice, the filters kept in the export links, the clear link back to the bare list."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_link_list_filters_and_exports_what_it_shows(client, personas, network):
    client.force_login(personas.noc)
    url = reverse("inventory:link-list")
    html = client.get(url, {"lot": network.lot_interior.pk}).content.decode()
    assert "---------" not in html
    assert re.search(r'<option value="" selected>Todos</option>', html) or "Todos" in html
    assert "UDI-0001" in html and "BHZ-0001" not in html
    csv = reverse("inventory:link-export", args=["csv"])
    assert f'href="{csv}?lot={network.lot_interior.pk}" download' in html
    assert f'href="{url}">Limpar</a>' in html


def test_the_ticket_list_offers_todos_for_every_empty_choice(client, personas, network):
    client.force_login(personas.noc)
    html = client.get(reverse("monitoring:ticket-list")).content.decode()
    assert "---------" not in html
    assert 'aria-label="Filtros"' in html
