"""Input of the order pages: the draft of each order type and the transition form."""

from django import forms

from inventory.choices import AccessType
from inventory.models import AgencyUnit, Link, Municipality
from orders.choices import OrderType
from redegov.uploads import ORDER_ATTACHMENT, UploadField
from redegov.widgets import SearchableSelect


class DateInput(forms.DateInput):
    input_type = "date"


class OrderDraftForm(forms.Form):
    """A draft; which fields an order type uses is `orders.services.order_create`'s rule, the
    view only drops the fields a type does not show (`FIELDS_BY_TYPE`)."""

    unit = forms.ModelChoiceField(
        AgencyUnit.objects.none(), label="Unidade", required=False, widget=SearchableSelect
    )
    link = forms.ModelChoiceField(Link.objects.none(), label="Acesso", widget=SearchableSelect)
    municipality = forms.ModelChoiceField(
        Municipality.objects.all(),
        label="Município",
        to_field_name="ibge_code",
        widget=SearchableSelect,
    )
    address = forms.CharField(label="Endereço", max_length=300)
    speed_mbps = forms.IntegerField(label="Velocidade (Mbps)", min_value=1)
    access_type = forms.ChoiceField(label="Tipo de acesso", choices=AccessType.choices)
    requested_date = forms.DateField(label="Data do cancelamento", widget=DateInput)
    site_contact = forms.CharField(
        label="Contato no local", max_length=200, help_text="nome e telefone", required=False
    )
    notes = forms.CharField(
        label="Observações", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    FIELDS_BY_TYPE = {
        OrderType.ACTIVATION: [
            "unit",
            "municipality",
            "address",
            "speed_mbps",
            "access_type",
            "site_contact",
            "notes",
        ],
        OrderType.SPEED_CHANGE: ["link", "speed_mbps", "site_contact", "notes"],
        OrderType.ADDRESS_CHANGE: [
            "link",
            "municipality",
            "address",
            "speed_mbps",
            "access_type",
            "requested_date",
            "site_contact",
            "notes",
        ],
        OrderType.CANCELLATION: ["link", "requested_date", "notes"],
    }

    def __init__(
        self, *args, order_type: str, units, links, speeds: list[int] | None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.FIELDS_BY_TYPE[order_type]:
                del self.fields[name]
        if "unit" in self.fields:
            self.fields["unit"].queryset = units
            if len(units) == 1:  # unit staff: their own unit, the only choice
                self.fields["unit"].empty_label = None
        if "link" in self.fields:
            self.fields["link"].queryset = links
        if order_type == OrderType.ADDRESS_CHANGE:
            self.fields["address"].label = "Novo endereço"
            self.fields["requested_date"].label = "Data do cancelamento do acesso antigo"
        if order_type == OrderType.SPEED_CHANGE:
            self.fields["speed_mbps"].label = "Nova velocidade (Mbps)"
        if "speed_mbps" in self.fields and speeds:  # the speeds on sale for the chosen site
            label = self.fields["speed_mbps"].label
            self.fields["speed_mbps"] = forms.TypedChoiceField(
                label=label,
                coerce=int,
                choices=[("", "Escolha a velocidade")] + [(s, f"{s} Mbps") for s in speeds],
            )


class OrderTransitionForm(forms.Form):
    """One move of an order: an optional (sometimes required) reason and attachment; the
    carrier's completion of an activation also gives the installed link's identity."""

    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Motivo", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    attachment = UploadField(
        rule=ORDER_ATTACHMENT,
        multiple=False,
        label="Anexo (PDF, imagem, texto, CSV, planilha ou documento; até 10 MB)",
        required=False,
    )
    circuit_id = forms.CharField(label="Designação", max_length=40, required=False)
    mgmt_ip = forms.GenericIPAddressField(label="IP de gerência", required=False)
    mgmt_ip_secondary = forms.GenericIPAddressField(
        label="IP de gerência (2º caminho)", required=False, help_text="só acesso redundante"
    )

    def completion(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(key) or ""
            for key in ("circuit_id", "mgmt_ip", "mgmt_ip_secondary")
        }
