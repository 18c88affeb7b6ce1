"""Maintenance windows: requests with notice, recurring occurrences, and polled outages inside
an approved window made `maintenance`, split at its bounds."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from core.exceptions import DomainError
from monitoring.choices import (
    DecisionAction,
    Recurrence,
    Responsibility,
    WindowScope,
    WindowStatus,
)
from monitoring.models import MaintenanceWindow, Outage, Ticket
from monitoring.services.maintenance import maintenance_request, maintenance_transition
from tests.monitoring.factories import OutageFactory
from tests.support.monitoring import down, record
from tests.support.time import SP, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]


def window(personas, start, end, **kwargs) -> MaintenanceWindow:
    """A window requested well ahead and approved."""
    kwargs.setdefault("scope", WindowScope.LINKS)
    requested = maintenance_request(
        by=personas.carrier_a,
        start=start,
        end=end,
        description="Troca de equipamento",
        now=start - timedelta(days=4),
        **kwargs,
    )
    return maintenance_transition(
        window_id=requested.pk,
        to=WindowStatus.APPROVED,
        by=personas.noc,
        reason="",
        now=start - timedelta(days=3),
    )


def test_weekly_and_monthly_occurrences(network, personas):
    weekly = window(
        personas,
        datetime(2026, 10, 1, 1, 0, tzinfo=SP),
        datetime(2026, 10, 1, 3, 0, tzinfo=SP),
        links=[network.link_x_metro],
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2026, 10, 22),
    )
    starts = [s.day for s, _ in weekly.occurrences(at(-24 * 60 * 30), at(24 * 60 * 60))]
    assert starts == [1, 8, 15, 22]
    # Local wall time is kept: always 01:00 in Belo Horizonte.
    assert {s.astimezone(SP).hour for s, _ in weekly.occurrences(at(-(10**5)), at(10**5))} == {1}
    monthly = window(
        personas,
        datetime(2026, 12, 31, 22, 0, tzinfo=SP),
        datetime(2027, 1, 1, 2, 0, tzinfo=SP),
        scope=WindowScope.LOT,
        lot=network.lot_metro,
        recurrence=Recurrence.MONTHLY,
        repeat_until=date(2027, 5, 31),
    )
    occurrences = monthly.occurrences(at(0), datetime(2028, 1, 1, tzinfo=SP))
    # February, April (30 days) have no 31st: skipped.
    assert [s.date() for s, _ in occurrences] == [
        date(2026, 12, 31),
        date(2027, 1, 31),
        date(2027, 3, 31),
        date(2027, 5, 31),
    ]
    assert all(e - s == timedelta(hours=4) for s, e in occurrences)


def test_a_window_needs_72_hours_notice(network, personas):
    start = at(0)
    common = {
        "by": personas.carrier_a,
        "scope": WindowScope.LINKS,
        "links": [network.link_x_metro],
        "start": start,
        "end": start + timedelta(hours=2),
        "description": "Manutenção preventiva",
    }
    with pytest.raises(DomainError, match="72 h"):
        maintenance_request(now=start - timedelta(hours=71, minutes=59), **common)
    assert maintenance_request(now=start - timedelta(hours=72), **common).status == "requested"


def test_a_carrier_asks_only_for_its_own_links_and_only_the_noc_approves(network, personas):
    with pytest.raises(DomainError):
        maintenance_request(
            by=personas.carrier_b,
            scope=WindowScope.LINKS,
            links=[network.link_x_metro],
            start=at(0),
            end=at(60),
            description="x",
            now=at(-(10**4)),
        )
    requested = maintenance_request(
        by=personas.carrier_a,
        scope=WindowScope.MUNICIPALITY,
        municipality=network.link_x_metro.municipality,
        start=at(0),
        end=at(60),
        description="Rede de Belo Horizonte",
        now=at(-(10**4)),
    )
    with pytest.raises(PermissionDenied):
        maintenance_transition(
            window_id=requested.pk, to="approved", by=personas.carrier_a, reason="", now=at(-10)
        )
    with pytest.raises(DomainError):
        maintenance_transition(
            window_id=requested.pk, to="rejected", by=personas.noc, reason=" ", now=at(-10)
        )


def pieces(link) -> list[tuple[datetime, datetime | None, str]]:
    return list(
        Outage.objects.filter(link=link, kind="interruption")
        .order_by("start")
        .values_list("start", "end", "responsibility")
    )


def test_an_outage_starting_inside_a_window_and_ending_after_it_is_split(network, personas):
    link = network.link_x_metro
    window(personas, at(0), at(30), links=[link])
    record(9, {})
    down(network, range(10, 30), link)
    # Inside the window: maintenance, no ticket.
    assert pieces(link) == [(at(10), None, Responsibility.MAINTENANCE)]
    assert not Ticket.objects.exists()
    down(network, range(30, 40), link)
    record(40, {})
    assert pieces(link) == [
        (at(10), at(30), Responsibility.MAINTENANCE),
        (at(30), at(40), Responsibility.PENDING),
    ]
    # The part after the window is the carrier's: a ticket from the window's end.
    ticket = Ticket.objects.get()
    assert (ticket.start, ticket.due_at, ticket.ended_at) == (at(30), at(270), at(40))
    first = Outage.objects.get(link=link, start=at(10))
    assert first.decisions.filter(action=DecisionAction.MAINTENANCE).exists()
    assert first.decided_by is None


def test_an_outage_crossing_a_windows_start_keeps_its_ticket_on_the_first_part(network, personas):
    link = network.link_x_metro
    window(personas, at(20), at(120), links=[link])
    record(-1, {})
    down(network, range(0, 25), link)
    record(25, {})
    assert pieces(link) == [
        (at(0), at(20), Responsibility.PENDING),
        (at(20), at(25), Responsibility.MAINTENANCE),
    ]
    ticket = Ticket.objects.get()
    assert (ticket.outage.start, ticket.ended_at) == (at(0), at(25))


def test_imported_and_decided_outages_keep_their_responsibility(network, personas):
    link = network.link_x_metro
    imported = OutageFactory(
        link=link, start=at(5), end=at(15), responsibility=Responsibility.CARRIER
    )
    window(personas, at(0), at(60), links=[link])
    imported.refresh_from_db()
    assert imported.responsibility == Responsibility.CARRIER
    assert not imported.decisions.exists()
