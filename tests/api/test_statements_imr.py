"""Statements and IMR results through the API: the documents of the `statement` and `imr`
commands, over the rows each role may see."""

import pytest

from tests.support.billing import compute

pytestmark = pytest.mark.django_db

STATEMENTS = "/api/v1/statements/"


@pytest.fixture
def october_computed(priced_simple):
    return compute(2026, 10)


def circuits(response) -> list[str]:
    return [line["circuit_id"] for line in response.json()["lines"]]


def test_readers_list_the_computed_months(api, october_computed):
    response = api("billing").get(STATEMENTS)
    assert response.json() == [
        {
            "period": "2026-10",
            "status": "open",
            "computed_at": response.json()[0]["computed_at"],
            "closed_at": None,
        }
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("billing", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("committee", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("manager_x", ["BHZ-0001", "UDI-0001"]),
        ("carrier_a", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("carrier_b", ["UDI-0001"]),
    ],
)
def test_each_reader_gets_the_statement_lines_it_sees(api, october_computed, persona, expected):
    response = api(persona).get(f"{STATEMENTS}2026-10/")
    assert response.status_code == 200
    assert circuits(response) == expected


def test_the_statement_is_the_commands_document(api, october_computed, network):
    document = api("carrier_b").get(f"{STATEMENTS}2026-10/").json()
    line = document["lines"][0]
    assert (document["period"], document["status"], document["month_minutes"]) == (
        "2026-10",
        "open",
        31 * 24 * 60,
    )
    assert (line["amount_due"], line["net"], line["carrier"], line["lot"]) == (
        "1234.57",
        "1234.57",
        "beta",
        2,
    )
    assert [(m["carrier"], m["share"], m["amount_due"]) for m in line["members"]] == [
        ("beta", "60.0000", "740.74"),
        ("alfa", "40.0000", "493.83"),
    ]
    assert document["totals"]["amount_due"] == "1234.57"
    filtered = api("noc").get(f"{STATEMENTS}2026-10/", {"agency": network.agency_y.pk})
    assert circuits(filtered) == ["CTG-0001"]


@pytest.mark.parametrize("persona", ["unit_x", "legal", "outsider"])
def test_other_roles_read_no_statements(api, october_computed, persona):
    client = api(persona)
    assert client.get(STATEMENTS).status_code == 403
    response = client.get(f"{STATEMENTS}2026-10/")
    assert response.status_code == 403
    assert response.json() == {"erro": "Seu perfil não faz esta operação.", "campos": {}}


def test_a_month_never_computed_is_not_found(api, october_computed):
    response = api("billing").get(f"{STATEMENTS}2026-09/")
    assert response.status_code == 404
    assert response.json() == {"erro": "Competência não encontrada", "campos": {}}


def _lots(response) -> set[int]:
    return {row["lot"] for row in response.json()["results"]}


def test_imr_results_per_role(api, october_computed):
    everything = api("billing").get("/api/v1/imr/2026-10/")
    assert everything.json()["period"] == "2026-10"
    assert _lots(everything) == {1, 2}
    assert _lots(api("carrier_b").get("/api/v1/imr/2026-10/")) == {2}
    agency = api("manager_y").get("/api/v1/imr/2026-10/").json()["results"]
    assert {(r["scope"], r["circuit_id"]) for r in agency} == {("access", "CTG-0001")}
    refused = api("legal").get("/api/v1/imr/2026-10/")  # a role without the IMR
    assert refused.status_code == 403
    assert refused.json()["erro"]
