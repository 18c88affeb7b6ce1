"""Reads of carrier invoices: who sees which invoice, what a carrier is owed on a month's
statement (the figures its invoice is matched against), and the contestations still unresolved."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from billing.models import BillingPeriod, LineShare, StatementLine
from invoices.choices import UNRESOLVED, DifferenceState
from invoices.models import CarrierInvoice, Difference
from redegov.access import BILLING_STAFF, CARRIER_ROLES, get_for_user, holds, restrict


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


HOME_ROWS = 10


def differences_awaiting(*, user) -> list[Difference]:
    """The differences waiting for this user's move, oldest month first: a carrier's staff
    answer contested ones on its invoices; billing staff decide answered ones. Nobody else waits
    on any."""
    if holds(user, BILLING_STAFF):
        differences = Difference.objects.filter(state=DifferenceState.ANSWERED)
    elif holds(user, CARRIER_ROLES) and user.carrier_id:
        differences = Difference.objects.filter(
            state=DifferenceState.CONTESTED, invoice__carrier_id=user.carrier_id
        )
    else:
        return []
    return list(
        differences.select_related("invoice__period", "invoice__carrier").order_by(
            "invoice__period__year", "invoice__period__month", "circuit_id"
        )[:HOME_ROWS]
    )
