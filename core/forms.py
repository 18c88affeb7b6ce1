"""Form pieces shared by every app's pages: the competência (month) field (docs/ui.md, "Meses")."""

from django import forms

from core.instants import month_read


class MonthInput(forms.TextInput):
    """`<input type="month">`: the browser's month picker. A browser without one shows a text box,
    where the placeholder says how to write the month."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "mm/aaaa", **(attrs or {})})

    def format_value(self, value):
        """A cleaned (year, month) goes back as the picker's "AAAA-MM"; typed text as typed."""
        if isinstance(value, tuple):
            year, month = value
            return f"{year:04d}-{month:02d}"
        return super().format_value(value)


class MonthField(forms.Field):
    """A competência, cleaned to (year, month): "2026-10" (the picker) or "10/2026" (typed).
    A bad value is refused naming it and the expected form."""

    widget = MonthInput

    def to_python(self, value) -> tuple[int, int] | None:
        if isinstance(value, tuple):
            return value
        text = (value or "").strip()
        if not text:
            return None
        try:
            return month_read(text)
        except ValueError as exc:
            raise forms.ValidationError(
                'Competência inválida: "%(value)s". Use mm/aaaa, ex.: 10/2026.',
                code="invalid",
                params={"value": text},
            ) from exc


class MonthForm(forms.Form):
    """A page's month in the query string (`?mes=2026-10`)."""

    mes = MonthField(label="Competência", required=False)
