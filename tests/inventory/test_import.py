"""The inventory CSV import (`import_inventory`): every file in both dialects, re-import as a
no-op, and bad input rejected with its `file:line: column:` message and nothing written."""

import shutil
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from inventory.choices import AccessType, LinkStatus, Participation, Regime
from inventory.importing import inventory_import
from inventory.models import Agency, Carrier, Contract, Link, Lot, PriceItem
from redegov.models import User
from tests.inventory.factories import (
    BELO_HORIZONTE,
    CONTAGEM,
    JUIZ_DE_FORA,
    UBERLANDIA,
    AgencyUnitFactory,
)
from tests.support.time import SP

FIXTURES = Path(__file__).parent / "import_fixtures"
ALL_FILES = (
    "carriers.csv",
    "agencies.csv",
    "contracts.csv",
    "lots.csv",
    "lot_municipalities.csv",
    "prices.csv",
    "links.csv",
    "link_revisions.csv",
)


def inventory_rows() -> dict[str, int]:
    """Rows of every inventory table and of their audit-event tables."""
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("inventory").get_models()
        if model.__name__ != "Municipality"
    }


@pytest.fixture
def manager(db) -> User:
    return User.objects.create_user(username="gestor.sef", email="Gestor@Fazenda.mg.gov.br")


@pytest.fixture
def comma_dir(tmp_path: Path, municipalities, manager) -> Path:
    """The comma-dialect set, copied so that a test may change it."""
    return Path(shutil.copytree(FIXTURES / "comma", tmp_path / "comma"))


def append(directory: Path, name: str, *lines: str) -> None:
    with (directory / name).open("a", encoding="utf-8") as fh:
        fh.writelines(f"{line}\n" for line in lines)


