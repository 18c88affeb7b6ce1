"""The order pages: list (filters, export), detail (timeline, clock, actions), the draft forms,
the transition form and the compliance page. Thin: rules live in services and selectors."""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exports import Column, export_response
from core.forms import MonthForm
from core.sorting import sort_headers
from inventory.choices import AccessType
from inventory.models import Lot, Municipality
from orders.choices import CONFIRM_QUESTIONS, OrderType
from orders.compliance import compliance_rows
from orders.filters import OrderFilter
from orders.forms import OrderDraftForm, OrderTransitionForm
from orders.models import OrderEvent
from orders.selectors import (
    OrderOffer,
    order_actions,
    order_clock,
    order_clocks,
    order_due_words,
    order_events,
    order_get_for_user,
    order_link_evidence,
    order_list,
    order_offer,
    orderable_links,
    orderable_units,
)
from orders.services import order_create, order_transition
from outbox.selectors import messages_notice
from outbox.services import messages_recorded
from redegov.access import (
    CARRIER_ROLES,
    NETWORK_WIDE,
    ORDER_FILERS,
    holds,
    lot_rows,
    require,
    sees_whole_network,
)
from redegov.calendar import BusinessCalendar
from redegov.confirm import confirmation_refused
from redegov.throttling import throttle_expensive
from redegov.uploads import content_type_for, file_download

PAGE_SIZE = 50
TYPE_SLUGS = {
    "ativacao": OrderType.ACTIVATION,
    "alteracao-de-velocidade": OrderType.SPEED_CHANGE,
    "mudanca-de-endereco": OrderType.ADDRESS_CHANGE,
    "cancelamento": OrderType.CANCELLATION,
}
ORDER_COLUMNS = [
    Column("Número", lambda o: o.number, 16),
    Column("Tipo", lambda o: o.get_order_type_display(), 22),
    Column("Situação", lambda o: o.get_status_display(), 22),
    Column("Órgão / Entidade", lambda o: o.agency.code, 12),
    Column("Município", lambda o: o.municipality.name, 22),
    Column("Endereço", lambda o: o.address, 40),
    Column("Lote", lambda o: o.lot.number, 6),
    Column("Operadora", lambda o: o.carrier.name if o.carrier else "", 28),
    Column("Velocidade (Mbps)", lambda o: o.speed_mbps, 10),
    Column("Designação", lambda o: o.link.circuit_id if o.link else "", 16),
    Column("Aberta em", lambda o: o.created_at, 17),
    Column("Encaminhada em", lambda o: o.dispatched_at, 17),
    # The due instant as moved so far, an open pause included (as on the page).
    Column("Prazo", lambda o: order_clock(o).due_at, 17),
    Column("Concluída em", lambda o: o.completed_at, 17),
    Column("Verificada em", lambda o: o.verified_at, 17),
]


def _filtered(request: HttpRequest) -> OrderFilter:
    return OrderFilter(request.GET, queryset=order_list(user=request.user), request=request)


@require_GET
def order_list_view(request: HttpRequest) -> HttpResponse:
    f = _filtered(request)
    page = Paginator(f.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "filter_form": f.form,
        "page": page,
        "rows": order_clocks(list(page.object_list)),
        "headers": sort_headers(f),
        "total": page.paginator.count,
        "late_total": f.qs.late(timezone.now()).count(),
        "can_create": holds(request.user, ORDER_FILERS),
        "type_slugs": list(TYPE_SLUGS.items()),
    }
    return render(request, "orders/order_list.html", ctx)


@require_GET
@throttle_expensive
def order_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    orders = _filtered(request).qs.order_by("number")
    return export_response(
        ORDER_COLUMNS,
        orders,
        fmt=fmt,
        title="Ordens de serviço",
        filename=f"ordens-de-servico-{timezone.localdate():%Y-%m-%d}",
    )


@require_GET
def order_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_get_for_user(user=request.user, pk=pk)
    clock = order_clock(order)
    actions = order_actions(user=request.user, order=order)
    ctx = {
        "order": order,
        "clock": clock,
        "due_words": order_due_words(
            order=order, clock=clock, today=timezone.localdate(), calendar=BusinessCalendar()
        ),
        "pauses": list(order.pauses.all()),
        "events": order_events(order),
        "actions": [a for a in actions if not a.question],
        "danger_actions": [a for a in actions if a.question],
        "evidence": order_link_evidence(order),
        "linked": getattr(order, "linked_cancellation", None) or order.linked_to,
    }
    return render(request, "orders/order_detail.html", ctx)


