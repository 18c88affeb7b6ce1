"""Writes to the inventory. Every service is an upsert by natural key that saves only what
changed, so that re-importing the same data changes nothing (and writes no audit rows).

Rule failures raise ValidationError keyed by the model field at fault, so that the CSV import
reports them against the right column."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.instants import truncate_minute
from core.validators import normalize_cnpj
from inventory.choices import AccessType, LinkStatus
from inventory.models import (
    Agency,
    AgencyUnit,
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
from inventory.selectors import lot_for_municipality

HUNDRED = Decimal(100)
M = TypeVar("M", bound=models.Model)


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    """Whether a field holds another value; a related row is compared by its key, without a
    query to load it."""
    if isinstance(value, models.Model):
        return getattr(obj, obj._meta.get_field(name).attname) != value.pk
    return getattr(obj, name) != value


def _upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
    else:
        changed = {k: v for k, v in values.items() if _differs(obj, k, v)}
        if not changed:
            return obj
        for key, value in changed.items():
            setattr(obj, key, value)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def carrier_upsert(
    *,
    code: str,
    name: str,
    cnpj: str,
    ticket_email: str | None = None,
    ticket_webhook_url: str | None = None,
) -> Carrier:
    """A carrier; a ticket channel left as None keeps what staff set in the admin."""
    values: dict[str, Any] = {"name": name, "cnpj": normalize_cnpj(cnpj)}
    if ticket_email is not None:
        values["ticket_email"] = ticket_email
    if ticket_webhook_url is not None:
        values["ticket_webhook_url"] = ticket_webhook_url
    return _upsert(Carrier, {"code": code}, values)


@transaction.atomic
def agency_upsert(
    *, code: str, name: str, cnpj: str, participation: str, manager=None, substitute=None
) -> Agency:
    values: dict[str, Any] = {
        "name": name,
        "cnpj": normalize_cnpj(cnpj),
        "participation": participation,
    }
    if manager is not None:
        values["manager"] = manager
    if substitute is not None:
        values["substitute"] = substitute
    return _upsert(Agency, {"code": code}, values)


@transaction.atomic
def agency_unit_get_or_create(*, agency: Agency | None, name: str) -> AgencyUnit | None:
    """The agency's unit of that name, created (name only) when the agency has none yet."""
    if agency is None or not name:
        return None
    unit = AgencyUnit.objects.filter(agency=agency, name=name).first()
    if unit is None:
        unit = AgencyUnit(agency=agency, name=name)
        unit.full_clean()
        unit.save()
    return unit


def contract_upsert(
    *, number: str, regime: str, start_date: date, end_date: date, value: Decimal
) -> Contract:
    if end_date <= start_date:
        raise ValidationError({"end_date": "o fim da vigência deve ser posterior ao início"})
    if value < 0:
        raise ValidationError({"value": "o valor do contrato não pode ser negativo"})
    return _upsert(
        Contract,
        {"number": number},
        {"regime": regime, "start_date": start_date, "end_date": end_date, "value": value},
    )


def lot_shares_check(shares: list[Decimal]) -> None:
    """A lot's contractor is one carrier or a consortium: at least one member, every share
    positive, and the shares sum to exactly 100%."""
    if not shares:
        raise ValidationError({"members": "o lote precisa de ao menos uma operadora"})
    if any(share <= 0 for share in shares):
        raise ValidationError({"members": "toda participação deve ser maior que zero"})
    total = sum(shares, Decimal(0))
    if total != HUNDRED:
        raise ValidationError(
            {"members": f"as participações do consórcio somam {total}%, não 100%"}
        )


@transaction.atomic
def lot_upsert(
    *, contract: Contract, number: int, name: str, members: list[tuple[Carrier, Decimal]]
) -> Lot:
    """A lot and its contractor: one carrier, or a consortium whose shares sum to 100%
    (the first member is the leader)."""
    lot_shares_check([share for _, share in members])
    if len({carrier.pk for carrier, _ in members}) != len(members):
        raise ValidationError({"members": "a mesma operadora aparece duas vezes no consórcio"})
    lot = _upsert(Lot, {"contract": contract, "number": number}, {"name": name})
    wanted = [(carrier.pk, share, position) for position, (carrier, share) in enumerate(members)]
    current = list(lot.members.order_by("position").values_list("carrier_id", "share", "position"))
    if current != wanted:
        lot.members.all().delete()
        for carrier_id, share, position in wanted:
            member = LotMember(lot=lot, carrier_id=carrier_id, share=share, position=position)
            member.full_clean()
            member.save()
    return lot


@transaction.atomic
def lot_municipality_add(*, lot: Lot, municipality: Municipality) -> LotMunicipality:
    existing = LotMunicipality.objects.filter(
        contract_id=lot.contract_id, municipality=municipality
    ).first()
    if existing is not None:
        if existing.lot_id != lot.pk:
            raise ValidationError(
                {
                    "municipality": f"o município {municipality.ibge_code} já pertence ao "
                    f"{existing.lot} deste contrato"
                }
            )
        return existing
    coverage = LotMunicipality(contract_id=lot.contract_id, lot=lot, municipality=municipality)
    coverage.full_clean()
    coverage.save()
    return coverage


