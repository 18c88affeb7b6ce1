"""Deadlines of a fine proceeding (docs/domain.md section 7), in business days of the portal's
calendar (`redegov.calendar`: holidays and pontos facultativos included).

A notice counts as delivered when posted in the portal; its deadline counts from the next
business day, so the last day of an n-day deadline is the n-th business day after the posting
day. Filing stays open until 23:59:59 local of that last day."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from core.instants import local_midnight
from inventory.choices import Regime
from inventory.models import Contract
from penalties.choices import DeadlineKind
from penalties.models import PenaltySettings
from redegov.calendar import BusinessCalendar

# Business days by regime: defense, appeal, reconsideration, superior decision (editable per
# contract in PenaltySettings).
DEFAULT_DEADLINES: dict[str, dict[str, int]] = {
    Regime.LEI_14133: {"defense": 15, "appeal": 15, "reconsideration": 5, "superior": 20},
    Regime.LEI_13303: {"defense": 10, "appeal": 10, "reconsideration": 5, "superior": 10},
    Regime.LEI_8666: {"defense": 5, "appeal": 5, "reconsideration": 5, "superior": 5},
}
# What happens when each deadline expires, as the page says it.
AT_EXPIRY = {
    DeadlineKind.DEFENSE: "sem defesa, o processo segue para os pareceres técnico e jurídico",
    DeadlineKind.APPEAL: "sem recurso, a decisão se torna final e segue para registro e cobrança",
    DeadlineKind.RECONSIDERATION: "a autoridade deve reconsiderar ou encaminhar o recurso à "
    "autoridade superior; o processo aparece como em atraso",
    DeadlineKind.SUPERIOR: "a autoridade superior deve decidir o recurso; o processo aparece "
    "como em atraso",
}


def deadline_days_for(contract: Contract, kind: str) -> int:
    """The contract's deadline of `kind` in business days: its own table, or its regime's."""
    row = PenaltySettings.objects.filter(contract=contract).first()
    if row is not None:
        return getattr(row, f"{kind}_days")
    return DEFAULT_DEADLINES[contract.regime][kind]


@dataclass(frozen=True)
class Deadline:
    starts: date  # the first business day counted
    last_day: date  # filing open until 23:59:59 local of this day

    @property
    def closes_at(self) -> datetime:
        """The first instant at which filing is refused: 00:00 local after the last day."""
        return filing_closes_at(self.last_day)


def deadline_from(posted_at: datetime, days: int, calendar: BusinessCalendar) -> Deadline:
    """The deadline of `days` business days for a notice posted at `posted_at`."""
    posted = timezone.localdate(posted_at)
    return Deadline(
        starts=calendar.add_business_days(posted, 1),
        last_day=calendar.add_business_days(posted, days),
    )


def filing_closes_at(last_day: date) -> datetime:
    return local_midnight(last_day + timedelta(days=1))


def business_days_left(today: date, last_day: date, calendar: BusinessCalendar) -> int:
    """Business days after today up to and including the last day (0 on the last day itself
    and after it)."""
    count = 0
    day = today
    while day < last_day:
        day += timedelta(days=1)
        if calendar.is_business_day(day):
            count += 1
    return count
