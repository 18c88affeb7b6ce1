from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Nome", max_length=80, help_text="o sistema que vai usar o token, para reconhecê-lo"
    )
    expires_on = forms.DateField(
        label="Válido até",
        required=False,
        help_text="em branco: até ser revogado",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
