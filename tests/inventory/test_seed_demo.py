"""The demo network (`manage.py seed_demo`): deterministic, idempotent and shaped like the
article's phase-3 network."""

import hashlib
import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.test import Client
from django.urls import reverse

from core.validators import normalize_cnpj
from inventory.choices import AccessType, LinkStatus, Region
from inventory.demo.build import seed_demo
from inventory.demo.catalog import (
    BELO_HORIZONTE,
    CONTRACT_NUMBER,
    DEMO_PASSWORD,
    PORTAL_URL,
    cnpj_from_sequence,
)
from inventory.demo.plan import lot_partition, plan_network
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
from inventory.reference_data import MUNICIPALITY_COUNT, municipality_records
from redegov.models import Holiday, User
from redegov.roles import Role

SMALL = 200


class Rollback(Exception):
    pass


def content_hash() -> str:
    """Everything the demo writes, by natural keys (never by primary keys, which a rolled-back
    run consumes) and without password hashes (salted anew on every creation)."""
    rows = {
        "carriers": Carrier.objects.values_list("code", "name", "cnpj", "ticket_email"),
        "contracts": Contract.objects.values_list(
            "number", "regime", "start_date", "end_date", "value"
        ),
        "lots": Lot.objects.values_list("number", "name"),
        "members": LotMember.objects.values_list(
            "lot__number", "carrier__code", "share", "position"
        ),
        "coverage": LotMunicipality.objects.values_list("lot__number", "municipality_id"),
        "prices": PriceItem.objects.values_list(
            "lot__number", "speed_mbps", "region", "access_type", "monthly_price", "valid_from"
        ),
        "agencies": Agency.objects.values_list(
            "code", "name", "cnpj", "participation", "manager__username", "substitute__username"
        ),
        "units": AgencyUnit.objects.values_list(
            "agency__code", "name", "address", "municipality_id"
        ),
        "links": Link.objects.values_list(
            "circuit_id",
            "agency__code",
            "unit__name",
            "municipality_id",
            "lot__number",
            "address",
            "speed_mbps",
            "access_type",
            "status",
            "activated_at",
            "cancelled_at",
            "mgmt_ip",
            "mgmt_ip_secondary",
            "snmp_community",
        ),
        "revisions": LinkRevision.objects.values_list(
            "link__circuit_id", "effective_at", "speed_mbps"
        ),
        "users": User.objects.values_list(
            "username", "groups__name", "agency__code", "unit__name", "carrier__code"
        ),
        "holidays": Holiday.objects.values_list("date", "name", "kind"),
    }
    dump = {name: sorted(map(list, qs), key=repr) for name, qs in rows.items()}
    return hashlib.sha256(json.dumps(dump, default=str).encode()).hexdigest()


def counts() -> dict[str, int]:
    models = (Carrier, Lot, LotMunicipality, PriceItem, Agency, AgencyUnit, Link, LinkRevision)
    return {model.__name__: model.objects.count() for model in (*models, User, Holiday)}


def audit_events() -> int:
    return sum(model.pgh_event_model.objects.count() for model in (Link, Agency, PriceItem, Lot))


@pytest.fixture
def seeded(municipalities):
    return seed_demo(links=SMALL, seed=1)


@pytest.mark.django_db
def test_seeding_twice_changes_nothing(seeded):
    before = (counts(), content_hash(), audit_events())
    seed_demo(links=SMALL, seed=1)
    assert (counts(), content_hash(), audit_events()) == before
    assert Link.objects.count() == SMALL


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_network(municipalities):
    with pytest.raises(Rollback), transaction.atomic():
        seed_demo(links=SMALL, seed=7)
        first = content_hash()
        raise Rollback
    assert not Link.objects.exists()
    seed_demo(links=SMALL, seed=7)
    assert content_hash() == first


def test_the_plan_depends_on_the_seed_only():
    places = _places()
    assert plan_network(places, links=SMALL, seed=3) == plan_network(places, links=SMALL, seed=3)
    assert plan_network(places, links=SMALL, seed=3) != plan_network(places, links=SMALL, seed=4)


