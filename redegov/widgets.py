"""Form widgets shared by the portal's forms and filters."""

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
