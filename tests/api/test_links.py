"""Links: the rows each role sees are the pages' rows; filters, pagination, 404 for others'."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/links/"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager_x", ["BHZ-0001", "UDI-0001"]),
        ("manager_y", ["CTG-0001"]),
        ("unit_x", []),  # the unit has no links of its own
        ("carrier_a", ["BHZ-0001", "CTG-0001", "UDI-0001"]),  # lot 1, and member of lot 2
        ("carrier_b", ["UDI-0001"]),
        ("noc", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("billing", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("committee", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("legal", []),
        ("outsider", []),
    ],
)
def test_each_role_lists_the_links_it_sees(api, persona, expected):
    response = api(persona).get(URL)
    assert response.status_code == 200
    assert [row["circuit_id"] for row in response.json()["results"]] == expected
    assert response.json()["count"] == len(expected)


def test_link_representation(api, network):
    row = api("manager_x").get(f"{URL}{network.link_x_interior.pk}/").json()
    assert row == {
        "id": network.link_x_interior.pk,
        "circuit_id": "UDI-0001",
        "agency": "SEF",
        "unit": None,
        "municipality": "Uberlândia",
        "ibge_code": 3170206,
        "contract": network.contract.number,
        "lot": 2,
        "carriers": ["beta", "alfa"],
        "speed_mbps": 4,
        "address": network.link_x_interior.address,
        "access_type": "simple",
        "status": "active",
        "activated_at": "2024-01-01T00:00:00-03:00",
        "cancelled_at": None,
    }


def test_a_link_the_user_does_not_see_is_not_found(api, network):
    response = api("manager_y").get(f"{URL}{network.link_x_metro.pk}/")
    assert response.status_code == 404
    assert response.json() == {"erro": "Acesso não encontrado", "campos": {}}


def test_filters_and_pagination(api, network):
    client = api("noc")
    response = client.get(URL, {"q": "UDI"})
    assert [row["circuit_id"] for row in response.json()["results"]] == ["UDI-0001"]
    response = client.get(URL, {"carrier": network.carrier_b.pk})
    assert [row["circuit_id"] for row in response.json()["results"]] == ["UDI-0001"]
    page = client.get(URL, {"page_size": 2}).json()
    assert page["count"] == 3
    assert [row["circuit_id"] for row in page["results"]] == ["BHZ-0001", "CTG-0001"]
    assert page["next"].endswith("page=2&page_size=2")


def test_a_filter_value_the_user_may_not_pick_is_a_field_error(api, network):
    response = api("manager_x").get(URL, {"agency": network.agency_y.pk})
    assert response.status_code == 400
    body = response.json()
    assert body["erro"] == "Dados inválidos; veja os campos."
    assert body["campos"] == {
        "agency": ["Faça uma escolha válida. Sua escolha não é uma das disponíveis."]
    }


@pytest.mark.parametrize("path", ["/api/v1/links/abc/", "/api/v1/nada/", "/api/v2/links/"])
def test_an_address_the_api_does_not_have_gets_its_error_body(api, network, path):
    response = api("noc").get(path)
    assert response.status_code == 404
    assert response.json() == {
        "erro": "Este endereço não existe na API; veja /api/docs/.",
        "campos": {},
    }
