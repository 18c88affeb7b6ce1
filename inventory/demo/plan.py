"""The demo network as pure data, drawn deterministically: the same arguments give the same plan,
whatever day or machine it runs on. Nothing here touches the database (`inventory.demo.build`
writes the plan through the inventory services).

Randomness comes only from `random.Random` instances seeded with a string derived from the seed
and a purpose (seeding with a string hashes it with SHA-512, independently of PYTHONHASHSEED), so
one concern drawing more numbers never shifts another's draws.
"""

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Protocol

from core.instants import LOCAL_TZ
from core.money import round_brl
from inventory.choices import AccessType, Region
from inventory.demo.catalog import (
    AGENCIES,
    BELO_HORIZONTE,
    BH_DISTRICTS,
    BH_STREETS,
    CIDADE_ADMINISTRATIVA,
    CONTRACT_START,
    DEMO_AS_OF,
    DISTRICTS,
    HEADQUARTERS_UNIT,
    HUBS,
    LOTS,
    PRICE_1_MBPS_INTERIOR,
    PRICE_1_MBPS_METRO,
    STREETS,
    AgencySpec,
)

RMBH_LOT = 1
# cos(19° S), the middle of Minas Gerais: makes a degree of longitude comparable to one of
# latitude when measuring which anchor city is nearest.
LONGITUDE_SCALE = 0.9455

# Price table. The monthly price grows with the speed to the power 0.4:
#   price(s) = price of 1 Mbps in the region x s ** 0.4   [x 1.8 for a redundant access]
# so the price per Mbps falls as s ** -0.6 (100 Mbps costs 6.3 times 1 Mbps; 1 000 Mbps, 15.8
# times). With the speeds drawn below, 2 800 links cost about R$ 1,65 million a month: some
# R$ 99 million over five years, the order of the contract's R$ 96 million. A redundant access
# is two physical paths billed as one item: 1.8 times the simple one (the paths share the CPE
# and its management). Decimal arithmetic, each price rounded once, half-up, to the centavo.
SPEEDS_MBPS = (1, 2, 4, 6, 8, 10, 20, 30, 50, 100, 200, 500, 1000)
SCALE_EXPONENT = Decimal("0.4")
REDUNDANT_FACTOR = Decimal("1.8")

# Links: speeds weighted to the small ones; about 10% redundant (more among fast links).
SPEED_WEIGHTS = (8, 36, 60, 20, 24, 24, 12, 5, 5, 3, 1, 1, 1)
FAST_MBPS = 100
REDUNDANT_SHARE_SLOW = 0.07
REDUNDANT_SHARE_FAST = 0.35
CANCELLED_SHARE = 0.025
ORDERED_SHARE = 0.015
# Most links came from phase 2 and were migrated in the first months of the contract.
MIGRATION_SHARE = 0.65
MIGRATION_DAYS = 180
SPEED_CHANGE_SHARE = 0.08
SECOND_CHANGE_SHARE = 0.2  # of the links that changed speed once
MIN_DAYS_BEFORE_CHANGE = 60

# Reach: the article's 2 800 links in 412 municipalities; here 31 municipalities per 200 links
# (434 for 2 800), each reached one at least, the rest of the links drawn by weight.
REACH_PER_200_LINKS = 31
WEIGHT_CAPITAL = 120
WEIGHT_HUB = 10
WEIGHT_RMBH = 5
WEIGHT_OTHER = 1

# Management addresses on loopback (the simulator answers there): 127.100.x.y for the link,
# 127.101.x.y for the second path of a redundant access; y in 1..250.
HOSTS_PER_OCTET = 250
MAX_LINKS = HOSTS_PER_OCTET * 256
SNMP_COMMUNITY = "public"


class Place(Protocol):
    """What the plan needs of a municipality (a `Municipality` row fits)."""

    ibge_code: int
    name: str
    rmbh: bool
    latitude: Decimal
    longitude: Decimal


def lot_partition(places: Iterable[Place]) -> dict[int, int]:
    """The lot number of every municipality: the RMBH's form lot 1, every other goes to the
    lot of its nearest anchor city (ties to the lower lot number)."""
    places = list(places)
    by_code = {place.ibge_code: place for place in places}
    anchors = [(spec.number, by_code[code]) for spec in LOTS for code in spec.anchors]

    def distance2(a: Place, b: Place) -> float:
        dlat = float(a.latitude - b.latitude)
        dlon = float(a.longitude - b.longitude) * LONGITUDE_SCALE
        return dlat * dlat + dlon * dlon

    return {
        place.ibge_code: RMBH_LOT
        if place.rmbh
        else min(anchors, key=lambda anchor: (distance2(place, anchor[1]), anchor[0]))[0]
        for place in places
    }


