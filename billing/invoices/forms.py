"""Input of the invoice pages: a carrier's layout, an invoice file to preview and import, and the
text of a contestation move."""

from django import forms

from billing.invoices.models import InvoiceLayout
from inventory.models import Carrier
from redegov.uploads import CARRIER_INVOICE, UploadField


class InvoiceLayoutForm(forms.ModelForm):
    class Meta:
        model = InvoiceLayout
        fields = [
            "encoding",
            "delimiter",
            "decimal_comma",
            "header_rows",
            "footer_rows",
            "circuit_column",
            "amount_column",
            "circuit_pattern",
        ]


class InvoiceUploadForm(forms.Form):
    """An invoice file; a carrier's own staff upload only for their carrier (the view fixes it)."""

    carrier = forms.ModelChoiceField(Carrier.objects.order_by("name"), label="Operadora")
    number = forms.CharField(label="Número da fatura", max_length=60)
    file = UploadField(
        rule=CARRIER_INVOICE,
        multiple=False,
        label="Arquivo da fatura (CSV ou TXT)",
        help_text="até 10 MB",
    )


class DifferenceTextForm(forms.Form):
    text = forms.CharField(label="Texto", widget=forms.Textarea(attrs={"rows": 2}))
