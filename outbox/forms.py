from django import forms


class RetryForm(forms.Form):
    reason = forms.CharField(label="Observação", required=False, max_length=500)


class CancelForm(forms.Form):
    reason = forms.CharField(label="Motivo do cancelamento", max_length=500)
