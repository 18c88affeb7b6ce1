"""Shared fixtures: the reference data, a small network and one persona per role; the fixtures
of tests/support (registered below)."""

import os
from dataclasses import dataclass
from datetime import date

import pytest
from pytest_django.plugin import blocking_manager_key

from inventory.models import Agency, Carrier, Contract, Link, Lot, Municipality
from inventory.reference_data import municipalities_load
from redegov.models import User
from redegov.roles import Role
from tests.inventory.factories import (
    BELO_HORIZONTE,
    CONTAGEM,
    JUIZ_DE_FORA,
    UBERLANDIA,
    AgencyFactory,
    AgencyUnitFactory,
    CarrierFactory,
    ContractFactory,
    LinkFactory,
    lot_with,
)
from tests.people.factories import UserFactory, user_with_role

# The shared fixtures, one name per meaning, beside the helpers they are built on (tests/support).
pytest_plugins = [
    "tests.support.api",
    "tests.support.billing",
    "tests.support.invoices",
    "tests.support.monitoring",
    "tests.support.orders",
    "tests.support.penalties",
    "tests.support.reports",
    "tests.support.sla",
    "tests.support.role_pages",  # after the helpers it imports, so that pytest rewrites them
]

# Django's live_server runs in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _workers(config: pytest.Config) -> int:
    """How many xdist workers this process makes databases for: 0 in a worker, without xdist,
    or with --reuse-db (each worker keeps its own then)."""
    if hasattr(config, "workerinput") or config.getvalue("reuse_db"):
        return 0
    return getattr(config.option, "numprocesses", None) or 0


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under xdist, the test database is migrated once, before the workers start, and each
    worker gets a copy of it (PostgreSQL's CREATE DATABASE ... TEMPLATE, as Django's parallel
    test runner does) instead of migrating its own beside the others."""
    if workers := _workers(session.config):
        from django.db import connection

        with session.config.stash[blocking_manager_key].unblock():
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            for worker in range(workers):
                connection.creation.clone_test_db(f"gw{worker}", verbosity=0, autoclobber=True)


@pytest.hookimpl(trylast=True)  # after xdist has stopped the workers
def pytest_sessionfinish(session: pytest.Session) -> None:
    if workers := _workers(session.config):
        from django.db import connection

        with session.config.stash[blocking_manager_key].unblock():
            for worker in range(workers):
                connection.creation.destroy_test_db(verbosity=0, suffix=f"gw{worker}")
            connection.creation.destroy_test_db(verbosity=0)


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_keepdb) -> bool:
    """A worker's database is the copy made by the controller (pytest_sessionstart), which
    also drops it."""
    return django_db_keepdb or hasattr(request.config, "workerinput")


@pytest.fixture
def municipalities(db) -> None:
    """The 853 municipalities (a transactional test's flush removes the migration's rows)."""
    municipalities_load(Municipality)


@dataclass
class Network:
    contract: Contract
    carrier_a: Carrier
    carrier_b: Carrier
    lot_metro: Lot  # carrier A alone: Belo Horizonte, Contagem
    lot_interior: Lot  # consortium B (leader, 60%) + A (40%): Uberlândia, Juiz de Fora
    agency_x: Agency
    agency_y: Agency
    link_x_metro: Link
    link_x_interior: Link
    link_y_metro: Link


@pytest.fixture
def network(municipalities) -> Network:
    contract = ContractFactory()
    carrier_a = CarrierFactory(code="alfa", name="Alfa Telecom")
    carrier_b = CarrierFactory(code="beta", name="Beta Net")
    lot_metro = lot_with(
        contract=contract,
        number=1,
        members=[(carrier_a, "100")],
        ibge_codes=[BELO_HORIZONTE, CONTAGEM],
    )
    lot_interior = lot_with(
        contract=contract,
        number=2,
        members=[(carrier_b, "60"), (carrier_a, "40")],
        ibge_codes=[UBERLANDIA, JUIZ_DE_FORA],
    )
    agency_x = AgencyFactory(code="SEF", name="Secretaria de Estado de Fazenda")
    agency_y = AgencyFactory(code="SEE", name="Secretaria de Estado de Educação")
    AgencyUnitFactory(agency=agency_x, name="Cidade Administrativa")
    return Network(
        contract=contract,
        carrier_a=carrier_a,
        carrier_b=carrier_b,
        lot_metro=lot_metro,
        lot_interior=lot_interior,
        agency_x=agency_x,
        agency_y=agency_y,
        link_x_metro=LinkFactory(lot=lot_metro, agency=agency_x, circuit_id="BHZ-0001"),
        link_x_interior=LinkFactory(
            lot=lot_interior,
            agency=agency_x,
            circuit_id="UDI-0001",
            municipality=Municipality.objects.get(pk=UBERLANDIA),
        ),
        link_y_metro=LinkFactory(
            lot=lot_metro,
            agency=agency_y,
            circuit_id="CTG-0001",
            municipality=Municipality.objects.get(pk=CONTAGEM),
        ),
    )


@pytest.fixture
def second_phase_lot_1(network: Network) -> Lot:
    """A new contract phase starting while the network's contract is still in force: its own
    lot 1, won by carrier A like the first contract's lot 1, covering Belo Horizonte. Lot
    numbers are unique only within a contract. Its number sorts after the first contract's
    (CT-0nn/2020)."""
    phase_2 = ContractFactory(number="CT-900/2026", start_date=date(2026, 6, 1))
    return lot_with(
        contract=phase_2,
        number=1,
        members=[(network.carrier_a, "100")],
        ibge_codes=[BELO_HORIZONTE],
    )


@dataclass
class Personas:
    manager_x: User  # agency X's manager
    unit_x: User  # staff of agency X's unit
    manager_y: User
    carrier_a: User
    carrier_b: User
    noc: User
    billing: User
    committee: User
    legal: User
    outsider: User  # logged in, no role


@pytest.fixture
def personas(network: Network) -> Personas:
    unit = network.agency_x.units.get()
    return Personas(
        manager_x=user_with_role("gestor.sef", Role.AGENCY_MANAGER, agency=network.agency_x),
        unit_x=user_with_role("servidor.sef", Role.AGENCY_UNIT, agency=network.agency_x, unit=unit),
        manager_y=user_with_role("gestor.see", Role.AGENCY_MANAGER, agency=network.agency_y),
        carrier_a=user_with_role("alfa", Role.CARRIER, carrier=network.carrier_a),
        carrier_b=user_with_role("beta", Role.CARRIER, carrier=network.carrier_b),
        noc=user_with_role("noc", Role.NOC),
        billing=user_with_role("ugs", Role.BILLING),
        committee=user_with_role("comite", Role.COMMITTEE),
        legal=user_with_role("juridico", Role.LEGAL),
        outsider=UserFactory(username="intruso"),
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, never a downloaded browser (Playwright's own builds do not run here)."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
