"""Writes of carrier invoices: importing one in its carrier's layout (all or nothing), matching
it to the month's statement, moving a difference through its contestation, and the closing
guard (a month does not close over unresolved contestations unless staff say why)."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.invoices.choices import (
    ALLOWED_TRANSITIONS,
    DifferenceKind,
    DifferenceState,
)
from billing.invoices.models import (
    CarrierInvoice,
    ClosingOverride,
    Difference,
    DifferenceEvent,
    InvoiceLayout,
    InvoiceLine,
)
from billing.invoices.parsing import BilledLine, read_invoice
from billing.invoices.selectors import amounts_owed, unresolved_count
from billing.models import BillingPeriod
from core.csvimport import ErrorLog
from core.exceptions import DomainError
from core.instants import month_bounds
from core.templatetags.formatting import count_br, plural_br
from inventory.choices import LinkStatus
from inventory.models import Carrier, Link
from redegov.access import holds

ZERO = Decimal("0.00")


class InvoiceRejected(DomainError):
    """A file that does not read in its carrier's layout: nothing was imported."""

    def __init__(self, log: ErrorLog) -> None:
        self.errors = [str(error) for error in log]
        super().__init__(
            f"A fatura não foi importada: {count_br(len(self.errors), 'erro,erros')}. "
            + "; ".join(self.errors[:5])
        )


def layout_for(carrier: Carrier) -> InvoiceLayout:
    try:
        return carrier.invoice_layout
    except InvoiceLayout.DoesNotExist as exc:
        raise DomainError(
            f"A operadora {carrier} não tem leiaute de fatura; cadastre-o antes de importar."
        ) from exc


def invoice_preview(
    *, carrier: Carrier, data: bytes, filename: str
) -> tuple[list[BilledLine], ErrorLog]:
    """The file as it would be imported (nothing is written)."""
    log = ErrorLog()
    return read_invoice(layout_for(carrier), data, filename, log), log


@transaction.atomic
def invoice_import(
    *,
    period: BillingPeriod,
    carrier: Carrier,
    number: str,
    filename: str,
    data: bytes,
    user,
    now: datetime,
) -> CarrierInvoice:
    """Import a carrier's invoice for a month and match it to the statement. All or nothing: a
    file with any bad line is refused with every error. Replaces the carrier's earlier invoice of
    the month while none of its differences has been contested."""
    if not period.lines.exists():
        raise DomainError(f"Calcule a competência {period} antes de importar faturas.")
    billed, log = invoice_preview(carrier=carrier, data=data, filename=filename)
    if log:
        raise InvoiceRejected(log)
    earlier = CarrierInvoice.objects.select_for_update().filter(period=period, carrier=carrier)
    for invoice in earlier:
        if invoice.differences.exclude(state=DifferenceState.OPEN).exists():
            raise DomainError(
                f"A fatura {invoice.number} já tem divergências contestadas; não pode ser "
                "substituída."
            )
        invoice.delete()
    invoice = CarrierInvoice.objects.create(
        period=period,
        carrier=carrier,
        number=number.strip(),
        filename=filename,
        content=data,
        imported_by=user,
        imported_at=now,
        total=sum((line.amount for line in billed), ZERO),
        reconciled_at=now,
    )
    links = _links_by_circuit(line.circuit_id for line in billed)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            line_number=line.line,
            circuit_id=line.circuit_id,
            link=links.get(line.circuit_id),
            amount=line.amount,
        )
        for line in billed
    )
    _match(invoice, kept=set())
    return invoice


@transaction.atomic
def invoice_reconcile(*, invoice: CarrierInvoice, now: datetime) -> CarrierInvoice:
    """Match the invoice again (after the month was recomputed): uncontested differences are
    found afresh; contested ones stay as they are."""
    invoice = CarrierInvoice.objects.select_for_update().get(pk=invoice.pk)
    invoice.differences.filter(state=DifferenceState.OPEN).delete()
    kept = set(invoice.differences.values_list("kind", "circuit_id"))
    _match(invoice, kept=kept)
    invoice.reconciled_at = now
    invoice.save(update_fields=["reconciled_at"])
    return invoice


def _links_by_circuit(circuits: Iterable[str]) -> dict[str, Link]:
    wanted = {circuit.upper() for circuit in circuits}
    return {
        link.circuit_id.upper(): link
        for link in Link.objects.filter(circuit_id__in=wanted).only(
            "pk", "circuit_id", "status", "cancelled_at"
        )
    }


