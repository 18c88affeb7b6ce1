"""Writes to the inventory. Every service is an upsert by natural key that saves only what
changed, so that re-importing the same data changes nothing (and writes no audit rows)."""

from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from inventory.choices import AccessType, LinkStatus
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
from inventory.selectors import lot_for_municipality
from redegov.instants import truncate_minute
from redegov.validators import normalize_cnpj

HUNDRED = Decimal(100)
M = TypeVar("M", bound=models.Model)


def _upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
    else:
        changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if not changed:
            return obj
        for key, value in changed.items():
            setattr(obj, key, value)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def carrier_upsert(
    *, code: str, name: str, cnpj: str, ticket_email: str = "", ticket_webhook_url: str = ""
) -> Carrier:
    return _upsert(
        Carrier,
        {"code": code},
        {
            "name": name,
            "cnpj": normalize_cnpj(cnpj),
            "ticket_email": ticket_email,
            "ticket_webhook_url": ticket_webhook_url,
        },
    )


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
def contract_upsert(*, number: str, regime: str, start_date, end_date, value: Decimal) -> Contract:
    return _upsert(
        Contract,
        {"number": number},
        {"regime": regime, "start_date": start_date, "end_date": end_date, "value": value},
    )


@transaction.atomic
def lot_upsert(
    *, contract: Contract, number: int, name: str, members: list[tuple[Carrier, Decimal]]
) -> Lot:
    """A lot and its contractor: one carrier, or a consortium whose shares sum to 100%
    (the first member is the leader)."""
    if not members:
        raise ValidationError("o lote precisa de ao menos uma operadora")
    total = sum((share for _, share in members), Decimal(0))
    if total != HUNDRED:
        raise ValidationError(f"as participações do consórcio somam {total}%, não 100%")
    if len({carrier.pk for carrier, _ in members}) != len(members):
        raise ValidationError("a mesma operadora aparece duas vezes no consórcio")
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
                f"o município {municipality.ibge_code} já pertence a outro lote deste contrato"
            )
        return existing
    coverage = LotMunicipality(contract_id=lot.contract_id, lot=lot, municipality=municipality)
    coverage.full_clean()
    coverage.save()
    return coverage


@transaction.atomic
def price_item_upsert(
    *, lot: Lot, speed_mbps: int, region: str, access_type: str, monthly_price: Decimal, valid_from
) -> PriceItem:
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


def _covering_lot(contract: Contract, municipality: Municipality) -> Lot:
    lot = lot_for_municipality(contract=contract, ibge_code=municipality.ibge_code)
    if lot is None:
        raise ValidationError(
            f"o município {municipality.ibge_code} ({municipality.name}) não pertence a nenhum "
            f"lote do contrato {contract.number}"
        )
    return lot


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
    """A link with its lot derived from the municipality; instants truncated to the minute."""
    if access_type == AccessType.REDUNDANT and not mgmt_ip_secondary:
        raise ValidationError("acesso redundante precisa do IP de gerência do 2º caminho")
    if access_type == AccessType.SIMPLE and mgmt_ip_secondary:
        raise ValidationError("acesso simples não tem IP de gerência do 2º caminho")
    activated_at = truncate_minute(activated_at) if activated_at else None
    cancelled_at = truncate_minute(cancelled_at) if cancelled_at else None
    if cancelled_at and (activated_at is None or cancelled_at <= activated_at):
        raise ValidationError("cancelamento deve ser posterior à ativação")
    return _upsert(
        Link,
        {"circuit_id": circuit_id},
        {
            "contract": contract,
            "agency": agency,
            "unit": unit,
            "municipality": municipality,
            "lot": _covering_lot(contract, municipality),
            "address": address,
            "speed_mbps": speed_mbps,
            "access_type": access_type,
            "activated_at": activated_at,
            "cancelled_at": cancelled_at,
            "status": link_status_for(activated_at, cancelled_at),
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
    lot = _covering_lot(contract, link.municipality) if contract is not None else None
    return _upsert(
        LinkRevision,
        {"link": link, "effective_at": truncate_minute(effective_at)},
        {"speed_mbps": speed_mbps, "address": address, "contract": contract, "lot": lot},
    )