@pytest.mark.django_db
def test_nine_lots_cover_every_municipality_exactly_once(seeded):
    contract = Contract.objects.get(number=CONTRACT_NUMBER)
    assert contract.lots.count() == 9
    coverage = LotMunicipality.objects.filter(contract=contract)
    assert coverage.count() == MUNICIPALITY_COUNT
    assert coverage.values("municipality").distinct().count() == MUNICIPALITY_COUNT
    rmbh = set(Municipality.objects.filter(rmbh=True).values_list("ibge_code", flat=True))
    assert set(coverage.filter(lot__number=1).values_list("municipality_id", flat=True)) == rmbh
    assert len(rmbh) == 34
    sizes = [lot.coverage.count() for lot in contract.lots.exclude(number=1)]
    assert min(sizes) >= 40  # every interior region is a real region, not a sliver


@pytest.mark.django_db
def test_consortium_shares_sum_to_a_hundred_with_the_leader_first(seeded):
    lots = Lot.objects.annotate(total=Sum("members__share"))
    assert {lot.total for lot in lots} == {Decimal(100)}
    consortia = [lot for lot in lots if lot.members.count() > 1]
    assert consortia
    rmbh = Lot.objects.get(number=1)
    assert [(m.carrier.code, m.share) for m in rmbh.members.order_by("position")] == [
        ("mgtel", Decimal(60)),
        ("alterosa", Decimal(40)),
    ]
    assert Carrier.objects.count() == 6


@pytest.mark.django_db
def test_every_link_lies_in_a_municipality_its_lot_covers(seeded):
    covered = LotMunicipality.objects.filter(
        lot=OuterRef("lot"), municipality=OuterRef("municipality")
    )
    assert not Link.objects.exclude(Exists(covered)).exists()


@pytest.mark.django_db
def test_speed_changes_fall_inside_the_link_active_life(seeded):
    revisions = LinkRevision.objects.select_related("link")
    assert revisions.exists()
    for revision in revisions:
        link = revision.link
        assert link.activated_at < revision.effective_at
        assert link.cancelled_at is None or revision.effective_at < link.cancelled_at
        assert revision.speed_mbps != link.speed_mbps or link.revisions.count() > 1


@pytest.mark.django_db
def test_links_have_the_article_shape(seeded):
    links = Link.objects.all()
    live = links.exclude(status=LinkStatus.CANCELLED)
    assert live.values("mgmt_ip").distinct().count() == live.count()
    assert all(link.mgmt_ip.startswith("127.") for link in links)
    redundant = links.filter(access_type=AccessType.REDUNDANT)
    assert 0.04 * SMALL <= redundant.count() <= 0.2 * SMALL
    assert not redundant.filter(mgmt_ip_secondary__isnull=True).exists()
    assert links.filter(status=LinkStatus.ACTIVE).count() > 0.9 * SMALL
    assert links.filter(municipality__rmbh=True).count() > 0.2 * SMALL
    assert set(links.values_list("snmp_community", flat=True)) == {"public"}
    # Activation instants are spread over the contract's years, all in the past.
    years = {link.activated_at.year for link in links.exclude(activated_at=None)}
    assert len(years) >= 4
    assert max(links.exclude(activated_at=None).values_list("activated_at", flat=True)).date() < (
        date(2026, 11, 25)
    )


@pytest.mark.django_db
def test_the_contract_is_in_force_today(seeded):
    contract = Contract.objects.get(number=CONTRACT_NUMBER)
    assert contract.start_date <= date(2026, 11, 25) <= contract.end_date
    assert contract.value == Decimal("96055953.00")


@pytest.mark.django_db
def test_a_full_network_reaches_at_least_412_municipalities_most_in_belo_horizonte(
    municipalities,
):
    result = seed_demo(links=2800, seed=1)
    assert sum(result.links_by_status.values()) == Link.objects.count() == 2800
    assert result.municipalities_reached >= 412
    per_municipality = dict(
        Link.objects.values_list("municipality").annotate(n=Count("pk")).order_by()
    )
    assert max(per_municipality, key=per_municipality.get) == BELO_HORIZONTE
    rmbh = set(Municipality.objects.filter(rmbh=True).values_list("ibge_code", flat=True))
    in_rmbh = sum(n for code, n in per_municipality.items() if code in rmbh)
    # Denser in the RMBH (34 of 853 municipalities) than in the interior.
    assert in_rmbh / len(rmbh) > (2800 - in_rmbh) / (MUNICIPALITY_COUNT - len(rmbh))


