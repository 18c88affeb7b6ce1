"""Input of the billing pages: which month to compute."""

from django import forms
from django.utils import timezone

from core.instants import month_parse


class PeriodMonthForm(forms.Form):
    """A competência typed as AAAA-MM (what `<input type="month">` sends)."""

    month = forms.CharField(
        label="Competência (AAAA-MM)",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"}),
    )

    def clean_month(self) -> tuple[int, int]:
        """-> (year, month). A month that has not begun has nothing to compute yet: refusing it
        keeps a typo from creating a competência years ahead."""
        try:
            year, month = month_parse(self.cleaned_data["month"])
        except ValueError as exc:
            raise forms.ValidationError(
                "Informe a competência como AAAA-MM, por exemplo 2026-10."
            ) from exc
        today = timezone.localdate()
        if (year, month) > (today.year, today.month):
            raise forms.ValidationError("Esta competência ainda não começou.")
        return year, month
