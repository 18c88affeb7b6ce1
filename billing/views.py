"""The billing pages: the competências (compute, close), a month's overview, its statement
(filters, totals, export) and one line's explanation. Thin: the arithmetic lives in
`billing.arithmetic`, the writes in `billing.services`, the rows a user may see in
`billing.selectors`."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing import arithmetic
from billing.choices import JobKind
from billing.exports import LINE_COLUMNS
from billing.filters import LineFilter
from billing.forms import PeriodMonthForm
from billing.invoices.selectors import unresolved_count
from billing.invoices.services import closing_override_record
from billing.models import BillingPeriod, Correction, PeriodJob, StatementLine
from billing.selectors import (
    SUMS,
    job_progress,
    jobs_active,
    line_get_for_user,
    line_list,
    member_sums,
    period_get,
    sums_by,
    totals,
    zero_sums,
)
from billing.services import period_get_or_create, period_job_request
from core.exceptions import DomainError
from core.exports import export_response
from core.money import round_brl
from core.sorting import sort_headers
from inventory.models import PriceItem
from monitoring.selectors import outage_list
from redegov.access import BILL_READERS, BILLING_STAFF, get_for_user, holds, require, restrict
from redegov.confirm import confirmation_refused
from redegov.throttling import throttle_expensive
from redegov.uploads import file_download

PAGE_SIZE = 50
REFUSED = "Seu perfil não tem acesso ao faturamento."


def _require(user, roles: frozenset[str]) -> None:
    require(user, roles, REFUSED)


def _period_totals(user, periods: list[BillingPeriod]) -> dict[int, dict[str, Decimal]]:
    """Each period's totals over the lines the user may see, in one query (line_list is per
    period; this is the same visibility rule over several)."""
    lines = restrict(StatementLine.objects.filter(period__in=periods), user)
    return {
        row.pop("period_id"): row
        for row in lines.order_by().values("period_id").annotate(lines=Count("pk"), **SUMS)
    }


@require_GET
def period_list_view(request: HttpRequest) -> HttpResponse:
    _require(request.user, BILL_READERS)
    periods = list(BillingPeriod.objects.select_related("closed_by"))
    sums = _period_totals(request.user, periods)
    is_staff = holds(request.user, BILLING_STAFF)
    jobs = jobs_active() if is_staff else {}
    ctx = {
        "rows": [
            {"period": p, "totals": sums.get(p.pk, zero_sums()), "job": jobs.get(p.pk)}
            for p in periods
        ],
        "is_staff": is_staff,
        "month_form": PeriodMonthForm(),
    }
    return render(request, "billing/period_list.html", ctx)


def _job_start(request: HttpRequest, period: BillingPeriod, kind: str) -> HttpResponse:
    """Queue the job and show its progress; a refusal goes back to the list with its reason."""
    try:
        job = period_job_request(period=period, kind=kind, user=request.user, now=timezone.now())
    except DomainError as e:
        messages.error(request, str(e))
        return redirect("billing:period-list")
    return redirect("billing:job", pk=job.pk)


@require_POST
@throttle_expensive
def period_compute_view(request: HttpRequest) -> HttpResponse:
    _require(request.user, BILLING_STAFF)
    form = PeriodMonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["month"])))
        return redirect("billing:period-list")
    year, month = form.cleaned_data["month"]
    return _job_start(request, period_get_or_create(year=year, month=month), JobKind.COMPUTE)


@require_http_methods(["GET", "POST"])
@throttle_expensive
def period_close_view(request: HttpRequest, label: str) -> HttpResponse:
    """GET asks for confirmation (closing freezes the month); POST, confirmed, queues the
    closing. With carrier invoices' contestations unresolved, closing needs a reason, recorded
    (docs/ui.md, "Confirmações")."""
    _require(request.user, BILLING_STAFF)
    period = period_get(label=label)
    unresolved = unresolved_count(period=period)
    if request.method == "GET":
        ctx = {
            "period": period,
            "totals": totals(line_list(user=request.user, period=period)),
            "unresolved": unresolved,
        }
        return render(request, "billing/period_close.html", ctx)
    if confirmation_refused(request, reason_required=bool(unresolved)):
        return redirect("billing:period-close", label=period.label)
    reason = request.POST.get("reason", "")
    if reason.strip():
        closing_override_record(period=period, reason=reason, user=request.user, now=timezone.now())
    return _job_start(request, period, JobKind.CLOSE)


@require_GET
def job_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A month's job and its progress; htmx asks for the progress fragment again while it runs
    (the fragment alone when htmx asks)."""
    _require(request.user, BILLING_STAFF)
    job = get_for_user(
        PeriodJob.objects.select_related("period", "requested_by"),
        request.user,
        "Tarefa não encontrada",
        pk=pk,
    )
    ctx = {"job": job, "progress": job_progress(job)}
    if request.headers.get("HX-Request"):
        return render(request, "billing/_job_progress.html", ctx)
    return render(request, "billing/job.html", ctx)


