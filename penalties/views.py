"""The proceeding pages: list (filters, export), detail (deadlines, timeline, documents,
actions), opening (by hand or from a repeated-breach flag), the moves, the opinions, the
downloads (documents, notice PDFs) and the report of fines. Thin: rules live in services."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from core.exports import Column, export_response
from core.sorting import sort_headers
from outbox.selectors import messages_notice
from outbox.services import messages_recorded
from penalties.choices import CONFIRM_QUESTIONS
from penalties.filters import ProceedingFilter
from penalties.forms import FromFlagForm, OpinionForm, ProceedingOpenForm, TransitionForm
from penalties.pdf import notice_pdf
from penalties.selectors import (
    document_get_for_user,
    evidence_for,
    fines_report,
    notice_get_for_user,
    opinion_kinds_for,
    proceeding_actions,
    proceeding_collected,
    proceeding_deadlines,
    proceeding_documents,
    proceeding_ending,
    proceeding_events,
    proceeding_get_for_user,
    proceeding_list,
    proceeding_notices,
    proceeding_schedule,
    proceeding_todo,
)
from penalties.services import (
    opinion_add,
    proceeding_open,
    proceeding_open_from_flag,
    proceeding_transition,
)
from redegov.access import BILLING_STAFF, PROCEEDING_READERS, holds, require
from redegov.confirm import ConfirmForm
from redegov.throttling import throttle_expensive
from redegov.todo import todo_rows
from redegov.uploads import file_download
from sla.selectors import flag_get_for_user, proceeding_draft

PAGE_SIZE = 50
PROCEEDING_COLUMNS = [
    Column("Número", lambda p: p.number, 16),
    Column("Contrato", lambda p: p.contract.number, 18),
    Column("Lote", lambda p: p.lot.number, 6),
    Column("Operadora", lambda p: p.carrier.name, 28),
    Column("Sanção", lambda p: p.get_sanction_display(), 12),
    Column("Situação", lambda p: p.get_status_display(), 30),
    Column("Multa proposta", lambda p: p.proposed_amount, 16),
    Column("Multa decidida", lambda p: p.amount, 16),
    Column("Parcelas", lambda p: p.installments, 8),
    Column("Último dia do prazo", lambda p: p.due_date, 14),
    Column("Aberto em", lambda p: p.opened_at, 17),
]
REPORT_COLUMNS = [
    Column("Operadora", lambda r: r.carrier, 28),
    Column("Situação", lambda r: r.status, 30),
    Column("Processos", lambda r: r.count, 10),
    Column("Multas (R$)", lambda r: r.amount, 16),
    Column("Cobrado (R$)", lambda r: r.collected, 16),
    Column("A cobrar (R$)", lambda r: r.outstanding, 16),
]

OPENERS_ONLY = "Só a equipe de faturamento (UGS) abre processos de multa."
READERS_ONLY = "Seu perfil não tem acesso aos processos de multa."


def _filtered(request: HttpRequest) -> ProceedingFilter:
    require(request.user, PROCEEDING_READERS, READERS_ONLY)
    return ProceedingFilter(
        request.GET, queryset=proceeding_list(user=request.user), request=request
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def proceeding_list_view(request: HttpRequest) -> HttpResponse:
    f = _filtered(request)
    now = timezone.now()
    page = Paginator(f.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "filter_form": f.form,
        "page": page,
        "rows": list(page.object_list),
        "headers": sort_headers(f),
        "total": page.paginator.count,
        "waiting": todo_rows(proceeding_todo(user=request.user, now=now), now),
        "can_open": holds(request.user, BILLING_STAFF),
    }
    return render(request, "penalties/proceeding_list.html", ctx)


@require_GET
@throttle_expensive
def proceeding_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    return export_response(
        PROCEEDING_COLUMNS,
        _filtered(request).qs.order_by("number"),
        fmt=fmt,
        title="Processos de multa",
        filename=f"processos-de-multa-{timezone.localdate():%Y-%m-%d}",
    )


@require_GET
def proceeding_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    proceeding = proceeding_get_for_user(user=request.user, pk=pk)
    now = timezone.now()
    events = proceeding_events(proceeding)
    actions = proceeding_actions(user=request.user, proceeding=proceeding, now=now)
    ctx = {
        "proceeding": proceeding,
        "members": list(proceeding.lot.members.select_related("carrier").order_by("position")),
        "evidence": list(proceeding.evidence.all()),
        "events": events,
        "ending": proceeding_ending(proceeding, events),
        "notices": proceeding_notices(events),
        "deadlines": proceeding_deadlines(proceeding, events, now),
        "documents": proceeding_documents(proceeding),
        "opinions": list(proceeding.opinions.select_related("author")),
        "actions": [a for a in actions if not a.question],
        "negative_actions": [a for a in actions if a.question],  # confirmed, placed apart
        "opinion_kinds": opinion_kinds_for(user=request.user, proceeding=proceeding),
        "schedule": proceeding_schedule(proceeding),
        "collected": proceeding_collected(proceeding),
    }
    return render(request, "penalties/proceeding_detail.html", ctx)


@require_http_methods(["GET", "POST"])
def proceeding_open_view(request: HttpRequest) -> HttpResponse:
    require(
        request.user, BILLING_STAFF, "Só a equipe de faturamento (UGS) abre processos de multa."
    )
    form = ProceedingOpenForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proceeding = proceeding_open(
                user=request.user,
                lot=data["lot"],
                facts=data["facts"],
                sanction=data["sanction"],
                fine_type=data["fine_type"],
                evidence=evidence_for(
                    lot=data["lot"], order_numbers=data["orders"], outage_ids=data["outages"]
                ),
                documents=data["documents"],
            )
        except (ValidationError, DomainError) as e:
            form.add_error(None, ValidationError(str(e)) if isinstance(e, DomainError) else e)
        else:
            messages.success(request, f"Processo {proceeding.number} aberto.")
            return redirect("penalties:proceeding-detail", pk=proceeding.pk)
    return render(request, "penalties/proceeding_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def proceeding_from_flag_view(request: HttpRequest, flag_pk: int) -> HttpResponse:
    require(
        request.user, BILLING_STAFF, "Só a equipe de faturamento (UGS) abre processos de multa."
    )
    draft = proceeding_draft(flag_get_for_user(user=request.user, pk=flag_pk))
    form = FromFlagForm(request.POST or None, contract=draft.contract)
    if request.method == "POST" and form.is_valid():
        try:
            proceeding = proceeding_open_from_flag(
                user=request.user, flag=draft.flag, **form.cleaned_data
            )
        except (ValidationError, DomainError) as e:
            form.add_error(None, ValidationError(str(e)) if isinstance(e, DomainError) else e)
        else:
            messages.success(request, f"Processo {proceeding.number} aberto da reincidência.")
            return redirect("penalties:proceeding-detail", pk=proceeding.pk)
    return render(request, "penalties/proceeding_from_flag.html", {"form": form, "draft": draft})


@require_POST
def proceeding_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    proceeding = proceeding_get_for_user(user=request.user, pk=pk)
    form = TransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Dados inválidos: " + " ".join(form.errors.as_text().split()))
        return redirect("penalties:proceeding-detail", pk=pk)
    data = form.cleaned_data
    confirm = ConfirmForm(request.POST)  # a negative move: confirmed, with a reason
    if data["to"] in CONFIRM_QUESTIONS and not confirm.is_valid():
        messages.error(request, confirm.error_text())
        return redirect("penalties:proceeding-detail", pk=pk)
    try:
        with messages_recorded() as sent:
            proceeding = proceeding_transition(
                proceeding=proceeding,
                to=data["to"],
                user=request.user,
                reason=data["reason"],
                documents=data["documents"],
                outcome=data["outcome"],
                amount=data["amount"],
                installments=data["installments"] or 1,
            )
    except (ValidationError, DomainError) as e:
        messages.error(request, " ".join(e.messages) if isinstance(e, ValidationError) else str(e))
    else:
        done = f"{proceeding.number}: {proceeding.get_status_display()}."
        messages.success(request, messages_notice(done, sent))
    return redirect("penalties:proceeding-detail", pk=pk)


@require_POST
def opinion_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    proceeding = proceeding_get_for_user(user=request.user, pk=pk)
    form = OpinionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Escreva o parecer.")
        return redirect("penalties:proceeding-detail", pk=pk)
    try:
        opinion_add(proceeding=proceeding, user=request.user, **form.cleaned_data)
    except (ValidationError, DomainError) as e:
        messages.error(request, " ".join(e.messages) if isinstance(e, ValidationError) else str(e))
    else:
        messages.success(request, "Parecer registrado.")
    return redirect("penalties:proceeding-detail", pk=pk)


@require_GET
def document_download_view(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    document = document_get_for_user(user=request.user, proceeding_pk=pk, pk=document_pk)
    return file_download(
        document.file,
        filename=document.name or Path(document.file.name).name,
        content_type="application/pdf",
    )


@require_GET
@throttle_expensive
def notice_pdf_view(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    event = notice_get_for_user(user=request.user, proceeding_pk=pk, pk=event_pk)
    return _pdf(notice_pdf(event), f"{event.proceeding.number}-{event.pk}.pdf")


@require_GET
def fines_report_view(request: HttpRequest) -> HttpResponse:
    require(request.user, PROCEEDING_READERS, READERS_ONLY)
    rows = fines_report(user=request.user)
    ctx = {
        "rows": rows,
        "total_amount": sum(r.amount for r in rows),
        "total_collected": sum(r.collected for r in rows),
        "total_outstanding": sum(r.outstanding for r in rows),
    }
    return render(request, "penalties/fines_report.html", ctx)


@require_GET
@throttle_expensive
def fines_report_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, PROCEEDING_READERS, READERS_ONLY)
    return export_response(
        REPORT_COLUMNS,
        fines_report(user=request.user),
        fmt=fmt,
        title="Multas por operadora",
        filename=f"multas-{timezone.localdate():%Y-%m-%d}",
    )
