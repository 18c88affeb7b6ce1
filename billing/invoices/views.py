"""The carrier invoice pages: layouts (billing staff), a month's invoices with the upload and
its preview, an invoice's differences and their contestation. Thin: reading a file is
`billing.invoices.parsing`, the writes `billing.invoices.services`, the rows a user may see
`billing.invoices.selectors`."""

import uuid

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.invoices.choices import ALLOWED_TRANSITIONS, DifferenceState
from billing.invoices.filters import InvoiceFilter
from billing.invoices.forms import DifferenceTextForm, InvoiceLayoutForm, InvoiceUploadForm
from billing.invoices.models import Difference, InvoiceLayout
from billing.invoices.selectors import difference_list, invoice_get_for_user, invoice_list
from billing.invoices.services import (
    difference_transition,
    invoice_import,
    invoice_preview,
    invoice_reconcile,
)
from billing.selectors import period_get
from core.exceptions import DomainError
from core.sorting import sort_headers
from core.templatetags.formatting import count_br
from inventory.models import Carrier
from outbox.selectors import messages_notice
from outbox.services import messages_recorded
from redegov.access import (
    BILLING_STAFF,
    CARRIER_ROLES,
    INVOICE_READERS,
    INVOICE_UPLOADERS,
    get_for_user,
    holds,
    require,
)
from redegov.confirm import confirmation_refused

PREVIEW_ROWS = 10
PREVIEW_SECONDS = 3600


def _require(user, roles: frozenset[str]) -> None:
    require(user, roles, "Seu perfil não tem acesso às faturas das operadoras.")


@require_GET
def layout_list_view(request: HttpRequest) -> HttpResponse:
    _require(request.user, BILLING_STAFF)
    carriers = Carrier.objects.select_related("invoice_layout").order_by("name")
    return render(request, "invoices/layout_list.html", {"carriers": carriers})


@require_http_methods(["GET", "POST"])
def layout_edit_view(request: HttpRequest, carrier_pk: int) -> HttpResponse:
    _require(request.user, BILLING_STAFF)
    carrier = get_object_or_404(Carrier, pk=carrier_pk)
    layout = InvoiceLayout.objects.filter(carrier=carrier).first() or InvoiceLayout(carrier=carrier)
    form = InvoiceLayoutForm(request.POST or None, instance=layout)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Leiaute de {carrier} salvo.")
        return redirect("invoices:layout-list")
    return render(request, "invoices/layout_form.html", {"carrier": carrier, "form": form})


def _upload_form(request: HttpRequest, data=None, files=None) -> InvoiceUploadForm:
    """A carrier's staff upload for their own carrier only."""
    form = InvoiceUploadForm(data, files)
    if holds(request.user, CARRIER_ROLES) and not holds(request.user, BILLING_STAFF):
        form.fields["carrier"].queryset = Carrier.objects.filter(pk=request.user.carrier_id)
    return form


@require_http_methods(["GET", "POST"])
def invoice_list_view(request: HttpRequest, label: str) -> HttpResponse:
    """The month's invoices; POST previews an uploaded file (nothing is imported yet)."""
    _require(request.user, INVOICE_READERS)
    period = period_get(label=label)
    may_upload = holds(request.user, INVOICE_UPLOADERS)
    form = _upload_form(request) if may_upload else None
    f = InvoiceFilter(request.GET, queryset=invoice_list(user=request.user, period=period))
    ctx = {"period": period, "invoices": f.qs, "headers": sort_headers(f)}
    if request.method == "POST":
        _require(request.user, INVOICE_UPLOADERS)
        form = _upload_form(request, request.POST, request.FILES)
        if form.is_valid():
            return _preview(request, period, form)
    return render(request, "invoices/invoice_list.html", {**ctx, "form": form})


def _preview(request: HttpRequest, period, form: InvoiceUploadForm) -> HttpResponse:
    upload = form.cleaned_data["file"].upload  # a CheckedUpload (redegov.uploads)
    data = upload.read()
    carrier = form.cleaned_data["carrier"]
    try:
        billed, log = invoice_preview(carrier=carrier, data=data, filename=upload.name)
    except DomainError as e:
        messages.error(request, str(e))
        return redirect("invoices:invoice-list", label=period.label)
    token = uuid.uuid4().hex
    cache.set(
        f"invoices:upload:{token}",
        {
            "user": request.user.pk,
            "carrier": carrier.pk,
            "number": form.cleaned_data["number"],
            "filename": upload.name,
            "data": data,
        },
        PREVIEW_SECONDS,
    )
    ctx = {
        "period": period,
        "carrier": carrier,
        "number": form.cleaned_data["number"],
        "filename": upload.name,
        "rows": billed[:PREVIEW_ROWS],
        "row_count": len(billed),
        "errors": [str(error) for error in log],
        "token": token,
    }
    return render(request, "invoices/invoice_preview.html", ctx)


