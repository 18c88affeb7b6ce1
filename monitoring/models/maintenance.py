"""Maintenance windows (docs/domain.md section 4) and their repetitions."""

import calendar
import itertools
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.history import audited
from inventory.models import Carrier, Link, Lot, Municipality
from monitoring.choices import (
    Recurrence,
    WindowScope,
    WindowStatus,
)


@audited()
class MaintenanceWindow(models.Model):
    """A maintenance window a carrier asks for, at least `maintenance_notice_hours` ahead, for
    some links, a lot or a municipality; once approved by the NOC, polled outages still
    `pending` inside one of its occurrences become `maintenance` (split at its bounds). A
    recurring window repeats its first occurrence [start, end) weekly or monthly (same local
    wall time; a month without the day is skipped) until `repeat_until` (a local date)."""

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="maintenances")
    scope = models.CharField("abrangência", max_length=12, choices=WindowScope.choices)
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    links = models.ManyToManyField(Link, blank=True, related_name="maintenances")
    start = models.DateTimeField("início")
    end = models.DateTimeField("fim")
    recurrence = models.CharField(
        "recorrência", max_length=8, choices=Recurrence.choices, default=Recurrence.NONE
    )
    repeat_until = models.DateField("repetir até", null=True, blank=True)
    description = models.TextField("descrição do serviço")
    status = models.CharField(
        "situação", max_length=10, choices=WindowStatus.choices, default=WindowStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("solicitada em")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("decidida em", null=True, blank=True)
    decision_reason = models.TextField("motivo da decisão", blank=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = "janela de manutenção"
        verbose_name_plural = "janelas de manutenção"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="%(app_label)s_%(class)s_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(scope=WindowScope.LOT, lot__isnull=False, municipality__isnull=True)
                | Q(scope=WindowScope.MUNICIPALITY, lot__isnull=True, municipality__isnull=False)
                | Q(scope=WindowScope.LINKS, lot__isnull=True, municipality__isnull=True),
                name="%(app_label)s_%(class)s_scope_matches",
            ),
            models.CheckConstraint(
                condition=Q(recurrence=Recurrence.NONE, repeat_until__isnull=True)
                | (~Q(recurrence=Recurrence.NONE) & Q(repeat_until__isnull=False)),
                name="%(app_label)s_%(class)s_recurrence_has_an_end",
            ),
        ]

    def __str__(self) -> str:
        return f"Janela {self.pk} ({self.start:%d/%m/%Y %H:%M})"

    def occurrences(self, since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
        """The occurrences [start, end) that overlap [since, until), in order."""
        first_start = timezone.localtime(self.start)
        length = self.end - self.start
        found = []
        for k in itertools.count():
            if k and self.recurrence == Recurrence.NONE:
                break
            start = _shifted(first_start, self.recurrence, k)
            if start is None:
                continue
            if start >= until or (self.repeat_until and start.date() > self.repeat_until):
                break
            if start + length > since:
                found.append((start, start + length))
        return found


def _shifted(first: datetime, recurrence: str, k: int) -> datetime | None:
    """The k-th repetition of a local instant at the same wall time (None: that month has no
    such day)."""
    if k == 0:
        return first
    if recurrence == Recurrence.WEEKLY:
        day = first.date() + timedelta(weeks=k)
    else:
        year, month = divmod(first.month - 1 + k, 12)
        if first.day > calendar.monthrange(first.year + year, month + 1)[1]:
            return None
        day = date(first.year + year, month + 1, first.day)
    return datetime.combine(day, first.time(), tzinfo=first.tzinfo)
