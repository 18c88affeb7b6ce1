"""Writes the demo network in one transaction, so that a second run with the same arguments
changes nothing (and writes no audit rows).

Carriers, the contract, lots, agencies and users go through their services (upserts by natural
key that save only what changed). The large sets (lot coverage, price items, units, links and
their revisions) are compared with what is stored in one query each: missing rows are inserted
in bulk, rows that differ go through the services. The services check each row with many
queries (a full network took over 60 s that way here, against about 6 s in bulk, most of it
hashing the users' passwords); the database constraints hold the same invariants for the bulk
rows. Units and holidays have no service yet: they are created when missing, never rewritten.
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from inventory.choices import AccessType
from inventory.demo.catalog import (
    AGENCIES,
    CARRIERS,
    CONTRACT_END,
    CONTRACT_NUMBER,
    CONTRACT_REGIME,
    CONTRACT_START,
    CONTRACT_VALUE,
    DEMO_PASSWORD,
    HEADQUARTERS_UNIT,
    HOLIDAY_YEARS,
    LOTS,
    cnpj_from_sequence,
    optional_state_days,
)
from inventory.demo.plan import (
    SNMP_COMMUNITY,
    SPEEDS_MBPS,
    NetworkPlan,
    RevisionPlan,
    lot_partition,
    monthly_price,
    plan_network,
)
from inventory.models import (
    Agency,
    AgencyUnit,
    Carrier,
    Contract,
    Link,
    LinkRevision,
    Lot,
    LotMunicipality,
    Municipality,
    PriceItem,
)
from inventory.services import (
    agency_upsert,
    carrier_upsert,
    contract_upsert,
    link_revision_upsert,
    link_status_for,
    link_upsert,
    lot_municipality_add,
    lot_upsert,
    price_item_upsert,
)
from redegov.models import Holiday, User
from redegov.roles import Role
from redegov.services import user_create

CARRIER_CNPJ_OFFSET = 100
DEMO_AGENCY = "SEF"


@dataclass(frozen=True)
class DemoLogin:
    role: str  # screen label of the role
    username: str


@dataclass(frozen=True)
class DemoResult:
    contract: Contract
    logins: tuple[DemoLogin, ...]
    links_by_status: dict[str, int]
    municipalities_reached: int


def _carriers() -> dict[str, Carrier]:
    return {
        spec.code: carrier_upsert(
            code=spec.code,
            name=spec.name,
            cnpj=cnpj_from_sequence(CARRIER_CNPJ_OFFSET + number),
            ticket_email=spec.ticket_email,
        )
        for number, spec in enumerate(CARRIERS, start=1)
    }


def _lots(contract: Contract, carriers: dict[str, Carrier]) -> dict[int, Lot]:
    return {
        spec.number: lot_upsert(
            contract=contract,
            number=spec.number,
            name=spec.name,
            members=[(carriers[code], Decimal(share)) for code, share in spec.members],
        )
        for spec in LOTS
    }


def _coverage(
    contract: Contract,
    lots: dict[int, Lot],
    municipalities: list[Municipality],
    partition: dict[int, int],
) -> None:
    """Each municipality in its lot. Missing rows are inserted in bulk (853 calls of
    `lot_municipality_add` cost some 6 000 queries; the database's unique (contract,
    municipality) holds its rule); a municipality found in another lot goes through the service,
    which refuses it."""
    current = dict(
        LotMunicipality.objects.filter(contract=contract).values_list("municipality_id", "lot_id")
    )
    missing = []
    for municipality in municipalities:
        lot = lots[partition[municipality.ibge_code]]
        if municipality.ibge_code not in current:
            missing.append(LotMunicipality(contract=contract, lot=lot, municipality=municipality))
        elif current[municipality.ibge_code] != lot.pk:
            lot_municipality_add(lot=lot, municipality=municipality)
    LotMunicipality.objects.bulk_create(missing, batch_size=500)


def _prices(
    contract: Contract,
    lots: dict[int, Lot],
    municipalities: list[Municipality],
    partition: dict[int, int],
) -> None:
    """Price items from the contract's start for the regions each lot covers. Missing items are
    inserted in bulk; an item whose price differs goes through the service."""
    stored = {
        (item.lot_id, item.speed_mbps, item.region, item.access_type): item.monthly_price
        for item in PriceItem.objects.filter(lot__contract=contract, valid_from=CONTRACT_START)
    }
    regions = {(partition[m.ibge_code], m.region) for m in municipalities}
    missing = []
    for lot_number, region in sorted(regions):
        for speed in SPEEDS_MBPS:
            for access_type in AccessType.values:
                item = {
                    "lot": lots[lot_number],
                    "speed_mbps": speed,
                    "region": region,
                    "access_type": access_type,
                    "monthly_price": monthly_price(
                        speed_mbps=speed, region=region, access_type=access_type
                    ),
                    "valid_from": CONTRACT_START,
                }
                current = stored.get((lots[lot_number].pk, speed, region, access_type))
                if current is None:
                    missing.append(PriceItem(**item))
                elif current != item["monthly_price"]:
                    price_item_upsert(**item)
    PriceItem.objects.bulk_create(missing)


def _agencies() -> dict[str, Agency]:
    return {
        spec.code: agency_upsert(
            code=spec.code,
            name=spec.name,
            cnpj=cnpj_from_sequence(number),
            participation=spec.participation,
        )
        for number, spec in enumerate(AGENCIES, start=1)
    }


def _units(plan: NetworkPlan, agencies: dict[str, Agency]) -> dict[tuple[str, str], AgencyUnit]:
    """The units the plan names, inserted in bulk when missing (no service writes units yet);
    an existing unit is kept as it is, staff may have corrected its address."""
    units = {
        (unit.agency.code, unit.name): unit
        for unit in AgencyUnit.objects.filter(agency__in=agencies.values()).select_related("agency")
    }
    missing = {
        (unit.agency_code, unit.name): AgencyUnit(
            agency=agencies[unit.agency_code],
            name=unit.name,
            address=unit.address,
            municipality_id=unit.ibge_code,
        )
        for unit in plan.units
        if (unit.agency_code, unit.name) not in units
    }
    AgencyUnit.objects.bulk_create(missing.values(), batch_size=500)
    return units | missing


# What link_upsert writes, compared to tell an existing link that matches the plan.
LINK_FIELDS = (
    "contract_id",
    "agency_id",
    "unit_id",
    "municipality_id",
    "lot_id",
    "address",
    "speed_mbps",
    "access_type",
    "status",
    "activated_at",
    "cancelled_at",
    "mgmt_ip",
    "mgmt_ip_secondary",
    "snmp_community",
)


def _link_values(link: Link) -> tuple:
    return tuple(getattr(link, field) for field in LINK_FIELDS)


def _links(
    plan: NetworkPlan,
    contract: Contract,
    agencies: dict[str, Agency],
    units: dict[tuple[str, str], AgencyUnit],
    municipalities: dict[int, Municipality],
) -> None:
    """Links and their revisions. New ones are inserted in bulk (about fifteen queries a row in
    `link_upsert`), with their status from the service's own rule; the database holds the
    invariants the service checks (status matching the instants, a second path iff redundant, a
    unique management IP among live links, the lot covering the municipality in the contract).
    Links that differ from the plan, and their missing revisions, go through the services."""
    lot_of = dict(
        LotMunicipality.objects.filter(contract=contract).values_list("municipality_id", "lot_id")
    )
    existing = {link.circuit_id: link for link in Link.objects.filter(contract=contract)}
    revised = {
        (revision.link_id, revision.effective_at): revision.speed_mbps
        for revision in LinkRevision.objects.filter(link__contract=contract)
    }
    new_links: list[Link] = []
    new_revisions: list[tuple[Link, RevisionPlan]] = []
    for item in plan.links:
        fields = {
            "contract": contract,
            "agency": agencies[item.agency_code],
            "unit": units[item.agency_code, item.unit_name],
            "municipality": municipalities[item.ibge_code],
            "address": item.address,
            "speed_mbps": item.speed_mbps,
            "access_type": item.access_type,
            "activated_at": item.activated_at,
            "cancelled_at": item.cancelled_at,
            "mgmt_ip": item.mgmt_ip,
            "mgmt_ip_secondary": item.mgmt_ip_secondary,
            "snmp_community": SNMP_COMMUNITY,
        }
        wanted = Link(
            circuit_id=item.circuit_id,
            lot_id=lot_of[item.ibge_code],
            status=link_status_for(item.activated_at, item.cancelled_at),
            **fields,
        )
        link = existing.get(item.circuit_id)
        if link is None:
            new_links.append(wanted)
            new_revisions.extend((wanted, revision) for revision in item.revisions)
            continue
        if _link_values(link) != _link_values(wanted):
            link = link_upsert(circuit_id=item.circuit_id, **fields)
        for revision in item.revisions:
            if revised.get((link.pk, revision.effective_at)) != revision.speed_mbps:
                link_revision_upsert(
                    link=link, effective_at=revision.effective_at, speed_mbps=revision.speed_mbps
                )
    Link.objects.bulk_create(new_links, batch_size=500)
    LinkRevision.objects.bulk_create(
        [
            LinkRevision(
                link=link, effective_at=revision.effective_at, speed_mbps=revision.speed_mbps
            )
            for link, revision in new_revisions
        ],
        batch_size=500,
    )


def _user(username: str, role: str, **ties) -> User:
    """The demo user, created with the demo password when missing; an existing one is kept as
    it is (its password may have been changed on purpose)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(username=username, password=DEMO_PASSWORD, role=role, **ties)
    return user


