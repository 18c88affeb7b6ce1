"""Input of the invoice pages: a carrier's layout, an invoice file to preview and import, and the
text of a contestation move."""

from django import forms

from inventory.models import Carrier
from invoices.models import InvoiceLayout

MAX_INVOICE_BYTES = 10 * 1024 * 1024


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
    file = forms.FileField(label="Arquivo da fatura (CSV ou TXT)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_INVOICE_BYTES:
            raise forms.ValidationError("O arquivo passa de 10 MB.")
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Envie um arquivo .csv ou .txt.")
        return upload


class DifferenceTextForm(forms.Form):
    text = forms.CharField(label="Texto", widget=forms.Textarea(attrs={"rows": 2}))