def _offer(order_type: str, data, links) -> OrderOffer | None:
    """The offer for the site the draft names so far: the chosen municipality (a new site) or
    the chosen link's (a speed change); None until there is one."""
    link = (
        links.filter(pk=data.get("link")).first() if str(data.get("link", "")).isdigit() else None
    )
    if order_type == OrderType.SPEED_CHANGE:
        if link is None:
            return None
        municipality, access_type = link.municipality, link.access_type
    else:
        municipality = Municipality.objects.filter(ibge_code=data.get("municipality") or 0).first()
        access_type = data.get("access_type") or AccessType.SIMPLE
    if municipality is None or order_type == OrderType.CANCELLATION:
        return None
    speed = data.get("speed_mbps", "")
    return order_offer(
        municipality=municipality,
        access_type=access_type,
        speed_mbps=int(speed) if speed.isdigit() else None,
        order_type=order_type,
        at=timezone.now(),
    )


@require_http_methods(["GET", "POST"])
def order_create_view(request: HttpRequest, kind: str) -> HttpResponse:
    order_type = TYPE_SLUGS.get(kind)
    if order_type is None:
        raise Http404("Tipo de OS desconhecido")
    user = request.user
    require(user, ORDER_FILERS, "Só o gestor do órgão e os servidores das unidades abrem OS.")
    if not user.agency_id:
        raise PermissionDenied("Seu usuário não está vinculado a um órgão.")
    links = orderable_links(user=user)
    offer = _offer(order_type, request.POST, links)
    preview = "preview" in request.POST  # "Atualizar preço e prazo": show, save nothing
    form = OrderDraftForm(
        None if preview else (request.POST or None),
        initial=request.POST.dict() if preview else None,
        order_type=order_type,
        units=orderable_units(user=user),
        links=links,
        speeds=offer.speeds if offer else None,
    )
    if request.method == "POST" and not preview and form.is_valid():
        try:
            order = order_create(user=user, order_type=order_type, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"Rascunho {order.number} criado.")
            return redirect("orders:order-detail", pk=order.pk)
    ctx = {"form": form, "order_type": OrderType(order_type), "offer": offer}
    return render(request, "orders/order_form.html", ctx)


@require_POST
def order_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_get_for_user(user=request.user, pk=pk)
    form = OrderTransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, f"Dados inválidos: {errors}")
        return redirect("orders:order-detail", pk=order.pk)
    if form.cleaned_data["to"] in CONFIRM_QUESTIONS and confirmation_refused(request):
        return redirect("orders:order-detail", pk=order.pk)
    try:
        with messages_recorded() as sent:
            order = order_transition(
                order=order,
                to=form.cleaned_data["to"],
                user=request.user,
                reason=form.cleaned_data["reason"],
                attachment=form.cleaned_data["attachment"],
                completion=form.completion(),
            )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        done = f"{order.number}: {order.get_status_display()}."
        messages.success(request, messages_notice(done, sent))
    return redirect("orders:order-detail", pk=order.pk)


@require_GET
def order_attachment_view(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    """An event's attachment, to those who see the order (the same rows as its page)."""
    order = order_get_for_user(user=request.user, pk=pk)
    event = get_object_or_404(OrderEvent.objects.exclude(attachment=""), pk=event_pk, order=order)
    name = PurePath(event.attachment.name).name
    return file_download(event.attachment, filename=name, content_type=content_type_for(name))


@require_GET
def order_compliance_view(request: HttpRequest) -> HttpResponse:
    """A month's compliance (the current month without `mes`); a bad `mes` is shown as the
    form's error, never silently replaced by another month."""
    require(request.user, NETWORK_WIDE | CARRIER_ROLES)
    form = MonthForm(request.GET)
    if not form.is_valid():
        return render(request, "orders/order_compliance.html", {"form": form, "rows": []})
    today = timezone.localdate()
    year, month = form.cleaned_data["mes"] or (today.year, today.month)
    rows = compliance_rows(year=year, month=month)
    if not sees_whole_network(request.user):
        lots = set(Lot.objects.filter(lot_rows(request.user)).values_list("pk", flat=True))
        rows = [row for row in rows if row.lot_id in lots]
    form = MonthForm(initial={"mes": (year, month)})
    ctx = {"form": form, "rows": rows, "period_label": f"{month:02d}/{year}"}
    return render(request, "orders/order_compliance.html", ctx)