@require_GET
@throttle_expensive
def job_file_view(request: HttpRequest, pk: int) -> FileResponse:
    """What a job made (the month's technical reports in a ZIP), from the private storage to
    those who may see the job, never from a public URL (docs/security.md, "Downloads")."""
    _require(request.user, BILLING_STAFF)
    job = get_for_user(PeriodJob.objects.all(), request.user, "Tarefa não encontrada", pk=pk)
    if not job.file:
        raise Http404("Esta tarefa não gerou arquivo.")
    name = Path(job.file.name).name
    return file_download(job.file, filename=name, content_type="application/zip")


@require_GET
def period_overview_view(request: HttpRequest, label: str) -> HttpResponse:
    _require(request.user, BILL_READERS)
    period = period_get(label=label)
    lines = line_list(user=request.user, period=period)
    ctx = {
        "period": period,
        "totals": totals(lines),
        "by_carrier": sums_by(lines, "carrier", "carrier__name"),
        "by_member": member_sums(lines),
        "by_lot": sums_by(lines, "lot", "lot__number"),
        "by_agency": sums_by(lines, "agency", "agency__code"),
    }
    return render(request, "billing/period_overview.html", ctx)


def _filtered(request: HttpRequest, period: BillingPeriod) -> LineFilter:
    return LineFilter(request.GET, queryset=line_list(user=request.user, period=period))


@require_GET
def statement_view(request: HttpRequest, label: str) -> HttpResponse:
    _require(request.user, BILL_READERS)
    period = period_get(label=label)
    f = _filtered(request, period)
    page = Paginator(f.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "period": period,
        "filter_form": f.form,
        "page": page,
        "lines": list(page.object_list),
        "headers": sort_headers(f),
        "totals": totals(f.qs),
    }
    return render(request, "billing/statement.html", ctx)


@require_GET
@throttle_expensive
def statement_export_view(request: HttpRequest, label: str, fmt: str) -> HttpResponse:
    _require(request.user, BILL_READERS)
    period = period_get(label=label)
    lines = _filtered(request, period).qs
    return export_response(
        LINE_COLUMNS,
        lines,
        fmt=fmt,
        title=f"Demonstrativo {period.label}",
        filename=f"demonstrativo-{period.label}",
    )


def _decimal(value: Fraction) -> Decimal:
    """An exact amount shown before rounding (the screen shows four places)."""
    return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass(frozen=True)
class SegmentRow:
    """One price segment of a line as stored in its inputs, with its exact parts."""

    start: datetime
    end: datetime
    minutes: int
    counted_minutes: int
    divisor: int
    price: Decimal
    speed_mbps: int
    price_item: PriceItem | None
    due: Decimal  # price x minutes / month minutes, before rounding
    discount: Decimal  # price x counted minutes / divisor, before rounding


def _explanation(line: StatementLine) -> dict[str, object]:
    """The line's arithmetic written out from its stored inputs (docs/billing.md)."""
    inputs = line.inputs
    month_minutes = inputs["month_minutes"]
    items = PriceItem.objects.in_bulk([s["price_item"] for s in inputs["segments"]])
    due, discount, rows = Fraction(0), Fraction(0), []
    for s in inputs["segments"]:
        price = Fraction(Decimal(s["price"]))
        segment_due = price * s["minutes"] / month_minutes
        segment_discount = price * s["counted_minutes"] / s["divisor"]
        due, discount = due + segment_due, discount + segment_discount
        rows.append(
            SegmentRow(
                start=datetime.fromisoformat(s["start"]),
                end=datetime.fromisoformat(s["end"]),
                minutes=s["minutes"],
                counted_minutes=s["counted_minutes"],
                divisor=s["divisor"],
                price=Decimal(s["price"]),
                speed_mbps=s["speed_mbps"],
                price_item=items.get(s["price_item"]),
                due=_decimal(segment_due),
                discount=_decimal(segment_discount),
            )
        )
    return {
        "month_minutes": month_minutes,
        "segments": rows,
        "due": _decimal(due),
        "discount": _decimal(discount),
        "discount_capped": round_brl(discount) > line.discount,
        "correction_carry": Decimal(inputs["correction_carry"]),
        "rule": arithmetic.rule_name(inputs["rule"]),
        "computed_at": datetime.fromisoformat(inputs["computed_at"]),
    }


@require_GET
def line_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    found = line_get_for_user(user=request.user, pk=pk)
    # line_get_for_user decides; line_list brings the related rows and shares in one go.
    line = line_list(user=request.user, period=found.period).get(pk=pk)
    ctx = {
        "period": found.period,
        "line": line,
        "shares": list(line.shares.all()),
        "explanation": _explanation(line),
        "outages": list(
            outage_list(user=request.user).filter(pk__in=line.inputs["outages"]).order_by("start")
        ),
        # Posted on this line, and posted later in other months to correct this one.
        "corrections": list(
            Correction.objects.filter(Q(period=found.period) | Q(corrects=found.period))
            .filter(link=line.link_id)
            .select_related("period", "corrects")
            .order_by("created_at")
        ),
    }
    return render(request, "billing/line_detail.html", ctx)
