"""Maintenance windows through the API: a carrier requests them; the others are refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.models import MaintenanceWindow
from tests.support.api import ids

pytestmark = pytest.mark.django_db

URL = "/api/v1/maintenance-windows/"


def request_body(network, days_ahead: int = 5) -> dict:
    start = timezone.localtime() + timedelta(days=days_ahead)
    return {
        "scope": "links",
        "links": ["BHZ-0001"],
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
        "description": "Troca do roteador",
    }


def test_carrier_requests_a_window(api, network):
    response = api("carrier_a").post(URL, request_body(network))
    assert response.status_code == 201
    body = response.json()
    assert (body["carrier"], body["scope"], body["links"], body["status"]) == (
        "alfa",
        "links",
        ["BHZ-0001"],
        "requested",
    )


def test_the_service_rules_come_back_as_errors(api, network):
    client = api("carrier_a")
    late = client.post(URL, request_body(network, days_ahead=1))
    assert late.status_code == 400
    assert late.json() == {
        "erro": "A janela deve ser solicitada com 72 h de antecedência.",
        "campos": {},
    }
    # Carrier B does not serve lot 1: its link is not one it may choose.
    other = api("carrier_b").post(URL, request_body(network))
    assert other.json()["campos"] == {"links": ["Objeto com circuit_id=BHZ-0001 não existe."]}
    assert not MaintenanceWindow.objects.exists()


@pytest.mark.parametrize("persona", ["noc", "manager_x", "outsider"])
def test_only_carriers_request_windows(api, network, persona):
    assert api(persona).post(URL, request_body(network)).status_code == 403


def test_each_role_lists_the_windows_it_sees(api, network):
    window = api("carrier_a").post(URL, request_body(network)).json()["id"]
    assert ids(api("carrier_a").get(URL)) == [window]
    assert ids(api("noc").get(URL)) == [window]
    assert ids(api("carrier_b").get(URL)) == []
    assert ids(api("manager_x").get(URL)) == []
    assert api("carrier_b").get(f"{URL}{window}/").status_code == 404
    assert ids(api("noc").get(URL, {"status": "approved"})) == []
