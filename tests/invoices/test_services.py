"""Importing an invoice and matching it to the statement: every kind of difference, a consortium
member's share, all-or-nothing imports, replacing an invoice, the contestation round trip and
the closing guard."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing import services as billing
from billing.choices import JobKind
from billing.invoices import services
from billing.invoices.choices import DifferenceKind as K
from billing.invoices.choices import DifferenceState as S
from billing.invoices.models import CarrierInvoice
from core.exceptions import DomainError
from tests.invoices.factories import InvoiceLayoutFactory
from tests.support.invoices import ALFA_WITH_EVERY_DIFFERENCE, import_invoice
from tests.support.time import NOVEMBER_START

D = Decimal


def found(invoice) -> list[tuple[str, str, Decimal | None, Decimal | None]]:
    return sorted((d.kind, d.circuit_id, d.billed, d.expected) for d in invoice.differences.all())


@pytest.mark.django_db
def test_every_difference_is_listed(october_invoiced, comma_layout, personas, priced_simple):
    invoice = import_invoice(
        october_invoiced, priced_simple.carrier_a, ALFA_WITH_EVERY_DIFFERENCE, personas.billing
    )
    assert invoice.total == D("3676.56")
    assert invoice.lines.count() == 5
    assert found(invoice) == [
        (K.AMOUNT, "CTG-0001", D("950.00"), D("905.52")),
        (K.CANCELLED_BILLED, "BHZ-0900", D("905.52"), D("0.00")),
        (K.DUPLICATE, "BHZ-0001", D("905.52"), None),
        (K.MISSING_CIRCUIT, "UDI-0001", None, D("493.83")),
        (K.UNKNOWN_CIRCUIT, "ZZZ-0001", D("10.00"), None),
    ]
    assert {d.state for d in invoice.differences.all()} == {S.OPEN}


@pytest.mark.django_db
def test_a_consortium_member_is_matched_against_its_share(
    october_invoiced, personas, priced_simple
):
    InvoiceLayoutFactory(
        carrier=priced_simple.carrier_b, delimiter=";", decimal_comma=True, encoding="cp1252"
    )
    right = import_invoice(
        october_invoiced, priced_simple.carrier_b, "c;v\nUDI-0001;740,74\n", personas.billing
    )
    assert found(right) == []
    wrong = import_invoice(
        october_invoiced, priced_simple.carrier_b, "c;v\nUDI-0001;1.234,57\n", personas.billing
    )
    assert found(wrong) == [(K.AMOUNT, "UDI-0001", D("1234.57"), D("740.74"))]
    assert CarrierInvoice.objects.filter(carrier=priced_simple.carrier_b).count() == 1  # replaced


@pytest.mark.django_db
def test_a_bad_file_imports_nothing_and_names_every_error(
    october_invoiced, comma_layout, personas, priced_simple
):
    with pytest.raises(services.InvoiceRejected) as refused:
        import_invoice(
            october_invoiced,
            priced_simple.carrier_a,
            "c,v\nBHZ-0001,1,00\nCTG-0001,x\n",
            personas.billing,
        )
    assert refused.value.errors == [
        "fatura.csv:3: valor: 'x' não é um número",
    ]
    assert not CarrierInvoice.objects.exists()


@pytest.mark.django_db
def test_no_layout_or_no_computation_is_refused_with_the_reason(priced_simple, personas):
    period = billing.period_get_or_create(year=2026, month=10)
    with pytest.raises(DomainError, match="Calcule a competência 10/2026"):
        import_invoice(period, priced_simple.carrier_a, "c,v\n", personas.billing)
    billing.period_compute(period=period, now=NOVEMBER_START)
    with pytest.raises(DomainError, match="não tem leiaute de fatura"):
        import_invoice(period, priced_simple.carrier_a, "c,v\n", personas.billing)


def contest_and_answer(invoice, personas):
    difference = invoice.differences.get(kind=K.AMOUNT)
    services.difference_transition(
        difference=difference,
        to=S.CONTESTED,
        user=personas.billing,
        text="Preço do lote 1 é 905,52.",
    )
    return services.difference_transition(
        difference=difference, to=S.ANSWERED, user=personas.carrier_a, text="Cobramos taxa extra."
    )


@pytest.mark.django_db
def test_contestation_round_trip_and_who_may_move(
    october_invoiced, comma_layout, personas, priced_simple
):
    invoice = import_invoice(
        october_invoiced, priced_simple.carrier_a, ALFA_WITH_EVERY_DIFFERENCE, personas.billing
    )
    difference = invoice.differences.get(kind=K.AMOUNT)
    for user, to in [
        (personas.carrier_a, S.CONTESTED),  # carriers do not contest
        (personas.manager_x, S.CONTESTED),
        (personas.billing, S.ANSWERED),  # staff do not answer for the carrier
        (personas.billing, S.ACCEPTED),  # not before an answer
    ]:
        with pytest.raises(DomainError, match="não pode passar"):
            services.difference_transition(difference=difference, to=to, user=user, text="x")
    with pytest.raises(ValidationError):
        services.difference_transition(
            difference=difference, to=S.CONTESTED, user=personas.billing, text="  "
        )
    services.difference_transition(
        difference=difference, to=S.CONTESTED, user=personas.billing, text="Preço é 905,52."
    )
    with pytest.raises(DomainError):  # Beta did not send this invoice
        services.difference_transition(
            difference=difference, to=S.ANSWERED, user=personas.carrier_b, text="?"
        )
    services.difference_transition(
        difference=difference, to=S.ANSWERED, user=personas.carrier_a, text="Taxa de instalação."
    )
    kept = services.difference_transition(
        difference=difference, to=S.KEPT, user=personas.billing, text="Taxa não contratada."
    )
    assert (kept.state, kept.contest_reason, kept.answer, kept.resolution) == (
        S.KEPT,
        "Preço é 905,52.",
        "Taxa de instalação.",
        "Taxa não contratada.",
    )
    assert [(e.source, e.target, e.user) for e in kept.events.all()] == [
        (S.OPEN, S.CONTESTED, personas.billing),
        (S.CONTESTED, S.ANSWERED, personas.carrier_a),
        (S.ANSWERED, S.KEPT, personas.billing),
    ]


@pytest.mark.django_db
def test_a_contested_invoice_is_not_replaced_and_reconciling_keeps_contestations(
    october_invoiced, comma_layout, personas, priced_simple
):
    invoice = import_invoice(
        october_invoiced, priced_simple.carrier_a, ALFA_WITH_EVERY_DIFFERENCE, personas.billing
    )
    contest_and_answer(invoice, personas)
    with pytest.raises(DomainError, match="não pode ser substituída"):
        import_invoice(
            october_invoiced, priced_simple.carrier_a, "c,v\nBHZ-0001,905.52\n", personas.billing
        )
    services.invoice_reconcile(invoice=invoice, now=NOVEMBER_START)
    assert len(found(invoice)) == 5
    assert invoice.differences.get(kind=K.AMOUNT).state == S.ANSWERED


@pytest.mark.django_db
def test_a_month_does_not_close_over_unresolved_contestations_unless_staff_say_why(
    october_invoiced, comma_layout, personas, priced_simple
):
    invoice = import_invoice(
        october_invoiced, priced_simple.carrier_a, ALFA_WITH_EVERY_DIFFERENCE, personas.billing
    )
    contest_and_answer(invoice, personas)
    with pytest.raises(DomainError, match="1 contestação"):
        billing.period_job_request(
            period=october_invoiced, kind=JobKind.CLOSE, user=personas.billing, now=NOVEMBER_START
        )
    with pytest.raises(DomainError, match="sem solução"):
        billing.period_close(period=october_invoiced, user=personas.billing, now=NOVEMBER_START)
    services.closing_override_record(
        period=october_invoiced,
        reason="Fatura contestada no processo SEI 123.",
        user=personas.billing,
        now=NOVEMBER_START,
    )
    assert billing.period_close(
        period=october_invoiced, user=personas.billing, now=NOVEMBER_START
    ).is_closed


@pytest.mark.django_db
def test_resolved_contestations_let_the_month_close(
    october_invoiced, comma_layout, personas, priced_simple
):
    invoice = import_invoice(
        october_invoiced, priced_simple.carrier_a, ALFA_WITH_EVERY_DIFFERENCE, personas.billing
    )
    difference = contest_and_answer(invoice, personas)
    services.difference_transition(
        difference=difference, to=S.ACCEPTED, user=personas.billing, text="Comprovado."
    )
    assert billing.period_close(
        period=october_invoiced, user=personas.billing, now=NOVEMBER_START
    ).is_closed