@pytest.mark.django_db
def test_prices_are_anchored_on_the_article_and_fall_per_mbps(seeded):
    one_mbps = PriceItem.objects.filter(speed_mbps=1, access_type=AccessType.SIMPLE)
    assert set(one_mbps.filter(region=Region.METRO).values_list("monthly_price", flat=True)) == {
        Decimal("226.38")
    }
    assert set(one_mbps.filter(region=Region.INTERIOR).values_list("monthly_price", flat=True)) == {
        Decimal("255.89")
    }
    assert PriceItem.objects.filter(region=Region.METRO).values("lot").distinct().count() == 1
    assert PriceItem.objects.filter(region=Region.INTERIOR).values("lot").distinct().count() == 8
    lot = Lot.objects.get(number=1)
    simple = dict(
        lot.prices.filter(access_type=AccessType.SIMPLE).values_list("speed_mbps", "monthly_price")
    )
    redundant = dict(
        lot.prices.filter(access_type=AccessType.REDUNDANT).values_list(
            "speed_mbps", "monthly_price"
        )
    )
    speeds = sorted(simple)
    assert speeds[0] == 1 and speeds[-1] == 1000 and 2 in speeds
    assert all(redundant[s] > simple[s] for s in speeds)
    per_mbps = [simple[s] / s for s in speeds]
    assert per_mbps == sorted(per_mbps, reverse=True)
    assert simple[100] == Decimal("1428.36")  # 226,38 x 100 ** 0.4
    # Every speed a link uses has a price.
    used = set(Link.objects.values_list("speed_mbps", flat=True))
    used |= set(LinkRevision.objects.values_list("speed_mbps", flat=True))
    assert used <= set(speeds)


@pytest.mark.django_db
def test_every_role_has_a_demo_user_who_can_log_in(seeded):
    for role in Role.values:
        user = User.objects.filter(groups__name=role).order_by("username").first()
        assert user is not None, role
        client = Client()
        response = client.post(
            reverse("login"), {"username": user.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, role
        assert client.get(reverse("home")).status_code == 200, role
    assert User.objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_the_demo_agency_has_its_manager_and_substitute(seeded):
    agency = Agency.objects.get(code="SEF")
    assert (agency.manager.username, agency.substitute.username) == ("gestor.sef", "substituto.sef")
    staff = User.objects.get(username="servidor.sef")
    assert staff.unit.agency == agency
    assert Agency.objects.count() >= 30
    assert all(normalize_cnpj(cnpj) for cnpj in Agency.objects.values_list("cnpj", flat=True))


@pytest.mark.django_db
def test_the_state_optional_days_are_in_the_holiday_table(seeded):
    optional = set(
        Holiday.objects.filter(kind=Holiday.Kind.OPTIONAL).values_list("date", flat=True)
    )
    assert {
        date(2026, 2, 16),  # Carnaval
        date(2026, 2, 17),
        date(2026, 2, 18),  # Cinzas
        date(2026, 10, 28),
        date(2026, 12, 24),
        date(2026, 12, 31),
        date(2027, 2, 8),
        date(2027, 2, 9),
        date(2027, 2, 10),
    } <= optional


def test_fake_cnpjs_are_valid_and_distinct():
    cnpjs = [cnpj_from_sequence(n) for n in range(1, 200)]
    assert len(set(cnpjs)) == len(cnpjs)
    assert all(normalize_cnpj(cnpj) == cnpj for cnpj in cnpjs)


def test_every_region_lot_is_contiguous_around_its_anchor_cities():
    partition = lot_partition(_places())
    assert partition[3136702] == 3  # Juiz de Fora: Zona da Mata
    assert partition[3170206] == 5  # Uberlândia: Triângulo
    assert partition[3143302] == 7  # Montes Claros: Norte
    assert partition[BELO_HORIZONTE] == 1


@pytest.mark.django_db
def test_the_command_prints_the_url_and_one_login_per_role(municipalities):
    out = StringIO()
    call_command("seed_demo", links=50, seed=2, stdout=out)
    text = out.getvalue()
    assert PORTAL_URL in text
    for username in ("gestor.sef", "servidor.sef", "noc", "ugs", "operadora.mgtel", "admin"):
        assert username in text
    assert f"senha: {DEMO_PASSWORD}" in text


def _places() -> list[Municipality]:
    return [Municipality(**record) for record in municipality_records()]
