"""The OpenAPI schema and its documentation pages (static files, no CDN), and a schemathesis
run over the schema against the live test server: no answer may be a server error (5xx)."""

import pytest
import schemathesis
from django.conf import settings
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from tests.support.api import token_for
from tests.support.sla import open_outage_with_ticket
from tests.support.time import local

# Enough random examples per operation to reach the services' refusals, few enough for the
# whole run (three roles, fuzzing phase only: the coverage phase alone took minutes) to stay
# near a minute.
EXAMPLES = 10


@pytest.mark.django_db
def test_the_schema_describes_the_api_and_the_ticket_webhook(client, personas):
    client.force_login(personas.carrier_a)  # anonymous visitors get 401 (tests/security)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["openapi"] == "3.1.0"
    assert "/api/v1/outages/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    webhook = schema["webhooks"]["TicketsOpened"]["post"]
    body = webhook["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    payload = schema["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert set(payload["properties"]) == {
        "event",
        "delivery_id",
        "created_at",
        "carrier",
        "tickets",
    }
    for header in (
        "Idempotency-Key",
        "X-RedeGov-Delivery",
        "X-RedeGov-Timestamp",
        "X-RedeGov-Signature",
    ):
        assert header in webhook["description"]


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
@pytest.mark.django_db
def test_the_documentation_is_served_from_static_files(client, personas, page):
    client.force_login(personas.carrier_a)
    html = client.get(page).content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()


@pytest.fixture
def fuzzed(transactional_db, network, personas, live_server):
    """The shared network with a ticket, served by the live server (committed data)."""
    open_outage_with_ticket(network.link_x_interior, local(2026, 10, 15, 10, 0))
    return personas


@pytest.fixture(params=["noc", "carrier_a", "manager_x"])
def api_schema(request, fuzzed, live_server):
    key = token_for(getattr(fuzzed, request.param))
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/?format=json", headers={"Authorization": f"Bearer {key}"}
    )
    rates = {"read": "100000/min", "write": "100000/min"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        schema.config.update(headers={"Authorization": f"Bearer {key}"})
        schema.config.phases.coverage.enabled = False
        yield schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors(case):
    case.call_and_validate(checks=[not_a_server_error])