@transaction.atomic
def price_item_upsert(
    *,
    lot: Lot,
    speed_mbps: int,
    region: str,
    access_type: str,
    monthly_price: Decimal,
    valid_from: date,
) -> PriceItem:
    if monthly_price <= 0:
        raise ValidationError({"monthly_price": "o preço mensal deve ser maior que zero"})
    return _upsert(
        PriceItem,
        {
            "lot": lot,
            "speed_mbps": speed_mbps,
            "region": region,
            "access_type": access_type,
            "valid_from": valid_from,
        },
        {"monthly_price": monthly_price},
    )


def link_status_for(activated_at: datetime | None, cancelled_at: datetime | None) -> str:
    if cancelled_at is not None:
        return LinkStatus.CANCELLED
    if activated_at is not None:
        return LinkStatus.ACTIVE
    return LinkStatus.ORDERED


def covering_lot(contract: Contract, municipality: Municipality, *, field: str) -> Lot:
    lot = lot_for_municipality(contract=contract, ibge_code=municipality.ibge_code)
    if lot is None:
        raise ValidationError(
            {
                field: f"o município {municipality.ibge_code} ({municipality.name}) não pertence "
                f"a nenhum lote do contrato {contract.number}"
            }
        )
    return lot


def _check_mgmt_ip_free(circuit_id: str, mgmt_ip: str) -> None:
    """A live link's management IP is its own (the database holds the same rule); said here
    first to name the link that already has it."""
    holder = (
        Link.objects.exclude(status=LinkStatus.CANCELLED)
        .exclude(circuit_id=circuit_id)
        .filter(mgmt_ip=mgmt_ip)
        .values_list("circuit_id", flat=True)
        .first()
    )
    if holder is not None:
        raise ValidationError(
            {"mgmt_ip": f"o IP de gerência {mgmt_ip} já é usado pelo acesso {holder}"}
        )


@transaction.atomic
def link_upsert(
    *,
    circuit_id: str,
    contract: Contract,
    agency: Agency,
    municipality: Municipality,
    address: str,
    speed_mbps: int,
    access_type: str,
    activated_at: datetime | None,
    cancelled_at: datetime | None,
    mgmt_ip: str,
    mgmt_ip_secondary: str | None = None,
    snmp_community: str = "public",
    unit=None,
) -> Link:
    """A link with its lot derived from the municipality; instants truncated to the minute.
    A unit left as None keeps the one staff set (the unit must belong to the agency)."""
    if access_type == AccessType.REDUNDANT and not mgmt_ip_secondary:
        raise ValidationError(
            {"mgmt_ip_secondary": "acesso redundante precisa do IP de gerência do 2º caminho"}
        )
    if access_type == AccessType.SIMPLE and mgmt_ip_secondary:
        raise ValidationError(
            {"mgmt_ip_secondary": "acesso simples não tem IP de gerência do 2º caminho"}
        )
    activated_at = truncate_minute(activated_at) if activated_at else None
    cancelled_at = truncate_minute(cancelled_at) if cancelled_at else None
    if cancelled_at and (activated_at is None or cancelled_at <= activated_at):
        raise ValidationError({"cancelled_at": "cancelamento deve ser posterior à ativação"})
    status = link_status_for(activated_at, cancelled_at)
    if status != LinkStatus.CANCELLED:
        _check_mgmt_ip_free(circuit_id, mgmt_ip)
    values: dict[str, Any] = {"unit": unit} if unit is not None else {}
    return _upsert(
        Link,
        {"circuit_id": circuit_id},
        {
            **values,
            "contract": contract,
            "agency": agency,
            "municipality": municipality,
            "lot": covering_lot(contract, municipality, field="municipality"),
            "address": address,
            "speed_mbps": speed_mbps,
            "access_type": access_type,
            "activated_at": activated_at,
            "cancelled_at": cancelled_at,
            "status": status,
            "mgmt_ip": mgmt_ip,
            "mgmt_ip_secondary": mgmt_ip_secondary or None,
            "snmp_community": snmp_community or "public",
        },
    )


@transaction.atomic
def link_revision_upsert(
    *,
    link: Link,
    effective_at: datetime,
    speed_mbps: int | None = None,
    address: str = "",
    contract: Contract | None = None,
) -> LinkRevision:
    """A dated change of a link (speed, address record or contract), keyed by its instant."""
    if speed_mbps is None and not address and contract is None:
        raise ValidationError("a alteração não muda nada (velocidade, endereço e contrato vazios)")
    lot = (
        covering_lot(contract, link.municipality, field="contract")
        if contract is not None
        else None
    )
    return _upsert(
        LinkRevision,
        {"link": link, "effective_at": truncate_minute(effective_at)},
        {"speed_mbps": speed_mbps, "address": address, "contract": contract, "lot": lot},
    )
