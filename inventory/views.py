from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inventory.selectors import link_get_for_user, link_list


@require_GET
def link_list_view(request: HttpRequest) -> HttpResponse:
    links = list(link_list(user=request.user)[:50])
    return render(request, "inventory/link_list.html", {"links": links})


@require_GET
def link_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    link = link_get_for_user(user=request.user, pk=pk)
    return render(request, "inventory/link_detail.html", {"link": link})
