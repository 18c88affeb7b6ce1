"""Input of the billing pages: which month to compute."""

from django import forms
from django.utils import timezone

from core.forms import MonthField


class PeriodMonthForm(forms.Form):
    """A competência from the month picker (docs/ui.md, "Meses")."""

    month = MonthField(label="Competência")

    def clean_month(self) -> tuple[int, int]:
        """-> (year, month). A month that has not begun has nothing to compute yet: refusing it
        keeps a typo from creating a competência years ahead."""
        year, month = self.cleaned_data["month"]
        today = timezone.localdate()
        if (year, month) > (today.year, today.month):
            raise forms.ValidationError("Esta competência ainda não começou.")
        return year, month
