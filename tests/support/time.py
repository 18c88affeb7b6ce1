"""Instants the tests use: São Paulo wall-clock time, the minutes of the monitoring tests' poll
cycles, and the month ends the billing tests compute at."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SP = ZoneInfo("America/Sao_Paulo")


def local(*args: int) -> datetime:
    """An aware instant given as São Paulo's wall-clock time: `local(2026, 10, 15, 8, 0)`."""
    return datetime(*args, tzinfo=SP)


# The monitoring tests' cycles last a minute; minute 0 is 15 October 2026, 10:00.
MINUTE = timedelta(seconds=60)
CYCLES_START = local(2026, 10, 15, 10, 0)
BASE_CYCLE = int(CYCLES_START.timestamp()) // 60


def at(minute: int) -> datetime:
    """The instant of the monitoring tests' cycle `minute`."""
    return CYCLES_START + timedelta(minutes=minute)


NOVEMBER_START = local(2026, 11, 1)  # October 2026 has just ended
NOVEMBER_END = local(2026, 12, 1)