def replace(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def import_errors(directory: Path) -> list[str]:
    return [str(error) for error in inventory_import(directory).errors]


@pytest.mark.parametrize("dialect", ["comma", "semicolon"])
def test_import_reads_every_file_in_both_dialects(tmp_path, municipalities, manager, dialect):
    directory = Path(shutil.copytree(FIXTURES / dialect, tmp_path / dialect))
    report = inventory_import(directory)

    assert report.errors == []
    assert list(report.files) == list(ALL_FILES)
    assert {name: counts.created for name, counts in report.files.items()} == {
        "carriers.csv": 2,
        "agencies.csv": 2,
        "contracts.csv": 2,
        "lots.csv": 3,
        "lot_municipalities.csv": 5,
        "prices.csv": 3,
        "links.csv": 4,
        "link_revisions.csv": 3,
    }
    semicolon = dialect == "semicolon"

    alfa = Carrier.objects.get(code="alfa")
    assert alfa.name == ("Alfa Telecom; S.A." if semicolon else "Alfa Telecom, S.A.")
    assert alfa.cnpj == "33000167000101"
    assert Carrier.objects.get(code="beta").cnpj == "02558157000162"

    sef = Agency.objects.get(code="SEF")
    assert (sef.participation, sef.manager, sef.substitute) == (
        Participation.COMPULSORY,
        manager,
        None,
    )
    assert Agency.objects.get(code="SEE").name == "Secretaria de Estado de Educação"

    phase3 = Contract.objects.get(number="CT-001/2020")
    assert (phase3.regime, phase3.start_date, phase3.end_date, phase3.value) == (
        Regime.LEI_14133,
        date(2020, 6, 1),
        date(2025, 5, 31),
        Decimal("96055953.00"),
    )
    assert Contract.objects.get(number="CT-002/2025").value == Decimal("1234567.89")

    consortium = Lot.objects.get(contract=phase3, number=2)
    leader_share, other_share = ("60.5", "39.5") if semicolon else ("60", "40")
    assert [(m.carrier.code, m.share, m.position) for m in consortium.members.all()] == [
        ("beta", Decimal(leader_share), 0),
        ("alfa", Decimal(other_share), 1),
    ]
    assert set(consortium.municipalities.values_list("pk", flat=True)) == {
        UBERLANDIA,
        JUIZ_DE_FORA,
    }
    metro = Lot.objects.get(contract=phase3, number=1)
    assert [m.carrier.code for m in metro.members.all()] == ["alfa"]

    assert sorted(
        PriceItem.objects.values_list("lot__number", "speed_mbps", "access_type", "monthly_price")
    ) == [
        (1, 1, AccessType.SIMPLE, Decimal("226.38")),
        (1, 1000, AccessType.REDUNDANT, Decimal("1234.56")),
        (2, 1, AccessType.SIMPLE, Decimal("255.89")),
    ]

    bhz = Link.objects.get(circuit_id="BHZ-0001")
    assert (bhz.lot, bhz.agency, bhz.municipality_id, bhz.status) == (
        metro,
        sef,
        BELO_HORIZONTE,
        LinkStatus.ACTIVE,
    )
    assert bhz.address == "Rodovia Papa João Paulo II, 4001"
    assert bhz.activated_at == datetime(2021, 3, 15, 10, 30, tzinfo=SP)  # naive = local, minute
    udi = Link.objects.get(circuit_id="UDI-0001")
    assert (udi.lot, udi.access_type, udi.mgmt_ip, udi.mgmt_ip_secondary) == (
        consortium,
        AccessType.REDUNDANT,
        "10.1.0.2",
        "10.1.0.3",
    )
    assert udi.address == f"Av. João Naves de Ávila{';' if semicolon else ','} 1500"
    assert udi.snmp_community == "public"
    ctg = Link.objects.get(circuit_id="CTG-0001")
    assert (ctg.municipality_id, ctg.status, ctg.snmp_community) == (
        CONTAGEM,
        LinkStatus.CANCELLED,
        "comunidade",
    )
    assert ctg.cancelled_at == datetime(2023, 1, 31, 23, 59, tzinfo=SP)
    assert Link.objects.get(circuit_id="JFA-0001").status == LinkStatus.ORDERED

    speed_change, move = bhz.revisions.all()
    assert (speed_change.effective_at, speed_change.speed_mbps) == (
        datetime(2022, 1, 10, 14, 0, tzinfo=SP),
        8,
    )
    assert (move.contract.number, move.lot.contract.number, move.lot.number) == (
        "CT-002/2025",
        "CT-002/2025",
        1,
    )
    correction = udi.revisions.get()
    assert correction.effective_at == datetime(2022, 1, 31, 21, 0, tzinfo=SP)  # 00:00Z
    assert correction.address == "Av. João Naves de Ávila, 1510"


def test_reimporting_the_same_files_changes_nothing(comma_dir):
    inventory_import(comma_dir)
    before = inventory_rows()

    report = inventory_import(comma_dir)

    assert report.errors == []
    assert all((counts.created, counts.updated) == (0, 0) for counts in report.files.values()), (
        report.files
    )
    assert report.files["links.csv"].unchanged == 4
    assert inventory_rows() == before  # neither rows nor audit events


def test_reimport_counts_and_applies_what_changed(comma_dir):
    inventory_import(comma_dir)
    replace(comma_dir, "carriers.csv", "Beta Net", "Beta Net Ltda.")
    replace(comma_dir, "lots.csv", "beta:60;alfa:40", "beta:70;alfa:30")

    report = inventory_import(comma_dir)

    assert report.errors == []
    assert vars(report.files["carriers.csv"]) == {"created": 0, "updated": 1, "unchanged": 1}
    assert vars(report.files["lots.csv"]) == {"created": 0, "updated": 1, "unchanged": 2}
    assert Carrier.objects.get(code="beta").name == "Beta Net Ltda."
    shares = Lot.objects.get(number=2, contract__number="CT-001/2020").members
    assert list(shares.values_list("share", flat=True)) == [Decimal(70), Decimal(30)]


def test_windows_1252_and_bom_files_are_read(tmp_path, municipalities, manager):
    directory = Path(shutil.copytree(FIXTURES / "semicolon", tmp_path / "excel"))
    agencies = directory / "agencies.csv"
    agencies.write_bytes(agencies.read_text(encoding="utf-8").encode("cp1252"))
    carriers = directory / "carriers.csv"
    carriers.write_bytes(b"\xef\xbb\xbf" + carriers.read_bytes())

    assert import_errors(directory) == []
    assert Agency.objects.get(code="SEE").name == "Secretaria de Estado de Educação"
    assert Carrier.objects.get(code="alfa").name == "Alfa Telecom; S.A."


BAD_ROWS = [
    pytest.param(
        "lot_municipalities.csv",
        "CT-001/2020,1,3199999",
        "lot_municipalities.csv:7: ibge_code: município IBGE 3199999 não existe",
        id="unknown-municipality",
    ),
    pytest.param(
        "carriers.csv",
        "gama,Gama Telecom,33000167000102",
        "carriers.csv:4: cnpj: CNPJ '33000167000102' com dígitos verificadores errados",
        id="bad-cnpj",
    ),
    pytest.param(
        "agencies.csv",
        "SEPLAG,Secretaria de Planejamento,1871561500016,compulsory,,",
        "agencies.csv:4: cnpj: CNPJ '1871561500016' deve ter 14 dígitos",
        id="short-cnpj",
    ),
    pytest.param(
        "lots.csv",
        "CT-002/2025,2,Interior,alfa:50;beta:40",
        "lots.csv:5: members: as participações do consórcio somam 90%, não 100%",
        id="shares-not-100",
    ),
    pytest.param(
        "lots.csv",
        "CT-002/2025,2,Interior,alfa:100;beta:0",
        "lots.csv:5: members: toda participação deve ser maior que zero",
        id="zero-share",
    ),
    pytest.param(
        "lot_municipalities.csv",
        "CT-001/2020,2,3106200",
        "lot_municipalities.csv:7: contract+ibge_code: 'CT-001/2020 / 3106200' repetido nas "
        "linhas 2 e 7",
        id="municipality-in-two-lots",
    ),
    pytest.param(
        "contracts.csv",
        "CT-003/2030,14133,2030-01-01,2035-01-01,-1.00",
        "contracts.csv:4: value: o valor do contrato não pode ser negativo",
        id="negative-value",
    ),
    pytest.param(
        "links.csv",
        "BHZ-0002,CT-001/2020,SEF,3106200,Rua 1,2,simple,2021-01-01,2020-01-01,10.1.0.9,,",
        "links.csv:6: cancelled_at: cancelamento deve ser posterior à ativação",
        id="cancelled-before-activated",
    ),
    pytest.param(
        "lots.csv",
        "CT-002/2025,2,Interior,alfa:50;gama:50",
        "lots.csv:5: members: operadora 'gama' não cadastrada",
        id="unknown-carrier",
    ),
    pytest.param(
        "links.csv",
        "BHZ-0001,CT-001/2020,SEE,3106200,Outro endereço,4,simple,,,10.9.9.9,,public",
        "links.csv:6: circuit_id: 'BHZ-0001' repetido nas linhas 2 e 6",
        id="duplicate-circuit-id",
    ),
    pytest.param(
        "contracts.csv",
        "CT-003/2030,14133,2030-02-30,2035-01-01,1.00",
        "contracts.csv:4: start_date: '2030-02-30' não é uma data ISO 8601 (aaaa-mm-dd)",
        id="malformed-date",
    ),
    pytest.param(
        "contracts.csv",
        "CT-003/2030,9999,2030-01-01,2035-01-01,1.00",
        "contracts.csv:4: regime: '9999' não é válido; use 8666, 13303 ou 14133",
        id="bad-regime",
    ),
    pytest.param(
        "contracts.csv",
        "CT-003/2030,14133,2030-01-01,2029-01-01,1.00",
        "contracts.csv:4: end_date: o fim da vigência deve ser posterior ao início",
        id="term-backwards",
    ),
    pytest.param(
        "prices.csv",
        'CT-001/2020,1,2,metro,simple,"452,76",2020-06-01',
        "prices.csv:5: monthly_price: '452,76' não é um número com ponto decimal",
        id="malformed-price",
    ),
    pytest.param(
        "prices.csv",
        "CT-001/2020,1,2,metro,simple,0,2020-06-01",
        "prices.csv:5: monthly_price: o preço mensal deve ser maior que zero",
        id="zero-price",
    ),
    pytest.param(
        "prices.csv",
        "CT-001/2020,1,2 Mbps,metro,simple,452.76,2020-06-01",
        "prices.csv:5: speed_mbps: '2 Mbps' não é um número inteiro (somente dígitos)",
        id="malformed-speed",
    ),
    pytest.param(
        "prices.csv",
        "CT-001/2020,3,2,metro,simple,452.76,2020-06-01",
        "prices.csv:5: lot: o contrato CT-001/2020 não tem lote 3",
        id="unknown-lot",
    ),
    pytest.param(
        "links.csv",
        "ABA-0001,CT-001/2020,SEE,3100104,Praça Central 1,2,simple,,,10.1.0.9,,public",
        "links.csv:6: ibge_code: o município 3100104 (Abadia dos Dourados) não pertence a "
        "nenhum lote do contrato CT-001/2020",
        id="municipality-outside-contract-lots",
    ),
    pytest.param(
        "links.csv",
        "BHZ-0002,CT-009/2020,SEF,3106200,Rua 1,2,simple,,,10.1.0.9,,public",
        "links.csv:6: contract: contrato 'CT-009/2020' não cadastrado",
        id="unknown-contract",
    ),
    pytest.param(
        "links.csv",
        "BHZ-0002,CT-001/2020,SEPLAG,3106200,Rua 1,2,simple,,,10.1.0.9,,public",
        "links.csv:6: agency: órgão 'SEPLAG' não cadastrado",
        id="unknown-agency",
    ),
    pytest.param(
        "links.csv",
        "BHZ-0002,CT-001/2020,SEF,3106200,Rua 1,2,simple,15/03/2021 10:30,,10.1.0.9,,public",
        "links.csv:6: activated_at: '15/03/2021 10:30' não é uma data/hora ISO 8601",
        id="malformed-instant",
    ),
    pytest.param(
        "links.csv",
        "BHZ-0002,CT-001/2020,SEF,3106200,Rua 1,2,simple,2021-01-01,,10.1.0.1,,public",
        "links.csv:6: mgmt_ip: o IP de gerência 10.1.0.1 já é usado pelo acesso BHZ-0001",
        id="mgmt-ip-of-live-link",
    ),
    pytest.param(
        "links.csv",
        "BHZ-0002,CT-001/2020,SEF,3106200,Rua 1,2,redundant,2021-01-01,,10.1.0.9,,public",
        "links.csv:6: mgmt_ip_secondary: acesso redundante precisa do IP de gerência do 2º caminho",
        id="redundant-without-second-path",
    ),
    pytest.param(
        "links.csv",
        "BHZ-0002,CT-001/2020,SEF,3106200,Rua 1,2,simple,2021-01-01,,10.1.0.300,,public",
        "links.csv:6: mgmt_ip: '10.1.0.300' não é um endereço IP",
        id="malformed-ip",
    ),
    pytest.param(
        "link_revisions.csv",
        "XYZ-0001,2022-01-10T14:00:00,8,,",
        "link_revisions.csv:5: circuit_id: acesso 'XYZ-0001' não cadastrado",
        id="unknown-circuit-id",
    ),
    pytest.param(
        "link_revisions.csv",
        "BHZ-0001,2022-01-10T14:00:59,16,,",
        "link_revisions.csv:5: circuit_id+effective_at: 'BHZ-0001 / 2022-01-10T14:00:59' "
        "repetido nas linhas 2 e 5",
        id="duplicate-revision-instant",
    ),
]


@pytest.mark.parametrize(("name", "line", "message"), BAD_ROWS)
def test_bad_row_is_reported_and_nothing_is_written(comma_dir, name, line, message):
    append(comma_dir, name, line)
    before = inventory_rows()

    assert import_errors(comma_dir) == [message]
    assert inventory_rows() == before


def test_decimal_point_in_a_decimal_comma_file_is_refused(tmp_path, municipalities, manager):
    directory = Path(shutil.copytree(FIXTURES / "semicolon", tmp_path / "semicolon"))
    append(directory, "prices.csv", "CT-001/2020;1;2;metro;simple;452.76;2020-06-01")

    assert import_errors(directory) == [
        "prices.csv:5: monthly_price: '452.76' não é um número com vírgula decimal (ex.: 1.234,56)"
    ]
    assert inventory_rows()["PriceItem"] == 0


def test_every_bad_row_and_column_is_reported(comma_dir):
    append(comma_dir, "carriers.csv", "gama,,11111111111111")
    append(comma_dir, "agencies.csv", "SEPLAG,Planejamento,05914650000166,sometimes,x@y.z,")
    append(comma_dir, "link_revisions.csv", "JFA-0001,amanhã,0,,")

    assert import_errors(comma_dir) == [
        "carriers.csv:4: name: campo obrigatório vazio",
        "carriers.csv:4: cnpj: CNPJ '11111111111111' inválido",
        "agencies.csv:4: participation: 'sometimes' não é válido; use compulsory ou optional",
        "agencies.csv:4: manager_email: 'x@y.z' não é um e-mail válido",
        "link_revisions.csv:5: effective_at: 'amanhã' não é uma data/hora ISO 8601",
        "link_revisions.csv:5: speed_mbps: deve ser ao menos 1",
    ]
    assert sum(inventory_rows().values()) == 0


def test_wrong_header_is_one_error_for_the_file(comma_dir):
    replace(comma_dir, "links.csv", "mgmt_ip_secondary,snmp_community", "snmp,mgmt_ip_2")

    errors = import_errors(comma_dir)

    assert errors == [
        "links.csv:1: cabeçalho: faltam as colunas mgmt_ip_secondary, snmp_community; colunas "
        "desconhecidas snmp, mgmt_ip_2 (esperado: circuit_id,contract,agency,ibge_code,address,"
        "speed_mbps,access_type,activated_at,cancelled_at,mgmt_ip,mgmt_ip_secondary,"
        "snmp_community)",
        # The revisions then name links that were never imported.
        "link_revisions.csv:2: circuit_id: acesso 'BHZ-0001' não cadastrado",
        "link_revisions.csv:3: circuit_id: acesso 'BHZ-0001' não cadastrado",
        "link_revisions.csv:4: circuit_id: acesso 'UDI-0001' não cadastrado",
    ]
    assert sum(inventory_rows().values()) == 0


def test_row_refused_by_the_database_is_reported_against_its_line(comma_dir):
    inventory_import(comma_dir)
    link = Link.objects.get(circuit_id="BHZ-0001")
    link.unit = AgencyUnitFactory(agency=link.agency, name="Cidade Administrativa")
    link.save()
    before = inventory_rows()
    # Moving the link to another agency would leave it in a unit of the old one.
    replace(comma_dir, "links.csv", "BHZ-0001,CT-001/2020,SEF", "BHZ-0001,CT-001/2020,SEE")
    append(comma_dir, "carriers.csv", "gama,Gama Telecom,05914650000166")

    assert import_errors(comma_dir) == [
        "links.csv:2: linha: recusado pelo banco de dados (restrição inventory_link_unit_of_agency)"
    ]
    assert inventory_rows() == before
    assert not Carrier.objects.filter(code="gama").exists()


def test_command_imports_and_reports_counts(comma_dir):
    out = StringIO()
    call_command("import_inventory", str(comma_dir), stdout=out)

    assert "links.csv: 4 criados, 0 alterado, 0 sem alteração" in out.getvalue()
    assert Link.objects.count() == 4


def test_command_fails_with_every_error_on_stderr(comma_dir):
    append(comma_dir, "carriers.csv", "gama,Gama Telecom,123")
    append(comma_dir, "links.csv", "X-1,CT-001/2020,SEF,3100104,Rua 1,2,simple,,,10.2.0.1,,")
    err = StringIO()

    with pytest.raises(CommandError, match="2 erro"):
        call_command("import_inventory", str(comma_dir), stderr=err)

    assert err.getvalue().splitlines() == [
        "carriers.csv:4: cnpj: CNPJ '123' deve ter 14 dígitos",
        "links.csv:6: ibge_code: o município 3100104 (Abadia dos Dourados) não pertence a "
        "nenhum lote do contrato CT-001/2020",
    ]
    assert sum(inventory_rows().values()) == 0


def test_command_refuses_a_directory_without_inventory_files(tmp_path, db):
    with pytest.raises(CommandError, match="nenhum arquivo de inventário"):
        call_command("import_inventory", str(tmp_path))
