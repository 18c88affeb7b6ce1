"""The outage list (issue 5 item 5): django-filter filters counted on known rows, totals of
minutes, CSV and XLSX exports of the filtered rows, and who sees what."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.test import RequestFactory
from django.urls import reverse

from monitoring.filters import OutageFilter
from monitoring.selectors import outage_list
from tests.monitoring.factories import OutageFactory
from tests.support.time import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def outages(network):
    """Four outages of known lengths, kinds, sources and responsibilities."""
    make = OutageFactory
    return [
        make(
            link=network.link_x_metro,
            start=at(0),
            end=at(90),
            kind="interruption",
            source="icmp",
            responsibility="carrier",
        ),
        make(
            link=network.link_x_metro,
            start=at(1440 * 3),
            end=at(1440 * 3 + 5),
            kind="degradation",
            source="icmp",
        ),
        make(
            link=network.link_y_metro,
            start=at(30),
            end=at(90),
            kind="interruption",
            source="import",
            responsibility="agency",
        ),
        make(
            link=network.link_x_interior,
            start=at(60),
            end=at(80),
            kind="interruption",
            source="manual",
            responsibility="maintenance",
        ),
    ]


def filtered(user, params: dict) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    f = OutageFilter(params, queryset=outage_list(user=user), request=request)
    assert f.is_valid(), f.errors
    return sorted(f"{o.link.circuit_id}@{o.start:%d}" for o in f.qs)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["BHZ-0001@15", "BHZ-0001@18", "CTG-0001@15", "UDI-0001@15"]),
        ({"since": "2026-10-16"}, ["BHZ-0001@18"]),
        ({"until": "2026-10-15"}, ["BHZ-0001@15", "CTG-0001@15", "UDI-0001@15"]),
        (
            {"since": "2026-10-15", "until": "2026-10-17"},
            ["BHZ-0001@15", "CTG-0001@15", "UDI-0001@15"],
        ),
        ({"kind": "degradation"}, ["BHZ-0001@18"]),
        ({"source": "import"}, ["CTG-0001@15"]),
        ({"source": "manual"}, ["UDI-0001@15"]),
        ({"responsibility": "pending"}, ["BHZ-0001@18"]),
        ({"responsibility": "maintenance"}, ["UDI-0001@15"]),
        ({"open": "false", "kind": "interruption"}, ["BHZ-0001@15", "CTG-0001@15", "UDI-0001@15"]),
    ],
)
def test_filters_count_the_right_rows(personas, outages, params, expected):
    assert filtered(personas.noc, params) == expected


def test_filters_by_carrier_lot_and_agency(personas, network, outages):
    noc = personas.noc
    assert filtered(noc, {"carrier": network.carrier_b.pk}) == ["UDI-0001@15"]
    assert len(filtered(noc, {"carrier": network.carrier_a.pk})) == 4  # also in the consortium
    assert filtered(noc, {"lot": network.lot_interior.pk}) == ["UDI-0001@15"]
    assert filtered(noc, {"agency": network.agency_y.pk}) == ["CTG-0001@15"]


def test_an_agency_manager_cannot_filter_by_another_agency(personas, network, outages):
    request = RequestFactory().get("/")
    request.user = personas.manager_x
    f = OutageFilter(
        {"agency": network.agency_y.pk},
        queryset=outage_list(user=personas.manager_x),
        request=request,
    )
    assert not f.is_valid()


def test_totals_of_minutes(client, personas, outages):
    client.force_login(personas.noc)
    response = client.get(reverse("monitoring:outage-list"))
    assert response.context["totals"] == {"total": 90 + 5 + 60 + 20, "counted": 90 + 5}
    html = response.content.decode()
    assert "175</strong> minutos no total" in html
    assert "1 h 30 min" in html  # the first outage's length
    filtered_page = client.get(
        reverse("monitoring:outage-list"), {"agency": outages[2].link.agency_id}
    )
    assert filtered_page.context["totals"] == {"total": 60, "counted": 0}


def test_an_open_outage_counts_up_to_now(client, personas, network):
    from django.utils import timezone

    OutageFactory(
        link=network.link_x_metro,
        start=timezone.now() - timedelta(minutes=42, seconds=10),
        source="icmp",
    )
    client.force_login(personas.noc)
    totals = client.get(reverse("monitoring:outage-list")).context["totals"]
    assert totals["total"] in (42, 43)  # truncated to the minute on both ends


def test_csv_export_of_the_filtered_rows(client, personas, outages):
    client.force_login(personas.noc)
    response = client.get(
        reverse("monitoring:outage-export", args=["csv"]), {"kind": "interruption"}
    )
    assert response["Content-Disposition"].startswith('attachment; filename="indisponibilidades-')
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].split(";")[:4] == ["Designação", "Órgão / Entidade", "Município", "Lote"]
    assert len(lines) == 4
    bhz = next(line for line in lines if line.startswith("BHZ-0001"))
    assert "Belo Horizonte" in bhz and "15/10/2026 10:00" in bhz and ";90;" in bhz
    assert "Operadora" in bhz and "Alfa Telecom" in bhz


def test_xlsx_export_has_real_cells(client, personas, outages):
    client.force_login(personas.noc)
    response = client.get(reverse("monitoring:outage-export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Designação" and len(rows) == 5
    minutes = {row[0] + row[7].strftime("@%d"): row[9] for row in rows[1:]}
    assert minutes["BHZ-0001@15"] == 90
    assert minutes["UDI-0001@15"] == 20


@pytest.mark.parametrize(
    ("who", "expected"),
    [("noc", 4), ("manager_x", 3), ("manager_y", 1), ("carrier_b", 1), ("carrier_a", 4)],
)
def test_each_role_exports_exactly_its_rows(client, personas, outages, who, expected):
    client.force_login(getattr(personas, who))
    text = client.get(reverse("monitoring:outage-export", args=["csv"])).content.decode("utf-8-sig")
    assert len(text.strip().splitlines()) == expected + 1


def test_outsider_exports_nothing_and_unknown_format_is_404(client, personas, outages):
    client.force_login(personas.outsider)
    text = client.get(reverse("monitoring:outage-export", args=["csv"])).content.decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 1
    client.force_login(personas.noc)
    assert client.get(reverse("monitoring:outage-export", args=["pdf"])).status_code == 404
