"""The dead-letter page ("Mensagens não entregues"): the NOC and admins see the messages the
outbox gave up on, and retry or cancel each one with a reason (docs/operations.md)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from outbox.forms import CancelForm, RetryForm
from outbox.selectors import message_counts, message_dead_list
from outbox.services import message_cancel, message_retry
from redegov.access import NOC_STAFF, require

PAGE_SIZE = 50


def _require_noc(request: HttpRequest) -> None:
    require(
        request.user, NOC_STAFF, "Só o NOC e os administradores veem as mensagens não entregues."
    )


@require_GET
def dead_list_view(request: HttpRequest) -> HttpResponse:
    _require_noc(request)
    page = Paginator(message_dead_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "dead": list(page.object_list),
        "counts": message_counts(),
        "retry_form": RetryForm(),
        "cancel_form": CancelForm(),
    }
    return render(request, "outbox/dead_list.html", ctx)


def _act(request: HttpRequest, form, action, done: str) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            action(form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
    return redirect("outbox:dead-list")


@require_POST
def message_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_noc(request)
    return _act(
        request,
        RetryForm(request.POST),
        lambda reason: message_retry(
            message_id=pk, by=request.user, now=timezone.now(), reason=reason
        ),
        "Mensagem enviada de novo para a fila de entrega.",
    )


@require_POST
def message_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_noc(request)
    return _act(
        request,
        CancelForm(request.POST),
        lambda reason: message_cancel(
            message_id=pk, by=request.user, now=timezone.now(), reason=reason
        ),
        "Mensagem cancelada.",
    )
