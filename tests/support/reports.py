"""Reports: a closed October (the network priced as for billing, `priced_simple`: agency X has
BHZ-0001 in lot 1 and UDI-0001 in the consortium lot 2, agency Y CTG-0001; the worked example's
carrier outage on BHZ-0001; closed on 1 November), agency X's manager and substitute named in its
participation declaration, and a PDF's text page by page."""

import subprocess

import pytest

from billing import services
from billing.models import BillingPeriod
from redegov.roles import Role
from tests.people.factories import user_with_role
from tests.support.billing import worked_example_outage
from tests.support.time import local

CLOSED_AT = local(2026, 11, 1, 9, 0)


@pytest.fixture
def october_closed(priced_simple) -> BillingPeriod:
    """October 2026 closed at CLOSED_AT, with the worked example's outage."""
    worked_example_outage(priced_simple)
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