def _users(
    agencies: dict[str, Agency],
    units: dict[tuple[str, str], AgencyUnit],
    carriers: dict[str, Carrier],
) -> tuple[DemoLogin, ...]:
    """One user per role (one per carrier), and the demo agency's manager and substitute."""
    agency = agencies[DEMO_AGENCY]
    code = DEMO_AGENCY.lower()
    manager = _user(f"gestor.{code}", Role.AGENCY_MANAGER, agency=agency)
    substitute = _user(f"substituto.{code}", Role.AGENCY_MANAGER, agency=agency)
    agency_upsert(
        code=agency.code,
        name=agency.name,
        cnpj=agency.cnpj,
        participation=agency.participation,
        manager=manager,
        substitute=substitute,
    )
    hq = units[DEMO_AGENCY, HEADQUARTERS_UNIT]
    staff = [
        (f"servidor.{code}", Role.AGENCY_UNIT, {"agency": agency, "unit": hq}),
        ("noc", Role.NOC, {}),
        ("ugs", Role.BILLING, {}),
        *((f"operadora.{c}", Role.CARRIER, {"carrier": carriers[c]}) for c in carriers),
        ("comite", Role.COMMITTEE, {}),
        ("juridico", Role.LEGAL, {}),
        ("autoridade", Role.AUTHORITY, {}),
        ("admin", Role.ADMIN, {}),
    ]
    for username, role, ties in staff:
        _user(username, role, **ties)
    roles = dict(Role.choices)
    return (
        DemoLogin(roles[Role.AGENCY_MANAGER], manager.username),
        DemoLogin(f"{roles[Role.AGENCY_MANAGER]} (substituto)", substitute.username),
        *(DemoLogin(roles[role], username) for username, role, _ in staff),
    )


