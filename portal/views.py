from datetime import datetime

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from billing.invoices.selectors import invoice_todo
from billing.models import BillingPeriod
from billing.reports.selectors import report_pending_list
from billing.selectors import period_todo
from inventory.selectors import lot_summary_list, network_counts
from monitoring.selectors import monitoring_home, noc_todo, ticket_todo
from orders.selectors import order_home_list, order_todo
from penalties.selectors import proceeding_todo
from redegov.access import BILLING_STAFF, NOC_STAFF, holds
from redegov.context_processors import link_scope
from redegov.health import health_report
from redegov.todo import TodoRow, todo_rows
from sla.selectors import imr_home


def _billing_month() -> dict[str, object]:
    """The competência billed now (last month) and its period, None until it is computed."""
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    period = BillingPeriod.objects.filter(year=year, month=month).first()
    return {"label": f"{month:02d}/{year}", "key": f"{year}-{month:02d}", "period": period}


def _todo(user, now: datetime) -> list[TodoRow]:
    """Everything that waits for this person (or their role), overdue first (redegov.todo)."""
    items = [
        *proceeding_todo(user=user, now=now),
        *noc_todo(user=user),
        *ticket_todo(user=user),
        *period_todo(user=user, now=now),
        *invoice_todo(user=user),
        *order_todo(user=user),
    ]
    return todo_rows(items, now)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page; what each role does first (docs/domain.md section 1)."""
    scope = link_scope(request.user)
    now = timezone.now()
    ctx = {
        "todo": _todo(request.user, now),
        "scope": scope,
        "counts": network_counts(user=request.user) if scope else None,
        "lots": lot_summary_list(user=request.user) if scope in ("network", "carrier") else [],
        "agency": request.user.agency if scope in ("agency", "unit") else None,
        "unit": request.user.unit if scope == "unit" else None,
        "orders": order_home_list(user=request.user) if scope else [],
        "monitoring": monitoring_home(user=request.user) if scope else None,
        "noc": holds(request.user, NOC_STAFF),
        "billing": _billing_month() if holds(request.user, BILLING_STAFF) else None,
        "imr": imr_home() if holds(request.user, BILLING_STAFF) else None,
        "attestations": report_pending_list(user=request.user) if scope == "agency" else None,
    }
    return render(request, "home.html", ctx)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and deployments: 200 when the database, Redis and workers are fine."""
    report = health_report()
    healthy = all(part["ok"] for part in report.values())
    return JsonResponse({"ok": healthy, **report}, status=200 if healthy else 503)
