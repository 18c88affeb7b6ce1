"""Reads of carrier invoices: who sees which invoice, what a carrier is owed on a month's
statement (the figures its invoice is matched against), and the contestations still unresolved."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from billing.choices import PeriodStatus
from billing.invoices.choices import UNRESOLVED, DifferenceState
from billing.invoices.models import CarrierInvoice, Difference
from billing.models import BillingPeriod, LineShare, StatementLine
from core.templatetags.formatting import count_br
from redegov.access import BILLING_STAFF, CARRIER_ROLES, get_for_user, holds, restrict
from redegov.todo import TodoItem


def invoice_list(*, user, period: BillingPeriod) -> QuerySet[CarrierInvoice]:
    return (
        restrict(CarrierInvoice.objects.filter(period=period), user)
        .select_related("carrier", "imported_by")
        .annotate(
            difference_count=Count("differences"),
            unresolved_count=Count("differences", filter=Q(differences__state__in=UNRESOLVED)),
        )
        .order_by("carrier__name")
    )


def invoice_get_for_user(*, user, pk: int) -> CarrierInvoice:
    """The invoice, or 404 when it does not exist or the user may not see it."""
    invoices = CarrierInvoice.objects.select_related("period", "carrier", "imported_by")
    return get_for_user(invoices, user, "Fatura não encontrada.", pk=pk)


def difference_list(*, invoice: CarrierInvoice) -> QuerySet[Difference]:
    return invoice.differences.select_related("link", "invoice_line").prefetch_related(
        "events__user"
    )


def amounts_owed(*, period: BillingPeriod, carrier_id: int) -> dict[str, tuple[int, Decimal]]:
    """circuit id -> (link id, amount due to the carrier) on the month's statement: the line's
    amount_due where the carrier bills alone, its member share's where the lot is a consortium."""
    alone = StatementLine.objects.filter(
        period=period, carrier_id=carrier_id, shares__isnull=True
    ).values_list("link__circuit_id", "link_id", "amount_due")
    shares = LineShare.objects.filter(line__period=period, carrier_id=carrier_id).values_list(
        "line__link__circuit_id", "line__link_id", "amount_due"
    )
    return {circuit.upper(): (link_id, amount) for circuit, link_id, amount in [*alone, *shares]}


def unresolved_count(*, period: BillingPeriod) -> int:
    """Contestations of the month still waiting for the carrier's answer or staff's decision."""
    return Difference.objects.filter(invoice__period=period, state__in=UNRESOLVED).count()


def invoice_todo(*, user) -> list[TodoItem]:
    """Carrier invoices to reconcile, one item per invoice with the differences waiting for the
    user's move: billing staff review the open months' differences still open (contest or let
    stand) and decide the answered ones; a carrier's staff answer the contested ones on its
    invoices. The contract sets no deadline: each shows how long since the invoice came in."""
    if holds(user, BILLING_STAFF):
        waiting = Q(differences__state__in=[DifferenceState.OPEN, DifferenceState.ANSWERED])
        invoices = CarrierInvoice.objects.filter(period__status=PeriodStatus.OPEN)
        forms, after = "divergência,divergências", " a conciliar"
    elif holds(user, CARRIER_ROLES) and user.carrier_id:
        waiting = Q(differences__state=DifferenceState.CONTESTED)
        invoices = CarrierInvoice.objects.all()
        forms, after = "divergência contestada,divergências contestadas", ", a responder"
    else:
        return []
    rows = (
        restrict(invoices, user)
        .annotate(waiting=Count("differences", filter=waiting))
        .filter(waiting__gt=0)
        .select_related("period", "carrier")
    )
    return [
        TodoItem(
            title=f"Fatura {i.number} de {i.carrier.name} (competência {i.period})",
            detail=f"{count_br(i.waiting, forms)}{after}",
            url=reverse("invoices:invoice-detail", args=[i.pk]),
            since=i.imported_at,
        )
        for i in rows
    ]
