"""The options of a `<select>`, written in Python: Django's own select template includes one
template per option (two with its attributes), which cost a list's filter form, with its 853
municipalities, most of its time (docs/benchmarks.md, "Pages under load"). Used by
templates/django/forms/widgets/select.html, which overrides Django's; the markup is the same."""

from django import template
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString

register = template.Library()


def _attributes(attrs: dict) -> str:
    """Most options have none, or only `selected`: flatatt's formatting is for the others."""
    if not attrs:
        return ""
    return " selected" if attrs == {"selected": True} else flatatt(attrs)


def _options(choices: list[dict]) -> str:
    return "".join(
        f'\n  <option value="{escape(option["value"])}"{_attributes(option["attrs"])}>'
        f"{escape(option['label'])}</option>"
        for option in choices
    )


@register.filter
def select_options(widget: dict) -> SafeString:
    """A select widget's context (`widget`) to its options and optgroups, escaped."""
    return SafeString(
        "".join(
            f'\n  <optgroup label="{escape(group)}">{_options(choices)}\n  </optgroup>'
            if group
            else _options(choices)
            for group, choices, _index in widget["optgroups"]
        )
    )
