"""A proceeding's record: each event (who moved it, from where to where, why), the documents
filed with it, and the notice the contractor is sent about it through the outbox."""

from collections.abc import Sequence
from datetime import date, datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone

from outbox.choices import MessageKind
from outbox.selectors import ref_of
from outbox.services import message_email
from penalties.models import (
    Document,
    Proceeding,
    ProceedingEvent,
)
from redegov.models import User
from redegov.uploads import PROCEEDING_DOCUMENT, raw_uploads, uploads_check


def documents_save(
    proceeding: Proceeding,
    uploads: Sequence[UploadedFile],
    *,
    step: str,
    user: User,
    at: datetime,
    event: ProceedingEvent | None = None,
) -> None:
    for checked in uploads_check(raw_uploads(uploads), PROCEEDING_DOCUMENT):
        upload, name = checked.upload, checked.name
        document = Document(
            proceeding=proceeding,
            event=event,
            step=step,
            name=name,
            size=upload.size,
            uploaded_by=user,
            uploaded_at=at,
        )
        document.file.save(name, upload, save=False)
        document.save()


def event_record(
    proceeding: Proceeding,
    *,
    source: str,
    user: User | None,
    at: datetime,
    label: str,
    reason: str = "",
    deadline: tuple[str, int, date, date] | None = None,
    notice: bool = False,
) -> ProceedingEvent:
    kind, days, starts, last_day = deadline or ("", None, None, None)
    event = ProceedingEvent(
        proceeding=proceeding,
        from_status=source,
        to_status=proceeding.status,
        actor=user,
        at=at,
        label=label,
        reason=reason,
        deadline_kind=kind,
        deadline_days=days,
        deadline_starts=starts,
        deadline_date=last_day,
        notice=notice,
    )
    event.full_clean()
    event.save()
    if notice:
        notice_mail(event)
    return event


def contractor_emails(proceeding: Proceeding) -> list[str]:
    """The e-mail addresses of the contractor's staff: every member of a consortium."""
    return sorted(
        User.objects.filter(carrier__lot_memberships__lot=proceeding.lot_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def event_mail(event: ProceedingEvent, text: str) -> None:
    """One outbox message about a step to each of the contractor's staff (every member of a
    consortium), with the step's link; the caller holds the transaction."""
    proceeding = event.proceeding
    link = reverse("penalties:proceeding-detail", args=[proceeding.pk])
    for address in contractor_emails(proceeding):
        message_email(
            kind=MessageKind.PROCEEDING_NOTICE,
            ref=ref_of(event),
            to=[address],
            subject=f"[Rede Governo] {proceeding}: {event.label}",
            body=f"{text}\n\n{settings.PORTAL_URL}{link}",
        )


def notice_mail(event: ProceedingEvent) -> None:
    """The e-mailed copies of a posted notice, so the proceeding page shows each one's
    delivery. The notice itself counts from its posting (`event.at`)."""
    event_mail(
        event,
        f"O processo administrativo de multa {event.proceeding} tem uma notificação publicada "
        f"no portal em {timezone.localtime(event.at):%d/%m/%Y %H:%M}. Prazo: "
        f"{event.deadline_days} dias úteis, de {event.deadline_starts:%d/%m/%Y} até "
        f"{event.deadline_date:%d/%m/%Y} às 23:59:59.",
    )


def move_mail(event: ProceedingEvent) -> None:
    """Tell the contractor's staff of a move they did not make and no notice announces: the
    portal moving on after their deadline expired, a cancellation or a dismissal, with its
    reason."""
    event_mail(
        event,
        f"O processo administrativo de multa {event.proceeding} passou a "
        f"“{event.get_to_status_display()}” em {timezone.localtime(event.at):%d/%m/%Y %H:%M}: "
        f"{event.label}." + (f"\n\nMotivo: {event.reason}" if event.reason else ""),
    )
