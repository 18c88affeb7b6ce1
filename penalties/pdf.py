"""The notification and decision PDFs of a proceeding: a template rendered by the shared
WeasyPrint helper (`redegov.pdf`, which refuses every URL but the static files)."""

from django.utils import timezone

from penalties.choices import NOTICES, ProceedingStatus
from penalties.deadlines import AT_EXPIRY
from penalties.models import ProceedingEvent
from redegov.pdf import render_pdf


def notice_pdf(event: ProceedingEvent) -> bytes:
    """The notice an event posted: the notification of the opening (defense deadline) or the
    decision (appeal deadline), as it was at that instant."""
    proceeding = event.proceeding
    decision = (event.from_status, event.to_status) == (
        ProceedingStatus.OPINION,
        ProceedingStatus.DECIDED,
    )
    ctx = {
        "proceeding": proceeding,
        "event": event,
        "decision": decision,
        "kind": NOTICES[(event.from_status, event.to_status)],
        "at_expiry": AT_EXPIRY[event.deadline_kind],
        "members": list(proceeding.lot.members.select_related("carrier").order_by("position")),
        "evidence": list(proceeding.evidence.all()),
        "opinions": list(proceeding.opinions.select_related("author")) if decision else [],
        "printed_at": timezone.now(),
    }
    return render_pdf("penalties/pdf/notice.html", ctx)
