"""Import of the network inventory from a directory of CSV files (docs/import.md).

The files are read in dependency order and written through the upsert services, all in one
transaction: one bad row anywhere and nothing is written, while every bad row is still reported.
Each row runs in its own savepoint, so a row the database refuses is reported against its line
and the rest go on being checked.
"""

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.csvimport import WHOLE_ROW, ErrorLog, Row, RowError, parse_number, read_rows
from core.instants import truncate_minute
from core.validators import normalize_cnpj
from inventory.choices import AccessType, Participation, Regime, Region
from inventory.models import (
    Agency,
    Carrier,
    Contract,
    Link,
    LinkRevision,
    Lot,
    LotMember,
    LotMunicipality,
    Municipality,
    PriceItem,
)
from inventory.services import (
    agency_unit_get_or_create,
    agency_upsert,
    carrier_upsert,
    contract_upsert,
    link_revision_upsert,
    link_upsert,
    lot_municipality_add,
    lot_upsert,
    price_item_upsert,
)
from people.services import person_invite
from redegov.models import User
from redegov.roles import Role


@dataclass
class FileCounts:
    """What the rows of one file did to the database."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def tally(self, before: tuple[Any, ...], after: tuple[Any, ...]) -> None:
        """Count a row from the state of what it writes before and after (first: its own
        table's row, absent when new)."""
        if not before[0]:
            self.created += 1
        elif before == after:
            self.unchanged += 1
        else:
            self.updated += 1


@dataclass
class ImportReport:
    """The files read with their counts, and every error found. With errors nothing was
    written (the counts then tell what would have been)."""

    files: dict[str, FileCounts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class _Plan:
    """A parsed row: its natural key (duplicates in one file are errors), the rows it writes
    (read before and after, to count it as created, updated or unchanged) and the write."""

    key: tuple[Any, ...]
    touches: tuple[QuerySet[Any], ...]
    write: Callable[[], models.Model]

    def state(self) -> tuple[tuple[Any, ...], ...]:
        return tuple(tuple(queryset.values_list()) for queryset in self.touches)


class _References:
    """Rows named by the files (written by an earlier file or already in the database), each
    read once. An unknown reference is an error on the row that names the value."""

    def __init__(self) -> None:
        self._found: dict[tuple[Any, ...], Any] = {}

    def get(self, row: Row, column: str, missing: str, model: type[Any], **lookup: Any) -> Any:
        memo = (model, *sorted(lookup.items()))
        if memo not in self._found:
            obj = model.objects.filter(**lookup).first()
            if obj is None:
                row.error(column, missing)
                return None
            self._found[memo] = obj
        return self._found[memo]

    def named(
        self,
        row: Row,
        column: str,
        model: type[Any],
        missing: str,
        *,
        lookup: str = "code",
        required: bool = True,
    ) -> Any:
        """The row whose `lookup` field is the column's text; `missing` formats its error."""
        value = row.text(column, required=required)
        if not value:
            return None
        return self.get(row, column, missing.format(value), model, **{lookup: value})

    def contract(self, row: Row, *, required: bool = True) -> Contract | None:
        return self.named(
            row,
            "contract",
            Contract,
            "contrato '{}' não cadastrado",
            lookup="number",
            required=required,
        )

    def carrier(self, row: Row, code: str) -> Carrier | None:
        return self.get(row, "members", f"operadora '{code}' não cadastrada", Carrier, code=code)

    def municipality(self, row: Row) -> Municipality | None:
        code = row.integer("ibge_code")
        if code is None:
            return None
        return self.get(
            row, "ibge_code", f"município IBGE {code} não existe", Municipality, ibge_code=code
        )

    def lot(self, row: Row, contract: Contract | None) -> Lot | None:
        number = row.integer("lot", minimum=1)
        if contract is None or number is None:
            return None
        missing = f"o contrato {contract.number} não tem lote {number}"
        return self.get(row, "lot", missing, Lot, contract=contract, number=number)

    def user(self, row: Row, column: str) -> Any:
        """The user of the column's e-mail, or the e-mail itself when nobody has it yet (the
        row then invites that person, docs/users.md)."""
        email = row.parse(column, _email, required=False)
        if not email:
            return None
        users = list(User.objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            row.error(column, f"mais de um usuário com o e-mail '{email}'")
            return None
        return users[0] if users else email


def _email(text: str) -> str:
    try:
        validate_email(text)
    except ValidationError as exc:
        raise ValueError(f"'{text}' não é um e-mail válido") from exc
    return text


def _ip_address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError as exc:
        raise ValueError(f"'{text}' não é um endereço IP") from exc


def _carrier(row: Row, refs: _References) -> _Plan | None:
    code, name = row.text("code"), row.text("name")
    cnpj = row.parse("cnpj", normalize_cnpj)
    if not row.ok:
        return None
    return _Plan(
        key=(code,),
        touches=(Carrier.objects.filter(code=code),),
        write=partial(carrier_upsert, code=code, name=name, cnpj=cnpj),
    )


def _agency(row: Row, refs: _References) -> _Plan | None:
    code, name = row.text("code"), row.text("name")
    cnpj = row.parse("cnpj", normalize_cnpj)
    participation = row.choice("participation", Participation.values)
    manager = refs.user(row, "manager_email")
    substitute = refs.user(row, "substitute_email")
    if not row.ok:
        return None
    invited = [email for email in (manager, substitute) if isinstance(email, str)]
    values = {"code": code, "name": name, "cnpj": cnpj, "participation": participation}
    return _Plan(
        key=(code,),
        touches=(
            Agency.objects.filter(code=code),
            *(User.objects.filter(email__iexact=email) for email in invited),
        ),
        write=partial(_agency_write, values, manager, substitute),
    )


def _agency_write(values: dict[str, Any], manager: Any, substitute: Any) -> Agency:
    """The agency, then its managers: an e-mail nobody has yet becomes an invited agency
    manager of this agency (people.services.person_invite)."""
    if not isinstance(manager, str) and not isinstance(substitute, str):
        return agency_upsert(**values, manager=manager, substitute=substitute)
    agency = agency_upsert(**values)
    now = timezone.now()
    managers = [
        person_invite(email=person, role=Role.AGENCY_MANAGER, agency=agency, now=now)
        if isinstance(person, str)
        else person
        for person in (manager, substitute)
    ]
    return agency_upsert(**values, manager=managers[0], substitute=managers[1])


def _user(row: Row, refs: _References) -> _Plan | None:
    email = row.parse("email", _email)
    role = row.choice("role", Role.values)
    agency = refs.named(row, "agency", Agency, "órgão '{}' não cadastrado", required=False)
    carrier = refs.named(row, "carrier", Carrier, "operadora '{}' não cadastrada", required=False)
    name = row.text("name", required=False, max_length=300)
    unit_name = row.text("unit", required=False, max_length=200)
    if not row.ok:
        return None
    return _Plan(
        key=(email.lower(),),
        touches=(
            User.objects.filter(email__iexact=email),
            User.groups.through.objects.filter(user__email__iexact=email),
        ),
        write=partial(
            _user_write,
            email=email,
            role=role,
            name=name,
            agency=agency,
            unit_name=unit_name,
            carrier=carrier,
            now=timezone.now(),
        ),
    )


def _user_write(*, agency: Agency | None, unit_name: str, **person: Any) -> User:
    """The person of a users.csv row, tied to the agency's unit of that name (created, name only,
    when the agency has none yet): people.services.person_invite."""
    unit = agency_unit_get_or_create(agency=agency, name=unit_name)
    return person_invite(agency=agency, unit=unit, **person)


def _contract(row: Row, refs: _References) -> _Plan | None:
    number = row.text("number")
    regime = row.choice("regime", Regime.values)
    start_date, end_date = row.date("start_date"), row.date("end_date")
    value = row.number("value")
    if not row.ok:
        return None
    return _Plan(
        key=(number,),
        touches=(Contract.objects.filter(number=number),),
        write=partial(
            contract_upsert,
            number=number,
            regime=regime,
            start_date=start_date,
            end_date=end_date,
            value=value,
        ),
    )


def _members(row: Row, refs: _References) -> list[tuple[Carrier, Decimal]]:
    """`CARRIER` alone, or `CARRIER:60;OTHER:40` with the leader first."""
    entries = [entry.strip() for entry in row.text("members").split(";")]
    members = []
    for entry in entries:
        code, colon, share_text = (part.strip() for part in entry.partition(":"))
        if not colon and len(entries) > 1:
            row.error("members", f"'{entry}': num consórcio cada operadora leva sua participação")
            continue
        try:
            share = parse_number(share_text, row.dialect) if colon else Decimal(100)
        except ValueError as exc:
            row.error("members", f"participação de '{code}': {exc}")
            continue
        carrier = refs.carrier(row, code)
        if carrier is not None:
            members.append((carrier, share))
    return members


def _lot(row: Row, refs: _References) -> _Plan | None:
    contract = refs.contract(row)
    number = row.integer("number", minimum=1)
    name = row.text("name")
    members = _members(row, refs) if row.text("members") else []
    if not row.ok:
        return None
    return _Plan(
        key=(contract.pk, number),
        touches=(
            Lot.objects.filter(contract=contract, number=number),
            LotMember.objects.filter(lot__contract=contract, lot__number=number),
        ),
        write=partial(lot_upsert, contract=contract, number=number, name=name, members=members),
    )


def _lot_municipality(row: Row, refs: _References) -> _Plan | None:
    contract = refs.contract(row)
    lot = refs.lot(row, contract)
    municipality = refs.municipality(row)
    if not row.ok:
        return None
    return _Plan(
        key=(contract.pk, municipality.pk),
        touches=(LotMunicipality.objects.filter(contract=contract, municipality=municipality),),
        write=partial(lot_municipality_add, lot=lot, municipality=municipality),
    )


def _price(row: Row, refs: _References) -> _Plan | None:
    lot = refs.lot(row, refs.contract(row))
    kind = {
        "speed_mbps": row.integer("speed_mbps", minimum=1),
        "region": row.choice("region", Region.values),
        "access_type": row.choice("access_type", AccessType.values),
        "valid_from": row.date("valid_from"),
    }
    monthly_price = row.number("monthly_price")
    if not row.ok:
        return None
    return _Plan(
        key=(lot.pk, *kind.values()),
        touches=(PriceItem.objects.filter(lot=lot, **kind),),
        write=partial(price_item_upsert, lot=lot, monthly_price=monthly_price, **kind),
    )


def _link(row: Row, refs: _References) -> _Plan | None:
    circuit_id = row.text("circuit_id")
    values = {
        "contract": refs.contract(row),
        "agency": refs.named(row, "agency", Agency, "órgão '{}' não cadastrado"),
        "municipality": refs.municipality(row),
        "address": row.text("address"),
        "speed_mbps": row.integer("speed_mbps", minimum=1),
        "access_type": row.choice("access_type", AccessType.values),
        "activated_at": row.instant("activated_at", required=False),
        "cancelled_at": row.instant("cancelled_at", required=False),
        "mgmt_ip": row.parse("mgmt_ip", _ip_address),
        "mgmt_ip_secondary": row.parse("mgmt_ip_secondary", _ip_address, required=False),
        "snmp_community": row.text("snmp_community", required=False),
    }
    if not row.ok:
        return None
    return _Plan(
        key=(circuit_id,),
        touches=(Link.objects.filter(circuit_id=circuit_id),),
        write=partial(link_upsert, circuit_id=circuit_id, **values),
    )


def _link_revision(row: Row, refs: _References) -> _Plan | None:
    link = refs.named(row, "circuit_id", Link, "acesso '{}' não cadastrado", lookup="circuit_id")
    effective_at = row.instant("effective_at")
    values = {
        "speed_mbps": row.integer("speed_mbps", minimum=1, required=False),
        "address": row.text("address", required=False),
        "contract": refs.contract(row, required=False),
    }
    if not row.ok:
        return None
    effective_at = truncate_minute(effective_at)
    return _Plan(
        key=(link.pk, effective_at),
        touches=(LinkRevision.objects.filter(link=link, effective_at=effective_at),),
        write=partial(link_revision_upsert, link=link, effective_at=effective_at, **values),
    )


@dataclass(frozen=True)
class _FileSpec:
    """One inventory file: its columns, the columns of its natural key, how a row becomes a
    plan, and which column answers for an error the services report on a model field."""

    name: str
    columns: tuple[str, ...]
    key_columns: tuple[str, ...]
    plan: Callable[[Row, _References], _Plan | None]
    field_columns: dict[str, str] = field(default_factory=dict)

    @property
    def key_label(self) -> str:
        return "+".join(self.key_columns)

    def column_for(self, model_field: str) -> str:
        column = self.field_columns.get(model_field, model_field)
        return column if column in self.columns else self.key_label


FILES = (
    _FileSpec("carriers.csv", ("code", "name", "cnpj"), ("code",), _carrier),
    _FileSpec(
        "agencies.csv",
        ("code", "name", "cnpj", "participation", "manager_email", "substitute_email"),
        ("code",),
        _agency,
        {"manager": "manager_email", "substitute": "substitute_email"},
    ),
    _FileSpec(
        "users.csv",
        ("email", "name", "role", "agency", "unit", "carrier"),
        ("email",),
        _user,
        {"groups": "role", "unit": "unit", "username": "email", "first_name": "name"},
    ),
    _FileSpec(
        "contracts.csv",
        ("number", "regime", "start_date", "end_date", "value"),
        ("number",),
        _contract,
    ),
    _FileSpec("lots.csv", ("contract", "number", "name", "members"), ("contract", "number"), _lot),
    _FileSpec(
        "lot_municipalities.csv",
        ("contract", "lot", "ibge_code"),
        ("contract", "ibge_code"),
        _lot_municipality,
        {"municipality": "ibge_code"},
    ),
    _FileSpec(
        "prices.csv",
        ("contract", "lot", "speed_mbps", "region", "access_type", "monthly_price", "valid_from"),
        ("contract", "lot", "speed_mbps", "region", "access_type", "valid_from"),
        _price,
    ),
    _FileSpec(
        "links.csv",
        (
            "circuit_id",
            "contract",
            "agency",
            "ibge_code",
            "address",
            "speed_mbps",
            "access_type",
            "activated_at",
            "cancelled_at",
            "mgmt_ip",
            "mgmt_ip_secondary",
            "snmp_community",
        ),
        ("circuit_id",),
        _link,
        {"municipality": "ibge_code", "lot": "ibge_code", "unit": "agency"},
    ),
    _FileSpec(
        "link_revisions.csv",
        ("circuit_id", "effective_at", "speed_mbps", "address", "contract"),
        ("circuit_id", "effective_at"),
        _link_revision,
        {"link": "circuit_id", "lot": "contract"},
    ),
)


def inventory_import(directory: Path) -> ImportReport:
    """Import the inventory files found in `directory` (docs/import.md), all or nothing.

    Returns the report; when it holds errors, the transaction was rolled back and nothing was
    written. The caller holds no transaction of its own or lets this one nest in it.
    """
    log = ErrorLog()
    report = ImportReport()
    references = _References()
    with transaction.atomic():
        # The composite foreign keys of migration 0003 are deferred to commit; checked at each
        # statement instead, a row they refuse is reported against its own line. The shares of
        # a consortium are the exception: its members are written one by one, and the sum is
        # checked by lot_upsert before and by the database at commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS inventory_lotmember_shares_sum_to_100 DEFERRED")
        for spec in FILES:
            path = directory / spec.name
            if path.is_file():
                report.files[spec.name] = _import_file(spec, path, references, log)
        if len(log):
            transaction.set_rollback(True)
    report.errors = log.errors
    return report


def _import_file(spec: _FileSpec, path: Path, references: _References, log: ErrorLog) -> FileCounts:
    counts = FileCounts()
    first_line: dict[tuple[Any, ...], int] = {}
    for row in read_rows(path, columns=spec.columns, log=log):
        plan = spec.plan(row, references)
        if plan is None:
            continue
        first = first_line.setdefault(plan.key, row.line)
        if first != row.line:
            shown = " / ".join(row.values[column].strip() for column in spec.key_columns)
            row.error(spec.key_label, f"'{shown}' repetido nas linhas {first} e {row.line}")
            continue
        before = plan.state()
        try:
            with transaction.atomic():
                plan.write()
        except ValidationError as exc:
            for model_field, messages in _messages_by_field(exc).items():
                for message in messages:
                    row.error(spec.column_for(model_field), message)
        except (IntegrityError, DataError) as exc:
            row.error(WHOLE_ROW, _refusal(exc))
        else:
            counts.tally(before, plan.state())
    return counts


def _messages_by_field(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}


def _refusal(exc: IntegrityError | DataError) -> str:
    """What PostgreSQL refused, by constraint name when there is one."""
    diag = getattr(exc.__cause__, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    if constraint:
        return f"recusado pelo banco de dados (restrição {constraint})"
    return f"recusado pelo banco de dados ({getattr(diag, 'message_primary', None) or exc})"
