"""The technical reports' pages: the months, a month's reports of every agency (and their
generation as one ZIP), an agency's report as a page and as a PDF, its attestation, and the
summaries for billing staff and the committee. Thin: reads in `billing.reports.selectors` and
`billing.reports.summaries`, writes in `billing.reports.services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from billing.choices import JobKind
from billing.reports import pdf
from billing.reports.forms import AttestForm, SummaryForm
from billing.reports.selectors import (
    agency_report,
    attest_capacity,
    report_agency_get_for_user,
    report_archive_job,
    report_month_rows,
    report_period_rows,
)
from billing.reports.services import report_attest
from billing.reports.summaries import summary
from billing.selectors import period_get
from billing.services import period_job_request
from core.exceptions import DomainError
from redegov.access import BILLING_STAFF, REPORT_READERS, SUMMARY_READERS, holds, require
from redegov.confirm import confirmation_refused
from redegov.throttling import throttle_expensive

# Who lists reports: REPORT_READERS (an agency manager sees its own agency's); the others get
# 403. An agency's report itself answers 404 to whoever may not open it
# (redegov.access.report_agency_rows). BILLING_STAFF generate a month's reports in the
# background; SUMMARY_READERS read the summaries.


def _require(user, roles: frozenset[str]) -> None:
    require(user, roles, "Seu perfil não tem acesso a estes relatórios.")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def report_index_view(request: HttpRequest) -> HttpResponse:
    _require(request.user, REPORT_READERS)
    ctx = {
        "rows": report_period_rows(user=request.user),
        "sees_summaries": holds(request.user, SUMMARY_READERS),
    }
    return render(request, "reports/index.html", ctx)


@require_GET
def report_month_view(request: HttpRequest, label: str) -> HttpResponse:
    _require(request.user, REPORT_READERS)
    period = period_get(label=label)
    is_staff = holds(request.user, BILLING_STAFF)
    ctx = {
        "period": period,
        "rows": report_month_rows(user=request.user, period=period),
        "is_staff": is_staff,
        "archive": report_archive_job(period=period) if is_staff else None,
    }
    return render(request, "reports/month.html", ctx)


@require_POST
@throttle_expensive
def report_archive_view(request: HttpRequest, label: str) -> HttpResponse:
    """Queue the generation of every agency's report of the month as one ZIP (a billing job:
    its page shows the progress and offers the file)."""
    _require(request.user, BILLING_STAFF)
    period = period_get(label=label)
    try:
        job = period_job_request(
            period=period, kind=JobKind.REPORTS, user=request.user, now=timezone.now()
        )
    except DomainError as e:
        messages.error(request, str(e))
        return redirect("reports:month", label=period.label)
    return redirect("billing:job", pk=job.pk)


def _report(request: HttpRequest, label: str, code: str):
    _require(request.user, REPORT_READERS)
    agency = report_agency_get_for_user(user=request.user, code=code)
    return agency_report(period=period_get(label=label), agency=agency, now=timezone.now())


@require_GET
def report_view(request: HttpRequest, label: str, code: str) -> HttpResponse:
    report = _report(request, label, code)
    capacity = attest_capacity(request.user, report.agency)
    ctx = {
        "report": report,
        "can_attest": capacity is not None and report.attestation.attestable,
        "form": AttestForm(initial={"digest": report.attestation.digest}),
    }
    return render(request, "reports/report.html", ctx)


@require_GET
@throttle_expensive
def report_pdf_view(request: HttpRequest, label: str, code: str) -> HttpResponse:
    report = _report(request, label, code)
    return _pdf(pdf.agency_report_pdf(report), report.filename)


@require_POST
def report_attest_view(request: HttpRequest, label: str, code: str) -> HttpResponse:
    _require(request.user, REPORT_READERS)
    agency = report_agency_get_for_user(user=request.user, code=code)
    period = period_get(label=label)
    if attest_capacity(request.user, agency) is None:
        raise PermissionDenied("Só o gestor do órgão, titular ou substituto, atesta o relatório.")
    if confirmation_refused(request):
        return redirect("reports:report", label=period.label, code=agency.code)
    form = AttestForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("Abra o relatório de novo e confira os valores antes de atestar.")
        report_attest(
            period=period,
            agency=agency,
            user=request.user,
            digest=form.cleaned_data["digest"],
            now=timezone.now(),
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"Relatório técnico da competência {period} atestado.")
    return redirect("reports:report", label=period.label, code=agency.code)


def _summary(request: HttpRequest):
    _require(request.user, SUMMARY_READERS)
    form = SummaryForm(request.GET)
    form.is_valid()  # an unknown contract or month falls back to the defaults below
    contract = form.cleaned_data.get("contrato") or form.fields["contrato"].queryset.first()
    if contract is None:
        return form, None
    return form, summary(contract=contract, period=form.cleaned_data.get("competencia"))


@require_GET
def summary_view(request: HttpRequest) -> HttpResponse:
    form, result = _summary(request)
    return render(request, "reports/summary.html", {"form": form, "summary": result})


@require_GET
@throttle_expensive
def summary_pdf_view(request: HttpRequest) -> HttpResponse:
    _, result = _summary(request)
    if result is None:
        return redirect("reports:summary")
    name = result.period.label if result.period else "vigencia"
    return _pdf(pdf.summary_pdf(result), f"resumo-{result.contract.pk}-{name}.pdf")
