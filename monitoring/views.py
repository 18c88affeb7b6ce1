"""Pages of tickets, outages and maintenance windows. Thin: forms adapt input, services decide
(and refuse with PermissionDenied -> 403, DomainError -> a message)."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from core.exports import export_response
from core.sorting import sort_headers
from monitoring.exports import OUTAGE_COLUMNS
from monitoring.filters import MaintenanceFilter, OutageFilter, TicketFilter
from monitoring.forms import (
    AcknowledgeForm,
    BulkClassifyForm,
    ClassifyForm,
    DisputeDecisionForm,
    DisputeForm,
    MaintenanceForm,
    RestorationForm,
    SplitForm,
    WindowDecisionForm,
)
from monitoring.models import DisputeAttachment
from monitoring.selectors import (
    maintenance_list,
    outage_chain,
    outage_get_for_user,
    outage_list,
    ticket_get_for_user,
    ticket_list,
)
from monitoring.selectors.history import outage_minute_totals, outages_with_length
from monitoring.services import maintenance as maintenance_services
from monitoring.services import responsibility, tickets
from monitoring.timeline import incident_timeline
from outbox.choices import MessageKind
from outbox.selectors import messages_by_ref, messages_notice, ref_of
from outbox.services import messages_recorded
from redegov.access import CARRIER_ROLES, NOC_STAFF, holds, sees_whole_network
from redegov.confirm import confirmation_refused
from redegov.throttling import throttle_expensive
from redegov.uploads import content_type_for, file_download

PAGE_SIZE = 50


def _act(request: HttpRequest, form: forms.Form, action: Callable[[dict], object], done: str):
    """Run one service with a bound form's data; report the outcome as a message."""
    if not form.is_valid():
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, f"Verifique os campos: {errors}")
        return
    try:
        with messages_recorded() as sent:
            action(form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return
    messages.success(request, messages_notice(done, sent))


def _next_or(request: HttpRequest, default: str) -> str:
    """The posted `next` address when it stays on this site, else `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _roles(request: HttpRequest) -> dict[str, bool]:
    return {
        "is_noc": holds(request.user, NOC_STAFF),
        "is_carrier": holds(request.user, CARRIER_ROLES),
    }


@require_GET
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    f = TicketFilter(request.GET, queryset=ticket_list(user=request.user), request=request)
    page = Paginator(f.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "filter_form": f.form,
        "page": page,
        "tickets": list(page.object_list),
        "headers": sort_headers(f),
        "now": timezone.now(),
    }
    return render(request, "monitoring/ticket_list.html", ctx)


@require_GET
def ticket_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    ref = ref_of(ticket.message)
    notes = sees_whole_network(request.user)
    ctx = {
        "ticket": ticket,
        "timeline": incident_timeline(
            outage=ticket.outage, loss=ticket.redundancy_loss, tickets=[ticket], notes=notes
        ),
        "sees_notes": notes,
        "deliveries": [
            m for m in messages_by_ref([ref]).get(ref, []) if m.kind == MessageKind.TICKET
        ],
        "answers": request.user.carrier_id == ticket.carrier_id,
        "acknowledge_form": AcknowledgeForm(),
        "restoration_form": RestorationForm(),
        "now": timezone.now(),
        **_roles(request),
    }
    return render(request, "monitoring/ticket_detail.html", ctx)


@require_POST
def ticket_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    _act(
        request,
        AcknowledgeForm(request.POST),
        lambda data: tickets.ticket_acknowledge(
            ticket_id=ticket.pk, protocol=data["protocol"], by=request.user, now=timezone.now()
        ),
        "Recebimento registrado.",
    )
    return redirect("monitoring:ticket-detail", pk=ticket.pk)


@require_POST
def ticket_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    _act(
        request,
        RestorationForm(request.POST),
        lambda data: tickets.ticket_report_restoration(
            ticket_id=ticket.pk, cause=data["cause"], by=request.user, now=timezone.now()
        ),
        "Restabelecimento informado.",
    )
    return redirect("monitoring:ticket-detail", pk=ticket.pk)


@require_GET
def outage_list_view(request: HttpRequest) -> HttpResponse:
    f = OutageFilter(request.GET, queryset=outage_list(user=request.user), request=request)
    now = timezone.now()
    outages = outages_with_length(outages=f.qs, now=now)
    page = Paginator(outages, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "filter_form": f.form,
        "page": page,
        "outages": list(page.object_list),
        "headers": sort_headers(f),
        "totals": outage_minute_totals(outages=f.qs, now=now),
        "classify_form": ClassifyForm(),
        **_roles(request),
    }
    return render(request, "monitoring/outage_list.html", ctx)


@require_GET
@throttle_expensive
def outage_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    f = OutageFilter(request.GET, queryset=outage_list(user=request.user), request=request)
    outages = outages_with_length(outages=f.qs, now=timezone.now())
    return export_response(
        OUTAGE_COLUMNS,
        outages.prefetch_related("link__lot__members__carrier"),
        fmt=fmt,
        title="Indisponibilidades",
        filename=f"indisponibilidades-{timezone.localdate():%Y-%m-%d}",
    )


@require_POST
def outage_classify_bulk_view(request: HttpRequest) -> HttpResponse:
    responsibility.require_noc(request.user)
    ids = list(outage_list(user=request.user).values_list("pk", flat=True))
    _act(
        request,
        BulkClassifyForm(request.POST, outage_ids=ids),
        lambda data: responsibility.outages_classify(
            outage_ids=data["outages"],
            to=data["responsibility"],
            reason=data["reason"],
            by=request.user,
            now=timezone.now(),
        ),
        "Indisponibilidades classificadas.",
    )
    return redirect(_next_or(request, "monitoring:outage-list"))


@require_GET
def outage_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    outage = outage_get_for_user(user=request.user, pk=pk)
    tickets = list(outage.tickets.select_related("carrier", "acknowledged_by", "restored_by"))
    notes = sees_whole_network(request.user)
    ctx = {
        "outage": outage,
        "chain": outage_chain(outage),
        "timeline": incident_timeline(outage=outage, loss=None, tickets=tickets, notes=notes),
        "sees_notes": notes,
        "tickets": tickets,
        "open_dispute": outage.disputes.filter(status="open").first(),
        "classify_form": ClassifyForm(),
        "split_form": SplitForm(),
        "dispute_form": DisputeForm(),
        **_roles(request),
    }
    return render(request, "monitoring/outage_detail.html", ctx)


@require_POST
def outage_classify_view(request: HttpRequest, pk: int) -> HttpResponse:
    outage = outage_get_for_user(user=request.user, pk=pk)
    _act(
        request,
        ClassifyForm(request.POST),
        lambda data: responsibility.outages_classify(
            outage_ids=[outage.pk],
            to=data["responsibility"],
            reason=data["reason"],
            by=request.user,
            now=timezone.now(),
        ),
        "Responsabilidade registrada.",
    )
    return redirect("monitoring:outage-detail", pk=outage.pk)


@require_POST
def outage_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    outage = outage_get_for_user(user=request.user, pk=pk)
    _act(
        request,
        SplitForm(request.POST),
        lambda data: responsibility.outage_split(
            outage_id=outage.pk,
            at=data["at"],
            reason=data["reason"],
            by=request.user,
            now=timezone.now(),
        ),
        "Indisponibilidade dividida.",
    )
    return redirect("monitoring:outage-detail", pk=outage.pk)


@require_POST
def dispute_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    outage = outage_get_for_user(user=request.user, pk=pk)
    _act(
        request,
        DisputeForm(request.POST, request.FILES),
        lambda data: responsibility.dispute_file(
            outage_id=outage.pk,
            requested=data["requested"],
            text=data["text"],
            files=data["files"],
            by=request.user,
            now=timezone.now(),
        ),
        "Contestação apresentada.",
    )
    return redirect("monitoring:outage-detail", pk=outage.pk)


@require_GET
def dispute_attachment_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A dispute's evidence, to those who see the outage (the same rows as its page)."""
    outage = outage_get_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(DisputeAttachment, pk=attachment_pk, dispute__outage=outage)
    return file_download(
        attachment.file, filename=attachment.name, content_type=content_type_for(attachment.name)
    )


@require_POST
def dispute_decide_view(request: HttpRequest, pk: int, dispute_pk: int) -> HttpResponse:
    outage = outage_get_for_user(user=request.user, pk=pk)
    dispute = get_object_or_404(outage.disputes, pk=dispute_pk)
    rejecting = request.POST.get("accept") != "1" and holds(request.user, NOC_STAFF)
    if rejecting and confirmation_refused(request):  # others are refused by the service
        return redirect("monitoring:outage-detail", pk=outage.pk)
    _act(
        request,
        DisputeDecisionForm(request.POST),
        lambda data: responsibility.dispute_decide(
            dispute_id=dispute.pk,
            accept=data["accept"],
            reason=data["reason"],
            by=request.user,
            now=timezone.now(),
        ),
        "Contestação decidida.",
    )
    return redirect("monitoring:outage-detail", pk=outage.pk)


@require_GET
def maintenance_list_view(request: HttpRequest) -> HttpResponse:
    f = MaintenanceFilter(request.GET, queryset=maintenance_list(user=request.user))
    page = Paginator(f.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "windows": list(page.object_list),
        "headers": sort_headers(f),
        **_roles(request),
    }
    return render(request, "monitoring/maintenance_list.html", ctx)


@require_http_methods(["GET", "POST"])
def maintenance_request_view(request: HttpRequest) -> HttpResponse:
    if not holds(request.user, CARRIER_ROLES):
        raise PermissionDenied("Só uma operadora pode solicitar janela de manutenção.")
    form = MaintenanceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            maintenance_services.maintenance_request(
                by=request.user, now=timezone.now(), **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, "Janela de manutenção solicitada.")
            return redirect("monitoring:maintenance-list")
    return render(request, "monitoring/maintenance_form.html", {"form": form})


@require_POST
def maintenance_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    window = get_object_or_404(maintenance_list(user=request.user), pk=pk)
    _act(
        request,
        WindowDecisionForm(request.POST),
        lambda data: maintenance_services.maintenance_transition(
            window_id=window.pk,
            to=data["to"],
            by=request.user,
            reason=data["reason"],
            now=timezone.now(),
        ),
        "Janela de manutenção atualizada.",
    )
    return redirect("monitoring:maintenance-list")
