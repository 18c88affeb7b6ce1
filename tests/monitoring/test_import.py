"""import_outages: atomic, every bad row named, one timeline per link, idempotent."""

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from monitoring.choices import OutageKind, OutageSource, Responsibility
from monitoring.models import Outage
from tests.monitoring.factories import OutageFactory
from tests.support.time import SP

HEADER = "circuit_id,start,end,responsibility,reference,notes\n"


def write(tmp_path, text: str, *, encoding="utf-8", name="outages.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_outages", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"\n{exc}")
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_outages_are_imported_with_their_responsibility_in_local_time(network, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "BHZ-0001,2026-10-15T08:00:45,2026-10-15T10:30,carrier,SGM-1,queda de energia\n"
        + "BHZ-0001,2026-10-16T08:00:00-03:00,,pending,SGM-2,\n"
        + 'UDI-0001,2026-10-15 09:00,2026-10-15 09:10,agency,"SGM,3","nota, com vírgula"\n',
    )
    out, err = run(path)
    assert err == ""
    assert "3 criadas" in out
    first, second = Outage.objects.filter(link=network.link_x_metro).order_by("start")
    assert first.start == datetime(2026, 10, 15, 8, 0, tzinfo=SP)  # truncated to the minute
    assert first.end == datetime(2026, 10, 15, 10, 30, tzinfo=SP)
    assert (first.responsibility, first.source, first.kind) == (
        Responsibility.CARRIER,
        OutageSource.IMPORT,
        OutageKind.INTERRUPTION,
    )
    assert second.end is None
    udi = Outage.objects.get(link=network.link_x_interior)
    assert (udi.reference, udi.notes) == ("SGM,3", "nota, com vírgula")


@pytest.mark.django_db
def test_semicolon_dialect_in_windows_1252(network, tmp_path):
    text = "circuit_id;start;end;responsibility;reference;notes\n"
    text += "BHZ-0001;2026-10-15T08:00;2026-10-15T09:00;force_majeure;X;inundação\n"
    _out, err = run(write(tmp_path, text, encoding="cp1252"))
    assert err == ""
    assert Outage.objects.get().notes == "inundação"


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(network, tmp_path):
    path = write(tmp_path, HEADER + "BHZ-0001,2026-10-15T08:00,2026-10-15T10:30,carrier,A,\n")
    run(path)
    out, err = run(path)
    assert err == ""
    assert "0 criada, 1 sem alteração" in out
    assert Outage.objects.count() == 1


@pytest.mark.django_db
def test_every_bad_row_is_reported_and_nothing_is_written(network, tmp_path):
    OutageFactory(
        link=network.link_y_metro,
        start=datetime(2026, 10, 15, 9, 0, tzinfo=SP),
        end=datetime(2026, 10, 15, 9, 30, tzinfo=SP),
        source=OutageSource.ICMP,
    )
    path = write(
        tmp_path,
        HEADER
        + "BHZ-0001,2026-10-15T08:00,2026-10-15T10:30,carrier,ok,\n"  # line 2: fine
        + "NOPE-1,2026-10-15T08:00,2026-10-15T10:30,carrier,,\n"  # 3
        + "BHZ-0001,2026-10-15T11:00,2026-10-15T11:00:30,carrier,,\n"  # 4: same minute
        + "BHZ-0001,2026-10-15T10:00,2026-10-15T12:00,carrier,,\n"  # 5: overlaps line 2
        + "CTG-0001,2026-10-15T09:20,2026-10-15T09:40,pending,,\n"  # 6: overlaps stored
        + "UDI-0001,15/10/2026 08:00,2026-10-15T10:30,carrier,,\n"  # 7: bad instant
        + "UDI-0001,2026-10-15T08:00,2026-10-15T10:30,operadora,,\n",  # 8: bad choice
    )
    _out, err = run(path)
    lines = [line for line in err.splitlines() if line]
    assert lines[:-1] == [
        "outages.csv:3: circuit_id: acesso 'NOPE-1' não existe",
        "outages.csv:4: end: o fim deve ser posterior ao início (em minutos inteiros)",
        "outages.csv:7: start: '15/10/2026 08:00' não é uma data/hora ISO 8601",
        "outages.csv:8: responsibility: 'operadora' não é válido; use pending, carrier, "
        "agency, maintenance ou force_majeure",
        "outages.csv:5: start: sobrepõe a linha 2 (15/10/2026 08:00 a 15/10/2026 10:30)",
        "outages.csv:6: start: sobrepõe a indisponibilidade registrada de "
        "15/10/2026 09:00 a 15/10/2026 09:30",
    ]
    assert "nada foi gravado" in lines[-1]
    assert Outage.objects.count() == 1


@pytest.mark.django_db
def test_a_wrong_header_is_one_error(network, tmp_path):
    _out, err = run(write(tmp_path, "circuit_id,begin,end\nBHZ-0001,x,y\n"))
    assert err.strip().splitlines()[0].startswith("outages.csv:1: cabeçalho: faltam as colunas")
    assert Outage.objects.count() == 0


@pytest.mark.django_db
def test_a_reference_too_long_for_its_column_is_a_row_error(network, tmp_path):
    path = write(
        tmp_path, HEADER + f"BHZ-0001,2026-10-15T08:00,2026-10-15T09:00,carrier,{'R' * 101},\n"
    )
    _out, err = run(path)
    assert "outages.csv:2: reference: texto com 101 caracteres; o máximo é 100" in err
    assert not Outage.objects.exists()
