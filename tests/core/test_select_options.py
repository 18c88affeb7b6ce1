"""The project's select template (options written in Python, core/templatetags/options.py)
renders what Django's own does: same options, attributes, groups and escaping."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting


class OptionSelect(forms.Select):
    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value == "b":
            option["attrs"]["data-price"] = '1.234,56 "R$"'
            option["attrs"]["disabled"] = True
        return option


class ChoiceForm(forms.Form):
    one = forms.ChoiceField(
        choices=[("", "Todos"), ("a", "Água & <Esgoto>"), ("b", "B")], widget=OptionSelect
    )
    grouped = forms.ChoiceField(
        choices=[("RMBH", [("1", "Belo Horizonte"), ("2", "Contagem")]), ("3", "Uberaba")]
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")])


def _markup(form: forms.Form) -> str:
    return re.sub(r"\s+", " ", str(form)).replace("> <", "><")


def test_same_markup_as_djangos_template():
    template = TemplatesSetting().get_template("django/forms/widgets/select.html")
    assert template.origin.name.endswith("templates/django/forms/widgets/select.html")
    assert "/django/forms/" not in template.origin.name.split("templates/")[0]  # the project's
    data = {"one": "a", "grouped": "2", "many": ["x", "z"]}
    ours = ChoiceForm(data, renderer=TemplatesSetting())
    djangos = ChoiceForm(data, renderer=DjangoTemplates())
    assert _markup(ours) == _markup(djangos)


def test_escapes_labels_values_and_attributes():
    html = str(ChoiceForm({"one": "b"}, renderer=TemplatesSetting())["one"])
    assert "Água &amp; &lt;Esgoto&gt;" in html
    assert 'data-price="1.234,56 &quot;R$&quot;"' in html
    assert re.search(r'<option value="b"[^>]* selected', html)
    assert re.search(r'<option value="b"[^>]* disabled', html)
    assert '<option value="a">' in html


def test_groups_and_multiple_selection():
    html = str(ChoiceForm({"grouped": "2", "many": ["x", "z"]}, renderer=TemplatesSetting()))
    assert '<optgroup label="RMBH">' in html
    assert re.search(r'<option value="2" selected>Contagem</option>\s*</optgroup>', html)
    assert '<option value="x" selected>X</option>' in html
    assert '<option value="y">Y</option>' in html
