"""A closed October for the reports: the billing tests' priced network (agency X: BHZ-0001 in
lot 1 and UDI-0001 in the consortium lot 2; agency Y: CTG-0001) with one carrier outage on
BHZ-0001, closed on 1 November. Agency X's manager and substitute are named in its
participation declaration."""

import subprocess

import pytest

from billing import services
from billing.models import BillingPeriod
from redegov.roles import Role
from tests.billing.conftest import local, outage, priced  # noqa: F401 - fixture
from tests.inventory.factories import user_with_role

CLOSED_AT = local(2026, 11, 1, 9, 0)


@pytest.fixture
def october(priced) -> BillingPeriod:  # noqa: F811
    outage(priced.link_x_metro, local(2026, 10, 15, 8, 0), local(2026, 10, 15, 10, 30))
    period = services.period_get_or_create(year=2026, month=10)
    return services.period_close(period=period, user=None, now=CLOSED_AT)


@pytest.fixture
def named(personas, network):
    """Agency X names its manager (gestor.sef) and a substitute (substituto.sef)."""
    substitute = user_with_role("substituto.sef", Role.AGENCY_MANAGER, agency=network.agency_x)
    network.agency_x.manager = personas.manager_x
    network.agency_x.substitute = substitute
    network.agency_x.save(update_fields=["manager", "substitute"])
    return substitute


def pdf_pages(content: bytes) -> list[str]:
    """The PDF's text page by page, as pdftotext lays it out."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 - poppler-utils, a test dependency
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return text.split("\f")[:-1]
