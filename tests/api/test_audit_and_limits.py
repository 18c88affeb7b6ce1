"""Every write through the API is audited (who, token, when, what, outcome) and the audit
history of the rows it changes names the token; each token has its own rate limits."""

import pytest
from django.conf import settings
from django.test import override_settings
from pghistory.models import Events

from api.models import ApiToken, ApiWrite
from tests.support.api import client_with, token_for
from tests.support.sla import open_outage_with_ticket
from tests.support.time import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(network):
    return open_outage_with_ticket(network.link_x_interior, local(2026, 10, 15, 10, 0))


def test_writes_are_audited_with_their_token_and_outcome(personas, ticket):
    key = token_for(personas.carrier_b)
    client = client_with(key)
    client.post(f"/api/v1/tickets/{ticket.pk}/acknowledge/", {"protocol": "BN-1"})
    client.post(f"/api/v1/tickets/{ticket.pk}/acknowledge/", {"protocol": "BN-2"})
    client.get("/api/v1/tickets/")  # reads are not audited
    token = ApiToken.objects.get()
    rows = list(ApiWrite.objects.order_by("pk"))
    assert [
        (r.user, r.token, r.method, r.path, r.operation, r.object_id, r.data, r.status_code)
        for r in rows
    ] == [
        (
            personas.carrier_b,
            token,
            "POST",
            f"/api/v1/tickets/{ticket.pk}/acknowledge/",
            "ticket-acknowledge",
            str(ticket.pk),
            {"protocol": protocol},
            status,
        )
        for protocol, status in (("BN-1", 200), ("BN-2", 400))
    ]


def test_refused_writes_are_audited_too(personas, ticket):
    client_with(token_for(personas.manager_x)).post(
        f"/api/v1/tickets/{ticket.pk}/restore/", {"cause": "\x00nada"}
    )
    row = ApiWrite.objects.get()
    assert (row.operation, row.status_code, row.data) == ("ticket-restore", 403, {"cause": "nada"})


def test_the_history_of_a_changed_row_names_the_token(personas, ticket):
    key = token_for(personas.carrier_b)
    client_with(key).post(f"/api/v1/tickets/{ticket.pk}/acknowledge/", {"protocol": "BN-1"})
    events = Events.objects.filter(pgh_obj_model="monitoring.Ticket", pgh_label="update")
    assert {(e.pgh_context["api_token"], e.pgh_context["user"]) for e in events} == {
        (ApiToken.objects.get().prefix, personas.carrier_b.pk)
    }


def test_each_token_has_its_own_rate_limit(personas, network):
    rates = {"read": "2/min", "write": "1/min"}
    first, second = client_with(token_for(personas.noc)), client_with(token_for(personas.noc))
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        assert [first.get("/api/v1/links/").status_code for _ in range(3)] == [200, 200, 429]
        assert second.get("/api/v1/links/").status_code == 200
        limited = first.get("/api/v1/links/")
    assert limited.json()["erro"].startswith("Limite de requisições excedido; tente de novo em")
    assert int(limited["Retry-After"]) > 0
