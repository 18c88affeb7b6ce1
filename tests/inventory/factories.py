"""Factories for the inventory. Municipalities come from the shipped reference data
(the `municipalities` fixture loads them); everything else is made here. Users are people's
(tests/people/factories.py)."""

from datetime import date, datetime
from decimal import Decimal

import factory
from django.db import transaction

from inventory.choices import AccessType, LinkStatus, Participation, Regime
from inventory.models import (
    Agency,
    AgencyUnit,
    Carrier,
    Contract,
    Link,
    Lot,
    LotMember,
    LotMunicipality,
    Municipality,
    PriceItem,
)
from tests.support.time import SP

BELO_HORIZONTE = 3106200
CONTAGEM = 3118601
UBERLANDIA = 3170206
JUIZ_DE_FORA = 3136702


def make_cnpj(n: int) -> str:
    """A valid CNPJ (with check digits) built from a sequence number."""
    base = f"{n:08d}0001"
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        remainder = sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11
        base += "0" if remainder < 2 else str(11 - remainder)
    return base


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier

    code = factory.Sequence(lambda n: f"carrier{n}")
    name = factory.Sequence(lambda n: f"Operadora {n}")
    cnpj = factory.Sequence(lambda n: make_cnpj(10_000 + n))
    ticket_email = factory.LazyAttribute(lambda o: f"noc@{o.code}.example")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.Sequence(lambda n: f"Secretaria de Estado {n}")
    cnpj = factory.Sequence(lambda n: make_cnpj(20_000 + n))
    participation = Participation.COMPULSORY


class AgencyUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyUnit

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Unidade {n}")
    address = "Rodovia Papa João Paulo II, 4001"


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    number = factory.Sequence(lambda n: f"CT-{n:03d}/2020")
    regime = Regime.LEI_14133
    start_date = date(2020, 1, 1)
    end_date = date(2030, 12, 31)
    value = Decimal("96055953.00")


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    contract = factory.SubFactory(ContractFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Região {n}")


def lot_with(
    *, contract: Contract, number: int, members: list[tuple[Carrier, str]], ibge_codes: list[int]
) -> Lot:
    """A lot awarded to `members` (carrier, share %) covering the given municipalities."""
    lot = LotFactory(contract=contract, number=number)
    # One transaction: the database checks at commit that the shares sum to 100%.
    with transaction.atomic():
        for position, (carrier, share) in enumerate(members):
            LotMember.objects.create(
                lot=lot, carrier=carrier, share=Decimal(share), position=position
            )
    for code in ibge_codes:
        LotMunicipality.objects.create(contract=contract, lot=lot, municipality_id=code)
    return lot


class PriceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceItem

    speed_mbps = 4
    region = "metro"
    access_type = AccessType.SIMPLE
    monthly_price = Decimal("905.52")
    valid_from = date(2020, 1, 1)


class LinkFactory(factory.django.DjangoModelFactory):
    """A link active since 2024; pass `lot` and `municipality` consistent with each other."""

    class Meta:
        model = Link

    circuit_id = factory.Sequence(lambda n: f"MG-{n:06d}")
    lot = None
    contract = factory.LazyAttribute(lambda o: o.lot.contract)
    agency = factory.SubFactory(AgencyFactory)
    municipality = factory.LazyAttribute(lambda o: Municipality.objects.get(pk=BELO_HORIZONTE))
    address = factory.Sequence(lambda n: f"Rua dos Guajajaras, {n + 1}")
    speed_mbps = 4
    access_type = AccessType.SIMPLE
    status = LinkStatus.ACTIVE
    activated_at = datetime(2024, 1, 1, tzinfo=SP)
    cancelled_at = None
    mgmt_ip = factory.Sequence(lambda n: f"127.10.{n // 250}.{n % 250 + 1}")
