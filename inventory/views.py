from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.exports import export_response
from inventory.choices import LinkStatus
from inventory.exports import LINK_COLUMNS
from inventory.filters import LinkFilter
from inventory.selectors import link_get_for_user, link_history, link_list, link_timeline
from redegov.access import sees_whole_network
from redegov.throttling import throttle_expensive

PAGE_SIZE = 50
# The list's columns: (header, sort key in inventory.filters.SORTABLE_COLUMNS or None, numeric).
LIST_COLUMNS = [
    ("Designação", "circuit_id", False),
    ("Órgão", "agency", False),
    ("Município", "municipality", False),
    ("Lote", "lot", False),
    ("Operadora", None, False),
    ("Velocidade (Mbps)", "speed", True),
    ("Tipo", "access_type", False),
    ("Situação", "status", False),
    ("Ativado em", "activated_at", False),
]


def _sort_headers(current: str) -> list[dict[str, object]]:
    """Each column header with the sort value its link sets (a second click reverses it)."""
    headers = []
    for label, key, numeric in LIST_COLUMNS:
        direction = "asc" if current == key else "desc" if current == f"-{key}" else ""
        headers.append(
            {
                "label": label,
                "sort": (f"-{key}" if direction == "asc" else key) if key else None,
                "direction": direction,
                "numeric": numeric,
            }
        )
    return headers


@require_GET
def link_list_view(request: HttpRequest) -> HttpResponse:
    f = LinkFilter(request.GET, queryset=link_list(user=request.user), request=request)
    links = f.qs
    totals = links.aggregate(
        links=Count("pk"),
        active=Count("pk", filter=Q(status=LinkStatus.ACTIVE)),
        active_mbps=Sum("current_speed_mbps", filter=Q(status=LinkStatus.ACTIVE), default=0),
    )
    page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "filter_form": f.form,
        "page": page,
        "links": list(page.object_list),
        "totals": totals,
        "headers": _sort_headers(request.GET.get("o", "")),
    }
    return render(request, "inventory/link_list.html", ctx)


@require_GET
@throttle_expensive
def link_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    links = LinkFilter(request.GET, queryset=link_list(user=request.user), request=request).qs
    return export_response(
        LINK_COLUMNS,
        links,
        fmt=fmt,
        title="Acessos",
        filename=f"acessos-{timezone.localdate():%Y-%m-%d}",
    )


@require_GET
def link_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    link = link_get_for_user(user=request.user, pk=pk)
    ctx = {
        "link": link,
        "members": list(link.lot.members.all()),
        "timeline": link_timeline(link),
        "history": link_history(link) if sees_whole_network(request.user) else None,
    }
    return render(request, "inventory/link_detail.html", ctx)
