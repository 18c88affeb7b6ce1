"""Writes of the incident panel (issue 5): the NOC's acknowledgements and comments, agency
managers' e-mail subscriptions and their irregularity reports, and the NOC's answers."""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from core.exceptions import DomainError
from inventory.models import Link
from monitoring.choices import IrregularityStatus
from monitoring.models import (
    IncidentNote,
    IrregularityAttachment,
    IrregularityReport,
    OutageSubscription,
)
from monitoring.selectors.lists import noc_pending_forget
from monitoring.services.responsibility import require_noc
from outbox.choices import MessageKind
from outbox.selectors import ref_of
from outbox.services import message_email
from redegov.access import AGENCY_MANAGERS, holds
from redegov.uploads import IRREGULARITY_ATTACHMENT, raw_uploads, uploads_check

NOTE_SUBJECTS = ("outage", "redundancy_loss", "irregularity")


@transaction.atomic
def incident_note_add(
    *, subject: str, pk: int, acknowledgement: bool, text: str, by, now: datetime
) -> IncidentNote:
    """The NOC acknowledges a panel item (once) or comments on it (a text is required).
    `subject` is the IncidentNote field that names the item: outage, redundancy_loss or
    irregularity."""
    require_noc(by)
    if subject not in NOTE_SUBJECTS:
        raise DomainError("Item do painel desconhecido.")
    model = IncidentNote._meta.get_field(subject).related_model
    if not model.objects.filter(pk=pk).exists():
        raise DomainError("Item do painel não encontrado.")
    text = text.strip()
    if not acknowledgement and not text:
        raise DomainError("Escreva o comentário.")
    acknowledged = IncidentNote.objects.filter(**{f"{subject}_id": pk}, acknowledgement=True)
    if acknowledgement and acknowledged.exists():
        raise DomainError("Este item já foi reconhecido.")
    note = IncidentNote(
        **{f"{subject}_id": pk}, acknowledgement=acknowledgement, text=text, by=by, at=now
    )
    note.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            note.save()
    except IntegrityError as exc:  # another operator acknowledged it at the same moment
        raise DomainError("Este item já foi reconhecido.") from exc
    return note


def _require_agency_manager(user) -> int:
    if not (holds(user, AGENCY_MANAGERS) and user.agency_id):
        raise PermissionDenied("Só o gestor do órgão pode fazer isto.")
    return user.agency_id


@transaction.atomic
def outage_subscription_set(*, user, subscribed: bool, now: datetime) -> bool:
    """Subscribe an agency manager to e-mails about the agency's outages, or stop them.
    Returns whether the user is subscribed now; repeating a choice changes nothing."""
    agency_id = _require_agency_manager(user)
    if not subscribed:
        OutageSubscription.objects.filter(user=user).delete()
        return False
    OutageSubscription.objects.update_or_create(
        user=user,
        defaults={"agency_id": agency_id},
        create_defaults={"agency_id": agency_id, "created_at": now},
    )
    return True


@transaction.atomic
def irregularity_report(
    *, link_id: int, description: str, files: Sequence[UploadedFile], by, now: datetime
) -> IrregularityReport:
    """An agency manager reports an irregularity on one of the agency's links; it lands on the
    NOC's panel until answered."""
    agency_id = _require_agency_manager(by)
    link = Link.objects.live().filter(pk=link_id, agency_id=agency_id).first()
    if link is None:
        raise DomainError("Escolha um acesso do seu órgão.")
    if not description.strip():
        raise DomainError("Descreva o que aconteceu.")
    checked = uploads_check(raw_uploads(files), IRREGULARITY_ATTACHMENT)
    report = IrregularityReport(
        link=link, description=description.strip(), reported_by=by, reported_at=now
    )
    report.full_clean()
    report.save()
    transaction.on_commit(noc_pending_forget)  # the NOC's badge (docs/noc.md)
    for item in checked:
        IrregularityAttachment.objects.create(
            report=report,
            file=item.upload,
            name=item.name,
            content_type=item.content_type,
            size=item.size,
        )
    return report


@transaction.atomic
def irregularity_answer(*, report_id: int, answer: str, by, now: datetime) -> IrregularityReport:
    """The NOC answers an irregularity report, which leaves the panel. Answered once; the
    answer is e-mailed to whoever reported it (through the outbox)."""
    require_noc(by)
    if not answer.strip():
        raise DomainError("Escreva a resposta.")
    answered = IrregularityReport.objects.filter(
        pk=report_id, status=IrregularityStatus.OPEN
    ).update(
        status=IrregularityStatus.ANSWERED, answer=answer.strip(), answered_by=by, answered_at=now
    )
    if not answered:
        raise DomainError("Esta irregularidade já foi respondida.")
    transaction.on_commit(noc_pending_forget)
    report = IrregularityReport.objects.select_related("reported_by", "link").get(pk=report_id)
    message_email(
        kind=MessageKind.IRREGULARITY_ANSWER,
        ref=ref_of(report),
        to=[report.reported_by.email] if report.reported_by.is_active else [],
        subject=f"Rede Governo: resposta do NOC sobre o acesso {report.link.circuit_id}",
        body=render_to_string(
            "monitoring/email/irregularity_answer.txt",
            {"report": report, "portal_url": settings.PORTAL_URL},
        ),
    )
    return report
