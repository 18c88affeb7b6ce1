"""The `close_month` and `statement` commands, and who may read which statement."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from billing.models import BillingPeriod
from billing.selectors import line_list
from tests.support.billing import compute, outage, worked_example_outage
from tests.support.time import NOVEMBER_END, local


def statement(*args) -> str:
    out = io.StringIO()
    call_command("statement", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_statement_json_has_the_documented_shape(priced_simple, capsys):
    worked_example_outage(priced_simple)
    outage(priced_simple.link_x_interior, local(2026, 10, 15, 8, 0), local(2026, 10, 15, 10, 30))
    call_command("close_month", "2026-10", "--close", stdout=io.StringIO())
    call_command("statement", "2026-10", "--format", "json")
    document = json.loads(capsys.readouterr().out)
    assert document["period"] == "2026-10"
    assert document["month_minutes"] == 44640
    lines = {line["circuit_id"]: line for line in document["lines"]}
    assert lines["BHZ-0001"] == {
        "circuit_id": "BHZ-0001",
        "agency": "SEF",
        "carrier": "alfa",
        "lot": 1,
        "outage_minutes": 150,
        "amount_due": "905.52",
        "discount": "3.04",
        "imr_adjustment": "0.00",
        "fines": "0.00",
        "corrections": "0.00",
        "net": "902.48",
        "members": [],
    }
    interior = lines["UDI-0001"]
    assert interior["carrier"] == "beta"
    assert [m["carrier"] for m in interior["members"]] == ["beta", "alfa"]
    assert interior["members"][0]["share"] == "60.0000"
    assert sum(Decimal(m["net"]) for m in interior["members"]) == Decimal(interior["net"])
    total_net = sum(Decimal(line["net"]) for line in document["lines"])
    assert document["totals"]["net"] == f"{total_net:.2f}"
    assert document["correction_items"] == []


@pytest.mark.django_db
def test_statement_filters_and_csv_by_member(priced_simple, capsys):
    compute(2026, 10, NOVEMBER_END)
    call_command("statement", "2026-10", "--agency", "SEE", "--format", "json")
    assert [line["circuit_id"] for line in json.loads(capsys.readouterr().out)["lines"]] == [
        "CTG-0001"
    ]
    call_command("statement", "2026-10", "--carrier", "beta", "--format", "csv", "--by-member")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["circuit_id"], r["carrier"], r["share"]) for r in rows] == [
        ("UDI-0001", "beta", "60.0000"),
        ("UDI-0001", "alfa", "40.0000"),
    ]


@pytest.mark.django_db
def test_close_month_refuses_a_month_that_has_not_ended(priced_simple):
    with pytest.raises(CommandError, match="depois de terminar"):
        call_command("close_month", "2099-01", "--close", stdout=io.StringIO())
    with pytest.raises(CommandError, match="inválida"):
        call_command("close_month", "2026-13", stdout=io.StringIO())
    assert not BillingPeriod.objects.filter(year=2099, status="closed").exists()


@pytest.mark.django_db
def test_each_role_reads_only_its_statement(priced_simple, personas):
    period = compute(2026, 10, NOVEMBER_END)

    def circuits(user):
        return sorted(
            line_list(user=user, period=period).values_list("link__circuit_id", flat=True)
        )

    everything = ["BHZ-0001", "CTG-0001", "UDI-0001"]
    assert circuits(personas.billing) == everything
    assert circuits(personas.committee) == everything
    assert circuits(personas.manager_x) == ["BHZ-0001", "UDI-0001"]
    assert circuits(personas.manager_y) == ["CTG-0001"]
    assert circuits(personas.carrier_b) == ["UDI-0001"]  # a consortium member
    assert circuits(personas.carrier_a) == everything
    assert circuits(personas.unit_x) == []
    assert circuits(personas.outsider) == []
