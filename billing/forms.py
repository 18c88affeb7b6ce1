"""Input of the billing pages: which month to compute."""

import re

from django import forms
from django.utils import timezone

MONTH = re.compile(r"(\d{4})-(\d{2})")


class PeriodMonthForm(forms.Form):
    """A competência typed as AAAA-MM (what `<input type="month">` sends)."""

    month = forms.CharField(
        label="Competência (AAAA-MM)",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"}),
    )

    def clean_month(self) -> tuple[int, int]:
        """-> (year, month). A month that has not begun has nothing to compute yet: refusing it
        keeps a typo from creating a competência years ahead."""
        match = MONTH.fullmatch(self.cleaned_data["month"].strip())
        if match is None or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError("Informe a competência como AAAA-MM, por exemplo 2026-10.")
        year, month = int(match[1]), int(match[2])
        today = timezone.localdate()
        if (year, month) > (today.year, today.month):
            raise forms.ValidationError("Esta competência ainda não começou.")
        return year, month
