from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inventory.selectors import network_counts
from redegov.health import health_report


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    ctx = {"counts": network_counts(user=request.user)}
    return render(request, "home.html", ctx)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and deployments: 200 when the database, Redis and workers are fine."""
    report = health_report()
    healthy = all(part["ok"] for part in report.values())
    return JsonResponse({"ok": healthy, **report}, status=200 if healthy else 503)
