"""Form widgets shared by the portal's forms and filters."""

from django import forms
from django_filters.widgets import DateRangeWidget


class LabelledDateRangeWidget(DateRangeWidget):
    """Two date inputs ("De", "Até"), each with its own label (WCAG 1.3.1, 4.1.2): the field's
    label names the pair, and a label naming one input of two would leave the other unnamed."""

    template_name = "redegov/widgets/date_range.html"
    labels = ("De", "Até")

    def __init__(self, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], self.labels, strict=True):
            subwidget["label"] = label
        return context


SEARCH_ATTR = "data-select-search"


class SearchableMixin:
    """Marks the select for `static/js/select-search.js`, which adds a search box to it in the
    browser (docs/ui.md, "Seleções com busca"); without JavaScript it stays a plain select, and
    the form submits and validates the select alone either way."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={SEARCH_ATTR: True, **(attrs or {})}, choices=choices)


class SearchableSelect(SearchableMixin, forms.Select):
    """One choice among hundreds (a municipality, a link, a unit): a combobox with a filtered
    list."""


class SearchableSelectMultiple(SearchableMixin, forms.SelectMultiple):
    """Many choices among hundreds (a maintenance window's links): a filtered checkbox list."""
