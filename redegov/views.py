from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inventory.selectors import lot_summary_list, network_counts
from monitoring.selectors import monitoring_home
from orders.selectors import order_home_list
from redegov.context_processors import link_scope
from redegov.health import health_report


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page; it grows as outages, orders and billing land (UI.md)."""
    scope = link_scope(request.user)
    ctx = {
        "scope": scope,
        "counts": network_counts(user=request.user) if scope else None,
        "lots": lot_summary_list(user=request.user) if scope in ("network", "carrier") else [],
        "agency": request.user.agency if scope in ("agency", "unit") else None,
        "unit": request.user.unit if scope == "unit" else None,
        "orders": order_home_list(user=request.user) if scope else [],
        "monitoring": monitoring_home(user=request.user) if scope else None,
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
