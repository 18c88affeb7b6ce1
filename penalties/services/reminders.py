"""Reminders of open deadlines: a carrier is told, through the outbox, how many business days
it has left for its defense or appeal."""

import uuid
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.templatetags.formatting import count_br
from outbox.choices import MessageKind
from outbox.models import Message
from outbox.selectors import ref_of
from outbox.services import message_email
from penalties.choices import (
    FILINGS,
)
from penalties.deadlines import (
    business_days_left,
    filing_closes_at,
)
from penalties.models import (
    Proceeding,
    ProceedingEvent,
)
from penalties.services.records import (
    contractor_emails,
)
from redegov.calendar import BusinessCalendar

# A carrier is reminded of its open deadline (defense, appeal) from this many business days
# before the last day.
REMINDER_BUSINESS_DAYS = 2


REMINDER_KEYS = uuid.UUID("6b1f2a0e-5d7c-4e0b-9a53-2f4c8d1e7a90")  # uuid5 namespace


def proceeding_deadline_reminders(*, now: datetime | None = None) -> int:
    """E-mail the contractor's staff a reminder of each carrier deadline still open whose last
    day is at most REMINDER_BUSINESS_DAYS business days away. One outbox message per person
    and deadline, its key derived from both (uuid5), so that running this daily, or twice,
    writes each reminder once. Returns how many reminders it wrote now. A reminder moves no
    deadline: the notice counted from its posting."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = BusinessCalendar()
    written = 0
    for source, _ in FILINGS:
        for proceeding in Proceeding.objects.filter(status=source, due_date__gte=today):
            days_left = business_days_left(today, proceeding.due_date, calendar)
            if days_left > REMINDER_BUSINESS_DAYS or now >= filing_closes_at(proceeding.due_date):
                continue
            event = proceeding.events.filter(notice=True, to_status=source).order_by("-at").first()
            if event is None:
                continue
            written += _reminder_mail(proceeding, event, days_left)
    return written


def _reminder_mail(proceeding: Proceeding, event: ProceedingEvent, days_left: int) -> int:
    when = "hoje" if days_left == 0 else f"em {count_br(days_left, 'dia útil,dias úteis')}"
    body = (
        f"Lembrete: o prazo de {event.get_deadline_kind_display().lower()} do processo "
        f"administrativo de multa {proceeding} termina {when}, em "
        f"{proceeding.due_date:%d/%m/%Y} às 23:59:59. A notificação foi publicada no portal em "
        f"{timezone.localtime(event.at):%d/%m/%Y %H:%M}, e o prazo conta dela.\n\n"
        f"{settings.PORTAL_URL}{reverse('penalties:proceeding-detail', args=[proceeding.pk])}"
    )
    written = 0
    for address in contractor_emails(proceeding):
        key = uuid.uuid5(REMINDER_KEYS, f"{event.pk}:{address}")
        existed = Message.objects.filter(key=key).exists()
        message_email(
            kind=MessageKind.DEADLINE_REMINDER,
            ref=ref_of(event),
            to=[address],
            subject=f"[Rede Governo] {proceeding}: prazo termina em {proceeding.due_date:%d/%m/%Y}",
            body=body,
            key=key,
        )
        written += not existed
    return written