def _match(invoice: CarrierInvoice, *, kept: set[tuple[str, str]]) -> None:
    """Every difference between the invoice's lines and what the statement owes the carrier,
    except those already kept (contested) by kind and circuit."""
    owed = amounts_owed(period=invoice.period, carrier_id=invoice.carrier_id)
    month_start, _ = month_bounds(invoice.period.year, invoice.period.month)
    differences = []
    seen: set[str] = set()
    for line in invoice.lines.select_related("link"):
        found = _line_difference(invoice, line, owed, seen, month_start)
        seen.add(line.circuit_id)
        if found is not None:
            differences.append(found)
    for circuit, (link_id, amount) in owed.items():
        if circuit not in seen and amount > 0:
            differences.append(
                Difference(
                    invoice=invoice,
                    kind=DifferenceKind.MISSING_CIRCUIT,
                    circuit_id=circuit,
                    link_id=link_id,
                    expected=amount,
                )
            )
    Difference.objects.bulk_create(
        difference
        for difference in differences
        if (difference.kind, difference.circuit_id) not in kept
    )


def _line_difference(
    invoice: CarrierInvoice,
    line: InvoiceLine,
    owed: dict[str, tuple[int, Decimal]],
    seen: set[str],
    month_start: datetime,
) -> Difference | None:
    """What is wrong with one billed line, if anything (the first line of a circuit is the one
    compared; later ones are duplicates)."""
    common = {
        "invoice": invoice,
        "circuit_id": line.circuit_id,
        "link": line.link,
        "invoice_line": line,
    }
    if line.circuit_id in seen:
        return Difference(kind=DifferenceKind.DUPLICATE, billed=line.amount, **common)
    if line.circuit_id in owed:
        expected = owed[line.circuit_id][1]
        if line.amount == expected:
            return None
        return Difference(
            kind=DifferenceKind.AMOUNT, billed=line.amount, expected=expected, **common
        )
    link = line.link
    if (
        link is not None
        and link.status == LinkStatus.CANCELLED
        and link.cancelled_at is not None
        and link.cancelled_at <= month_start
    ):
        return Difference(
            kind=DifferenceKind.CANCELLED_BILLED, billed=line.amount, expected=ZERO, **common
        )
    return Difference(kind=DifferenceKind.UNKNOWN_CIRCUIT, billed=line.amount, **common)


TEXT_FIELD = {
    DifferenceState.CONTESTED: "contest_reason",
    DifferenceState.ANSWERED: "answer",
    DifferenceState.ACCEPTED: "resolution",
    DifferenceState.KEPT: "resolution",
}


@transaction.atomic
def difference_transition(
    *, difference: Difference, to: str, user, text: str, now: datetime | None = None
) -> Difference:
    """Contest (staff), answer (the invoice's carrier), accept or keep (staff) a difference,
    always with a text; the allowed moves are `billing.invoices.choices.ALLOWED_TRANSITIONS`."""
    difference = (
        Difference.objects.select_for_update().select_related("invoice").get(pk=difference.pk)
    )
    allowed = holds(user, ALLOWED_TRANSITIONS[difference.state].get(to, frozenset()))
    if to == DifferenceState.ANSWERED:  # only the carrier that sent the invoice answers
        allowed = allowed and user.carrier_id == difference.invoice.carrier_id
    if not allowed:
        raise DomainError(
            f"A divergência está “{difference.get_state_display()}”: não pode passar a "
            f"“{DifferenceState(to).label}” por este usuário."
        )
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Escreva o motivo ou a resposta."})
    DifferenceEvent.objects.create(
        difference=difference,
        source=difference.state,
        target=to,
        user=user,
        at=now or timezone.now(),
        text=text,
    )
    setattr(difference, TEXT_FIELD[to], text)
    difference.state = to
    difference.save(update_fields=["state", TEXT_FIELD[to]])
    return difference


def closing_check(period: BillingPeriod) -> None:
    """Refuse to close a month over unresolved contestations, unless staff recorded why."""
    count = unresolved_count(period=period)
    if count and not ClosingOverride.objects.filter(period=period).exists():
        raise DomainError(
            f"A competência {period} tem {count_br(count, 'contestação,contestações')} de "
            f"fatura sem solução; {plural_br(count, 'resolva-a,resolva-as')} ou feche informando "
            "o motivo."
        )


def closing_override_record(
    *, period: BillingPeriod, reason: str, user, now: datetime
) -> ClosingOverride:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Informe por que a competência fecha com contestações."})
    return ClosingOverride.objects.create(period=period, reason=reason, user=user, at=now)