@require_POST
def invoice_import_view(request: HttpRequest, label: str) -> HttpResponse:
    """Import the file the user previewed (kept in the cache under its token for an hour)."""
    _require(request.user, INVOICE_UPLOADERS)
    period = period_get(label=label)
    upload = cache.get(f"invoices:upload:{request.POST.get('token', '')}")
    if upload is None or upload["user"] != request.user.pk:
        messages.error(request, "A pré-visualização expirou; envie o arquivo de novo.")
        return redirect("invoices:invoice-list", label=label)
    carrier = get_object_or_404(Carrier, pk=upload["carrier"])
    if not holds(request.user, BILLING_STAFF) and request.user.carrier_id != carrier.pk:
        raise PermissionDenied
    try:
        invoice = invoice_import(
            period=period,
            carrier=carrier,
            number=upload["number"],
            filename=upload["filename"],
            data=upload["data"],
            user=request.user,
            now=timezone.now(),
        )
    except DomainError as e:
        messages.error(request, str(e))
        return redirect("invoices:invoice-list", label=label)
    count = invoice.differences.count()
    found = count_br(count, "divergência,divergências")
    messages.success(request, f"Fatura {invoice.number} importada: {found}.")
    return redirect("invoices:invoice-detail", pk=invoice.pk)


# The moves offered on the page, by the state they leave from: (target, button, who).
MOVES = {
    DifferenceState.OPEN: [(DifferenceState.CONTESTED, "Contestar", BILLING_STAFF)],
    DifferenceState.CONTESTED: [(DifferenceState.ANSWERED, "Responder", CARRIER_ROLES)],
    DifferenceState.ANSWERED: [
        (DifferenceState.ACCEPTED, "Aceitar resposta", BILLING_STAFF),
        (DifferenceState.KEPT, "Manter contestação", BILLING_STAFF),
    ],
}
# The negative moves, confirmed with their reason (docs/ui.md, "Confirmações"): the question.
CONFIRM_QUESTIONS = {
    DifferenceState.CONTESTED: "A divergência será contestada: a operadora deve responder.",
    DifferenceState.KEPT: "A resposta da operadora será recusada e a contestação mantida.",
}


@require_GET
def invoice_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, INVOICE_READERS)
    invoice = invoice_get_for_user(user=request.user, pk=pk)
    differences = [
        (
            difference,
            [
                (target, label, CONFIRM_QUESTIONS.get(target, ""))
                for target, label, roles in MOVES.get(difference.state, [])
                if holds(request.user, roles)
            ],
        )
        for difference in difference_list(invoice=invoice)
    ]
    ctx = {
        "invoice": invoice,
        "differences": differences,
        "is_staff": holds(request.user, BILLING_STAFF),
        "text_form": DifferenceTextForm(),
    }
    return render(request, "invoices/invoice_detail.html", ctx)


@require_POST
def invoice_reconcile_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, BILLING_STAFF)
    invoice = invoice_reconcile(
        invoice=invoice_get_for_user(user=request.user, pk=pk), now=timezone.now()
    )
    messages.success(request, f"Fatura {invoice.number} conferida de novo com o demonstrativo.")
    return redirect("invoices:invoice-detail", pk=pk)


@require_POST
def difference_move_view(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    _require(request.user, INVOICE_READERS)
    difference = get_for_user(
        Difference.objects.all(), request.user, "Divergência não encontrada", pk=pk
    )
    invoice = difference.invoice
    if to not in DifferenceState.values:
        raise PermissionDenied
    may = holds(request.user, ALLOWED_TRANSITIONS[difference.state].get(to, frozenset()))
    if to in CONFIRM_QUESTIONS and may and confirmation_refused(request):
        return redirect("invoices:invoice-detail", pk=invoice.pk)
    form = DifferenceTextForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Escreva o motivo ou a resposta.")
        with messages_recorded() as sent:
            difference_transition(
                difference=difference, to=to, user=request.user, text=form.cleaned_data["text"]
            )
    except (DomainError, ValidationError) as e:
        messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
    else:
        done = f"Divergência {difference.circuit_id}: {DifferenceState(to).label}."
        messages.success(request, messages_notice(done, sent))
    return redirect("invoices:invoice-detail", pk=invoice.pk)
