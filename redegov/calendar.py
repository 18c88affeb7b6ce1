"""The business calendar of the contract (docs/domain.md section 3): one calendar, the state's in
Belo Horizonte, serves every deadline.

A business day is a Monday to Friday that is neither a national nor a Minas Gerais holiday of
the `holidays` package (public category only: Carnaval, Corpus Christi and the state's optional
days are not public there) nor a day of the portal's holiday table (`redegov.models.Holiday`:
Belo Horizonte's municipal holidays, shipped, and the state's pontos facultativos, added by staff
each year). Whole days only.

The package's holidays never change at run time and are cached per year. The table's rows are
read from the database, one query per calendar year touched, by a `BusinessCalendar`; it keeps
them only as long as it lives. Build one per request or task (the module-level functions build
a fresh one per call) and never keep one across requests: staff edit the table at any time.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import easter

from redegov.models import Holiday

SATURDAY = 5


def belo_horizonte_holidays(year: int) -> list[tuple[date, str]]:
    """Belo Horizonte's municipal holidays of a year, which the `holidays` package lacks.

    Pure (no database): the data migration that ships them for 2024-2030 imports it.
    """
    return [
        (easter(year) + timedelta(days=60), "Corpus Christi"),
        (date(year, 8, 15), "Assunção de Nossa Senhora"),
        (date(year, 12, 8), "Imaculada Conceição"),
    ]


@lru_cache(maxsize=64)
def _package_holidays(year: int) -> frozenset[date]:
    """National and Minas Gerais public holidays of a year, from the `holidays` package."""
    return frozenset(
        holidays.country_holidays("BR", subdiv="MG", categories=("public",), years=year)
    )


def holiday_dates(first: date, last: date) -> set[date]:
    """Every holiday in [first, last], from the package and the table (one query)."""
    dates = {
        day
        for year in range(first.year, last.year + 1)
        for day in _package_holidays(year)
        if first <= day <= last
    }
    dates.update(Holiday.objects.filter(date__range=(first, last)).values_list("date", flat=True))
    return dates


class BusinessCalendar:
    """Answers business-day questions, reading the holidays of each calendar year once.

    Holds a snapshot of the holiday table: use it within one request or task only.
    """

    def __init__(self) -> None:
        self._holidays: set[date] = set()
        self._years: set[int] = set()

    def _holidays_of(self, year: int) -> set[date]:
        if year not in self._years:
            self._holidays |= holiday_dates(date(year, 1, 1), date(year, 12, 31))
            self._years.add(year)
        return self._holidays

    def is_business_day(self, d: date) -> bool:
        return d.weekday() < SATURDAY and d not in self._holidays_of(d.year)

    def add_business_days(self, start: date, days: int) -> date:
        """The day `days` business days after `start`: the start day is not counted, the day
        returned is (so it is always a business day when days > 0). Zero returns `start`."""
        if days < 0:
            raise ValueError("days must be zero or positive")
        day = start
        while days:
            day += timedelta(days=1)
            if self.is_business_day(day):
                days -= 1
        return day


def is_business_day(d: date) -> bool:
    """Whether `d` is a business day, with the holiday table as it is now."""
    return BusinessCalendar().is_business_day(d)


def add_business_days(start: date, days: int) -> date:
    """`start` plus `days` business days (see `BusinessCalendar.add_business_days`)."""
    return BusinessCalendar().add_business_days(start, days)
