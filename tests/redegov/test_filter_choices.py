"""A list filter's choices are cached per query (redegov/filters.py): read once for everyone
whose rows are the same, never shown to someone whose rows differ, and never trusted when a
value comes back."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_choices(settings):
    settings.FILTER_CHOICES_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def _municipality_options(client, user) -> list[str]:
    client.force_login(user)
    page = client.get("/acessos/").content.decode()
    select = re.search(r'<select name="municipality".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)


def test_each_scope_sees_the_municipalities_of_its_own_links(client, personas, cached_choices):
    assert _municipality_options(client, personas.noc) == [
        "Belo Horizonte",
        "Contagem",
        "Uberlândia",
    ]
    # The NOC's choices are cached now: agency Y's manager still sees only Y's municipality,
    # and carrier B (the interior lot) only the interior's.
    assert _municipality_options(client, personas.manager_y) == ["Contagem"]
    assert _municipality_options(client, personas.carrier_b) == ["Uberlândia"]
    assert _municipality_options(client, personas.manager_x) == ["Belo Horizonte", "Uberlândia"]


def test_the_second_page_reads_no_choices(client, personas, cached_choices):
    client.force_login(personas.noc)
    client.get("/acessos/")
    with CaptureQueriesContext(connection) as read:
        client.get("/acessos/")
    assert not [q for q in read.captured_queries if 'FROM "inventory_municipality"' in q["sql"]]


def test_a_value_outside_the_scope_is_refused_though_cached(client, personas, cached_choices):
    """Agency Y's manager sends Uberlândia (in the NOC's cached choices, not in Y's rows)."""
    _municipality_options(client, personas.noc)
    client.force_login(personas.manager_y)
    uberlandia = Municipality.objects.get(name="Uberlândia")
    page = client.get("/acessos/", {"municipality": uberlandia.pk}).content.decode()
    assert "Faça uma escolha válida" in page
    assert "UDI-0001" not in page


def test_someone_who_sees_no_links_gets_empty_choices(client, personas, cached_choices):
    """Legal counsel's rows are none at all: its query is known empty before any SQL."""
    assert _municipality_options(client, personas.legal) == []
