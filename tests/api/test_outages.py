"""Outages through the API: read as in the pages; created by NOC tools as rows of
outages.csv (the import's rules and messages), each under an idempotency key."""

import pytest

from api.models import IdempotencyKey
from monitoring.models import Outage, Ticket
from tests.support.api import ids
from tests.support.billing import outage
from tests.support.time import local

pytestmark = pytest.mark.django_db

URL = "/api/v1/outages/"
ROW = {
    "circuit_id": "UDI-0001",
    "start": "2026-10-15T08:00:00-03:00",
    "end": "2026-10-15T10:30:00-03:00",
    "responsibility": "carrier",
    "reference": "zabbix-991",
}


def create(client, key: str = "k-1", **changes):
    return client.post(URL, {**ROW, **changes}, HTTP_IDEMPOTENCY_KEY=key)


def test_noc_creates_an_outage(api, network):
    response = create(api("noc"))
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "circuit_id": "UDI-0001",
        "start": "2026-10-15T08:00:00-03:00",
        "end": "2026-10-15T10:30:00-03:00",
        "kind": "interruption",
        "source": "import",
        "responsibility": "carrier",
        "reference": "zabbix-991",
        "notes": "",
        "created_at": body["created_at"],
    }
    assert "Idempotent-Replayed" not in response


def test_the_same_key_replays_the_first_answer(api, network):
    client = api("noc")
    first = create(client)
    again = create(client)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Outage.objects.count() == 1


def test_the_same_key_with_other_data_is_refused(api, network):
    client = api("noc")
    create(client)
    response = create(client, end="2026-10-15T11:00:00-03:00")
    assert response.status_code == 422
    assert response.json() == {
        "erro": "Esta chave de idempotência já foi usada com outros dados; use uma chave nova.",
        "campos": {},
    }
    assert Outage.objects.get().end == local(2026, 10, 15, 10, 30)


def test_the_same_outage_under_a_new_key_is_unchanged_as_in_the_import(api, network):
    client = api("noc")
    first = create(client, "k-1").json()
    response = create(client, "k-2")
    assert (response.status_code, response.json()) == (200, first)
    assert Outage.objects.count() == 1


def test_a_refused_outage_leaves_its_key_unused(api, network):
    client = api("noc")
    unknown = create(client, circuit_id="NOPE-1")
    assert unknown.status_code == 400
    assert unknown.json() == {
        "erro": "Dados inválidos; veja os campos.",
        "campos": {"circuit_id": ["acesso 'NOPE-1' não existe"]},
    }
    assert not IdempotencyKey.objects.exists()
    assert create(client).status_code == 201


def test_the_import_rules_refuse_with_field_messages(api, network):
    outage(network.link_x_interior, local(2026, 10, 15, 9, 0), local(2026, 10, 15, 9, 30))
    client = api("noc")
    overlap = create(client)
    assert overlap.status_code == 400
    assert overlap.json()["campos"] == {
        "start": ["sobrepõe a indisponibilidade registrada de 15/10/2026 09:00 a 15/10/2026 09:30"]
    }
    backwards = create(client, "k-2", end="2026-10-15T07:00:00-03:00")
    assert backwards.json()["campos"] == {
        "end": ["o fim deve ser posterior ao início (em minutos inteiros)"]
    }
    shape = create(client, "k-3", start="ontem", responsibility="ninguém")
    assert set(shape.json()["campos"]) == {"start", "responsibility"}
    far = create(client, "k-4", start="1999-06-30T10:00:00-03:00")
    assert far.json()["campos"] == {"start": ["Informe uma data entre 01/01/2000 e 31/12/2099."]}
    assert Outage.objects.count() == 1


def test_an_open_outage_against_the_carrier_opens_its_ticket_as_an_import_does(api, network):
    response = create(api("noc"), end=None)
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert (ticket.outage_id, ticket.carrier, ticket.status) == (
        response.json()["id"],
        network.carrier_b,
        "open",
    )


def test_the_key_header_is_required(api, network):
    response = api("noc").post(URL, ROW)
    assert response.status_code == 400
    assert response.json()["campos"] == {
        "idempotency_key": ["Envie o cabeçalho Idempotency-Key (1 a 100 caracteres)."]
    }


@pytest.mark.parametrize("persona", ["carrier_a", "manager_x", "billing", "committee", "outsider"])
def test_only_the_noc_creates_outages(api, network, persona):
    assert create(api(persona)).status_code == 403
    assert not Outage.objects.exists()


def test_each_role_reads_the_outages_it_sees(api, network):
    metro = outage(network.link_x_metro, local(2026, 10, 1, 8, 0), local(2026, 10, 1, 9, 0))
    other = outage(network.link_y_metro, local(2026, 10, 2, 8, 0), local(2026, 10, 2, 9, 0))
    assert ids(api("noc").get(URL)) == [other.pk, metro.pk]
    assert ids(api("manager_x").get(URL)) == [metro.pk]
    assert ids(api("carrier_b").get(URL)) == []
    assert ids(api("noc").get(URL, {"agency": network.agency_y.pk})) == [other.pk]
    assert api("manager_x").get(f"{URL}{other.pk}/").status_code == 404