def _holidays() -> None:
    for year in HOLIDAY_YEARS:
        for day, name in optional_state_days(year):
            Holiday.objects.get_or_create(
                date=day, defaults={"name": name, "kind": Holiday.Kind.OPTIONAL}
            )


@transaction.atomic
def seed_demo(*, links: int = 2800, seed: int = 1) -> DemoResult:
    """Build (or bring up to date) the demo network: the phase-3 contract, its 9 lots covering
    the 853 municipalities, carriers, agencies and units, the price table, `links` links, one
    user per role and the state's pontos facultativos. The same arguments give the same data;
    different arguments on an already seeded database may collide on management addresses:
    seed a fresh database instead.
    """
    municipalities = list(Municipality.objects.order_by("ibge_code"))
    plan = plan_network(municipalities, links=links, seed=seed)
    carriers = _carriers()
    contract = contract_upsert(
        number=CONTRACT_NUMBER,
        regime=CONTRACT_REGIME,
        start_date=CONTRACT_START,
        end_date=CONTRACT_END,
        value=CONTRACT_VALUE,
    )
    lots = _lots(contract, carriers)
    partition = lot_partition(municipalities)
    _coverage(contract, lots, municipalities, partition)
    _prices(contract, lots, municipalities, partition)
    agencies = _agencies()
    units = _units(plan, agencies)
    by_code = {m.ibge_code: m for m in municipalities}
    _links(plan, contract, agencies, units, by_code)
    logins = _users(agencies, units, carriers)
    _holidays()
    statuses = Counter(contract.links.values_list("status", flat=True))
    return DemoResult(
        contract=contract,
        logins=logins,
        links_by_status=dict(statuses),
        municipalities_reached=contract.links.live().values("municipality").distinct().count(),
    )
