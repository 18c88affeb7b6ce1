from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.exports import export_response
from core.sorting import sort_headers
from inventory.choices import LinkStatus
from inventory.exports import LINK_COLUMNS
from inventory.filters import LinkFilter
from inventory.selectors import link_get_for_user, link_history, link_list, link_timeline
from redegov.access import sees_whole_network
from redegov.throttling import throttle_expensive

PAGE_SIZE = 50


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
        "headers": sort_headers(f),
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
