"""The invoice pages: layouts for billing staff, upload with a preview before importing, the
differences and their contestation through the forms, who sees which invoice, and the closing
page asking for a reason over unresolved contestations."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.invoices.choices import DifferenceKind as K
from billing.invoices.choices import DifferenceState as S
from billing.invoices.models import CarrierInvoice, ClosingOverride, InvoiceLayout
from billing.models import PeriodJob
from tests.support.invoices import ALFA_WITH_EVERY_DIFFERENCE, import_invoice

LIST_URL = reverse("invoices:invoice-list", args=["2026-10"])
IMPORT_URL = reverse("invoices:invoice-import", args=["2026-10"])
pytestmark = pytest.mark.usefixtures("late_november")  # October has ended, November has not


def upload(client, carrier, text: str, number="F-77"):
    return client.post(
        LIST_URL,
        {
            "carrier": carrier.pk,
            "number": number,
            "file": SimpleUploadedFile("fatura.csv", text.encode(), "text/csv"),
        },
    )


@pytest.mark.django_db
def test_staff_edit_a_layout_and_a_bad_pattern_is_refused(client, personas, priced_simple):
    client.force_login(personas.billing)
    url = reverse("invoices:layout-edit", args=[priced_simple.carrier_b.pk])
    fields = {
        "encoding": "cp1252",
        "delimiter": ";",
        "decimal_comma": "on",
        "header_rows": 3,
        "footer_rows": 1,
        "circuit_column": 2,
        "amount_column": 4,
        "circuit_pattern": r"Circuito\s+([A-Z]{3}-\d{4}",
    }
    response = client.post(url, fields)
    assert "Expressão inválida" in response.content.decode()
    client.post(url, {**fields, "circuit_pattern": r"Circuito\s+([A-Z]{3}-\d{4})"})
    layout = InvoiceLayout.objects.get(carrier=priced_simple.carrier_b)
    assert (layout.encoding, layout.header_rows, layout.amount_column) == ("cp1252", 3, 4)
    assert "Beta Net" in client.get(reverse("invoices:layout-list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["carrier_a", "noc", "manager_x", "outsider"])
def test_only_billing_staff_see_layouts(client, personas, priced_simple, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("invoices:layout-list")).status_code == 403
    url = reverse("invoices:layout-edit", args=[priced_simple.carrier_a.pk])
    assert client.post(url, {}).status_code == 403


@pytest.mark.django_db
def test_upload_shows_a_preview_then_imports_and_lists_the_differences(
    client, personas, priced_simple, october_invoiced, comma_layout
):
    client.force_login(personas.billing)
    preview = upload(client, priced_simple.carrier_a, ALFA_WITH_EVERY_DIFFERENCE)
    html = preview.content.decode()
    assert "5 linhas lidas" in html
    assert "CTG-0001" in html and "R$ 950,00" in html
    assert not CarrierInvoice.objects.exists()  # a preview imports nothing
    token = preview.context["token"]
    response = client.post(IMPORT_URL, {"token": token}, follow=True)
    invoice = CarrierInvoice.objects.get()
    assert response.redirect_chain[-1][0] == reverse("invoices:invoice-detail", args=[invoice.pk])
    html = response.content.decode()
    assert "Fatura F-77 importada: 5 divergências." in html
    for label in ("Valor diferente do devido", "Circuito ausente da fatura", "Linha duplicada"):
        assert label in html
    assert "Contestar" in html
    listed = client.get(LIST_URL).content.decode()
    assert "F-77" in listed and "R$ 3.676,56" in listed


@pytest.mark.django_db
def test_a_preview_with_errors_offers_no_import(
    client, personas, priced_simple, october_invoiced, comma_layout
):
    client.force_login(personas.billing)
    html = upload(client, priced_simple.carrier_a, "c,v\nBHZ-0001,abc\n").content.decode()
    assert "fatura.csv:2: valor: &#x27;abc&#x27; não é um número" in html
    assert "Importar fatura" not in html
    assert (
        client.post(IMPORT_URL, {"token": "nada"}, follow=True)
        .content.decode()
        .count("A pré-visualização expirou")
    )


@pytest.mark.django_db
def test_a_carrier_uploads_only_its_own_invoice(
    client, personas, priced_simple, october_invoiced, comma_layout
):
    client.force_login(personas.carrier_a)
    refused = upload(client, priced_simple.carrier_b, "c,v\nUDI-0001,740.74\n")
    assert "Faça uma escolha válida" in refused.content.decode()
    preview = upload(client, priced_simple.carrier_a, "c,v\nBHZ-0001,905.52\n")
    client.post(IMPORT_URL, {"token": preview.context["token"]})
    assert CarrierInvoice.objects.get().imported_by == personas.carrier_a
    client.force_login(personas.carrier_b)  # another user's preview token is not theirs
    client.post(IMPORT_URL, {"token": preview.context["token"]})
    assert CarrierInvoice.objects.count() == 1


@pytest.mark.django_db
def test_each_persona_sees_only_its_invoices(
    client, personas, priced_simple, october_invoiced, comma_layout
):
    invoice = import_invoice(
        october_invoiced, priced_simple.carrier_a, ALFA_WITH_EVERY_DIFFERENCE, personas.billing
    )
    detail = reverse("invoices:invoice-detail", args=[invoice.pk])
    for persona, status in [("billing", 200), ("committee", 200), ("carrier_a", 200)]:
        client.force_login(getattr(personas, persona))
        assert client.get(detail).status_code == status
        assert "F-1" in client.get(LIST_URL).content.decode()
    client.force_login(personas.carrier_b)
    assert client.get(detail).status_code == 404
    assert "F-1" not in client.get(LIST_URL).content.decode()
    for persona in ("manager_x", "unit_x", "outsider"):
        client.force_login(getattr(personas, persona))
        assert client.get(LIST_URL).status_code == 403
        assert client.get(detail).status_code == 403


@pytest.mark.django_db
def test_contestation_through_the_pages(
    client, personas, priced_simple, october_invoiced, comma_layout
):
    invoice = import_invoice(
        october_invoiced, priced_simple.carrier_a, ALFA_WITH_EVERY_DIFFERENCE, personas.billing
    )
    difference = invoice.differences.get(kind=K.AMOUNT)
    detail = reverse("invoices:invoice-detail", args=[invoice.pk])

    def move(user, to, text):
        client.force_login(user)
        url = reverse("invoices:difference-move", args=[difference.pk, to])
        return client.post(url, {"text": text, "confirmed": "on"}, follow=True).content.decode()

    client.force_login(personas.billing)
    contest = reverse("invoices:difference-move", args=[difference.pk, S.CONTESTED])
    unconfirmed = client.post(contest, {"text": "Preço errado."}, follow=True).content.decode()
    assert "Marque a caixa de confirmação para continuar." in unconfirmed
    page = client.get(detail).content.decode()
    assert '<summary class="button danger">Contestar…</summary>' in page
    assert "Escreva o motivo ou a resposta." in move(personas.billing, S.CONTESTED, "")
    assert "Divergência CTG-0001: Contestada." in move(
        personas.billing, S.CONTESTED, "Preço errado."
    )
    assert "Responder" not in client.get(detail).content.decode()  # staff do not answer
    client.force_login(personas.carrier_a)
    assert "Responder" in client.get(detail).content.decode()
    assert "não pode passar" in move(personas.carrier_a, S.ACCEPTED, "Aceito eu mesmo.")
    move(personas.carrier_a, S.ANSWERED, "Reajuste contratual.")
    client.force_login(personas.carrier_b)
    url = reverse("invoices:difference-move", args=[difference.pk, S.KEPT])
    assert client.post(url, {"text": "x"}).status_code == 404
    html = move(personas.billing, S.KEPT, "Reajuste não aplicado.")
    assert "Contestação mantida" in html
    assert "Reajuste contratual." in html


@pytest.mark.django_db
def test_the_close_page_asks_for_a_reason_over_unresolved_contestations(
    client, personas, priced_simple, october_invoiced, comma_layout
):
    invoice = import_invoice(
        october_invoiced, priced_simple.carrier_a, ALFA_WITH_EVERY_DIFFERENCE, personas.billing
    )
    difference = invoice.differences.get(kind=K.AMOUNT)
    difference.state = S.CONTESTED
    difference.save()
    client.force_login(personas.billing)
    close_url = reverse("billing:period-close", args=["2026-10"])
    assert "Há 1 contestação de fatura sem solução." in client.get(close_url).content.decode()
    refused = client.post(close_url, {"confirmed": "on"}, follow=True).content.decode()
    assert "1 contestação de fatura sem solução" in refused
    assert not PeriodJob.objects.exists()
    client.post(close_url, {"confirmed": "on", "reason": "Contestação segue no processo SEI."})
    assert ClosingOverride.objects.get().reason == "Contestação segue no processo SEI."
    assert PeriodJob.objects.get().kind == "close"


@pytest.mark.django_db
def test_home_lists_the_invoices_waiting_for_each_side(
    client, personas, priced_simple, october_invoiced, comma_layout
):
    invoice = import_invoice(
        october_invoiced, priced_simple.carrier_a, ALFA_WITH_EVERY_DIFFERENCE, personas.billing
    )
    title = f"Fatura {invoice.number} de Alfa Telecom (competência 10/2026)</a>"
    home = reverse("home")
    client.force_login(personas.billing)  # open differences to review
    assert title in client.get(home).content.decode()
    invoice.differences.exclude(kind=K.AMOUNT).update(state=S.ACCEPTED)
    difference = invoice.differences.get(kind=K.AMOUNT)
    difference.state = S.CONTESTED
    difference.save()
    assert title not in client.get(home).content.decode()  # waiting for the carrier now
    client.force_login(personas.carrier_a)
    page = client.get(home).content.decode()
    assert title in page and "1 divergência contestada, a responder" in page
    for persona in ("carrier_b", "manager_x"):
        client.force_login(getattr(personas, persona))
        assert title not in client.get(home).content.decode()
    difference.state = S.ANSWERED
    difference.save()
    client.force_login(personas.carrier_a)
    assert title not in client.get(home).content.decode()
    client.force_login(personas.billing)
    assert "1 divergência a conciliar" in client.get(home).content.decode()