def monthly_price(*, speed_mbps: int, region: str, access_type: str) -> Decimal:
    """The demo's monthly price of an access (the formula is explained above SPEEDS_MBPS)."""
    base = PRICE_1_MBPS_METRO if region == Region.METRO else PRICE_1_MBPS_INTERIOR
    price = base * Decimal(speed_mbps) ** SCALE_EXPONENT
    if access_type == AccessType.REDUNDANT:
        price *= REDUNDANT_FACTOR
    return round_brl(price)


def link_municipalities(places: Sequence[Place], *, count: int, seed: int) -> list[int]:
    """The municipality (IBGE code) of each of `count` links, sorted.

    Reaches 31 municipalities per 200 links: Belo Horizonte, then the regional hubs, then the
    rest of the RMBH, then the interior in a seeded order; each reached municipality gets one
    link, and the others are drawn by weight (the capital most, then hubs, then the RMBH).
    """
    rng = random.Random(f"{seed}:municipalities")  # noqa: S311 - demo data, not security
    codes = sorted(place.ibge_code for place in places)
    rmbh = {place.ibge_code for place in places if place.rmbh}
    first = [BELO_HORIZONTE, *HUBS]
    rest = [code for code in codes if code not in first]
    interior = [code for code in rest if code not in rmbh]
    rng.shuffle(interior)
    order = first + [code for code in rest if code in rmbh] + interior
    reached = order[: min(len(order), count, max(1, count * REACH_PER_200_LINKS // 200))]

    def weight(code: int) -> int:
        if code == BELO_HORIZONTE:
            return WEIGHT_CAPITAL
        if code in HUBS:
            return WEIGHT_HUB
        return WEIGHT_RMBH if code in rmbh else WEIGHT_OTHER

    extra = rng.choices(reached, weights=[weight(c) for c in reached], k=count - len(reached))
    return sorted(reached + extra)


@dataclass(frozen=True)
class UnitPlan:
    agency_code: str
    name: str
    ibge_code: int
    address: str


@dataclass(frozen=True)
class RevisionPlan:
    effective_at: datetime
    speed_mbps: int


@dataclass(frozen=True)
class LinkPlan:
    circuit_id: str
    ibge_code: int
    agency_code: str
    unit_name: str
    address: str
    speed_mbps: int
    access_type: str
    activated_at: datetime | None
    cancelled_at: datetime | None
    mgmt_ip: str
    mgmt_ip_secondary: str | None
    revisions: tuple[RevisionPlan, ...]


@dataclass(frozen=True)
class NetworkPlan:
    units: tuple[UnitPlan, ...]
    links: tuple[LinkPlan, ...]


def _address(rng: random.Random, ibge_code: int) -> str:
    streets, districts = (
        (BH_STREETS, BH_DISTRICTS) if ibge_code == BELO_HORIZONTE else (STREETS, DISTRICTS)
    )
    return f"{rng.choice(streets)}, {rng.randrange(10, 3000)} - {rng.choice(districts)}"


def _workday_instant(rng: random.Random, first: date, last: date) -> datetime:
    """A local instant in business hours on a weekday from `first` to `last` (moved past a
    weekend, so up to two days later; `first` itself when `last` is not after it)."""
    day = first + timedelta(days=rng.randrange(max(0, (last - first).days) + 1))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    minute = rng.randrange(8 * 60, 18 * 60)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=LOCAL_TZ)


def _next_speed(rng: random.Random, speed: int) -> int:
    """An upgrade to the next speed of the table, or now and then a downgrade."""
    index = SPEEDS_MBPS.index(speed)
    if index == len(SPEEDS_MBPS) - 1 or (index > 1 and rng.random() < 0.15):
        return SPEEDS_MBPS[index - 1]
    return SPEEDS_MBPS[index + 1]


def _lifetime(rng: random.Random) -> tuple[datetime | None, datetime | None]:
    """Activation and cancellation instants: a few links still ordered, a few cancelled."""
    last_day = DEMO_AS_OF - timedelta(days=3)  # room for a weekend shift and a cancellation
    draw = rng.random()
    if draw < ORDERED_SHARE:
        return None, None
    if rng.random() < MIGRATION_SHARE:
        activated = _workday_instant(
            rng, CONTRACT_START, CONTRACT_START + timedelta(days=MIGRATION_DAYS)
        )
    else:
        activated = _workday_instant(rng, CONTRACT_START, last_day)
    if draw < ORDERED_SHARE + CANCELLED_SHARE:
        return activated, _workday_instant(rng, activated.date() + timedelta(days=1), last_day)
    return activated, None


def _revisions(
    rng: random.Random, speed: int, activated: datetime | None, cancelled: datetime | None
) -> tuple[RevisionPlan, ...]:
    if activated is None or rng.random() >= SPEED_CHANGE_SHARE:
        return ()
    changes = 2 if rng.random() < SECOND_CHANGE_SHARE else 1
    revisions: list[RevisionPlan] = []
    start = activated.date() + timedelta(days=MIN_DAYS_BEFORE_CHANGE)
    end = (cancelled.date() if cancelled else DEMO_AS_OF) - timedelta(days=3)
    for _ in range(changes):
        if start >= end:
            break
        at = _workday_instant(rng, start, end)
        speed = _next_speed(rng, speed)
        revisions.append(RevisionPlan(effective_at=at, speed_mbps=speed))
        start = at.date() + timedelta(days=MIN_DAYS_BEFORE_CHANGE)
    return tuple(revisions)


def _unit_name(spec: AgencySpec, place: Place) -> str:
    if place.ibge_code == BELO_HORIZONTE:
        return HEADQUARTERS_UNIT
    return spec.unit.format(m=place.name)


def _loopback(prefix: str, index: int) -> str:
    return f"{prefix}.{index // HOSTS_PER_OCTET}.{index % HOSTS_PER_OCTET + 1}"


def plan_network(places: Sequence[Place], *, links: int, seed: int) -> NetworkPlan:
    """Units and links of the demo network (see the module docstring for determinism).

    Every agency has its headquarters unit in Belo Horizonte; a link outside the capital belongs
    to its agency's regional unit in that municipality. Agencies without sites in the interior
    only get links in the RMBH.
    """
    if not 0 < links <= MAX_LINKS:
        raise ValueError(f"links must be between 1 and {MAX_LINKS}")
    rng = random.Random(f"{seed}:links")  # noqa: S311 - demo data, not security
    by_code = {place.ibge_code: place for place in places}
    capital = by_code[BELO_HORIZONTE]
    units: dict[tuple[str, str], UnitPlan] = {
        (spec.code, HEADQUARTERS_UNIT): UnitPlan(
            spec.code, HEADQUARTERS_UNIT, capital.ibge_code, CIDADE_ADMINISTRATIVA
        )
        for spec in AGENCIES
    }
    statewide = [spec for spec in AGENCIES if spec.statewide]
    ordinals: Counter[int] = Counter()
    plans: list[LinkPlan] = []
    for index, code in enumerate(link_municipalities(places, count=links, seed=seed)):
        place = by_code[code]
        candidates = AGENCIES if place.rmbh else statewide
        agency = rng.choices(candidates, weights=[spec.weight for spec in candidates])[0]
        unit_name = _unit_name(agency, place)
        if (agency.code, unit_name) not in units:
            units[agency.code, unit_name] = UnitPlan(
                agency.code, unit_name, code, _address(rng, code)
            )
        speed = rng.choices(SPEEDS_MBPS, weights=SPEED_WEIGHTS)[0]
        redundant_share = REDUNDANT_SHARE_FAST if speed >= FAST_MBPS else REDUNDANT_SHARE_SLOW
        redundant = rng.random() < redundant_share
        activated, cancelled = _lifetime(rng)
        ordinals[code] += 1
        plans.append(
            LinkPlan(
                circuit_id=f"RG-{code}-{ordinals[code]:03d}",
                ibge_code=code,
                agency_code=agency.code,
                unit_name=unit_name,
                address=_address(rng, code),
                speed_mbps=speed,
                access_type=AccessType.REDUNDANT if redundant else AccessType.SIMPLE,
                activated_at=activated,
                cancelled_at=cancelled,
                mgmt_ip=_loopback("127.100", index),
                mgmt_ip_secondary=_loopback("127.101", index) if redundant else None,
                revisions=_revisions(rng, speed, activated, cancelled),
            )
        )
    return NetworkPlan(units=tuple(units.values()), links=tuple(plans))
