"""The one month field (core.forms.MonthField, docs/ui.md "Meses"): a month picker that takes
what the picker sends and what a person types, and refuses anything else naming it."""

import pytest
import time_machine
from django.urls import reverse

from core.forms import MonthForm
from core.templatetags.formatting import months_br
from tests.support.time import local


@pytest.mark.parametrize(
    ("typed", "month"),
    [
        ("2026-10", (2026, 10)),
        ("10/2026", (2026, 10)),
        ("1/2027", (2027, 1)),
        (" 12/2026 ", (2026, 12)),
    ],
)
def test_the_month_field_takes_the_pickers_month_and_a_typed_one(typed, month):
    form = MonthForm({"mes": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mes"] == month


@pytest.mark.parametrize("typed", ["2026-13", "13/2026", "2026-1", "outubro", "10-2026", "00/2026"])
def test_a_bad_month_is_refused_naming_it_and_the_expected_form(typed):
    form = MonthForm({"mes": typed})
    assert not form.is_valid()
    assert form.errors["mes"] == [f'Competência inválida: "{typed}". Use mm/aaaa, ex.: 10/2026.']


def test_the_field_is_a_month_picker_that_shows_its_month_back():
    html = str(MonthForm(initial={"mes": (2026, 10)})["mes"])
    assert 'type="month"' in html
    assert 'value="2026-10"' in html
    assert 'placeholder="mm/aaaa"' in html
    assert MonthForm({}).is_valid()  # optional where a page has a default month


COMPLIANCE = reverse("orders:order-compliance")


@pytest.mark.django_db
def test_the_compliance_page_shows_a_bad_month_instead_of_another_month(client, personas):
    client.force_login(personas.noc)
    with time_machine.travel(local(2026, 11, 25, 10), tick=False):
        page = client.get(COMPLIANCE, {"mes": "2026-13"}).content.decode()
        assert "Competência inválida: &quot;2026-13&quot;. Use mm/aaaa, ex.: 10/2026." in page
        assert "11/2026" not in page  # not silently the current month
        typed = client.get(COMPLIANCE, {"mes": "10/2026"}).content.decode()
        assert "Cumprimento de prazos das OS · 10/2026" in typed
        assert 'value="2026-10"' in typed
        assert "Cumprimento de prazos das OS · 11/2026" in client.get(COMPLIANCE).content.decode()


@pytest.mark.django_db
def test_the_imr_results_show_a_bad_month(client, personas):
    client.force_login(personas.billing)
    page = client.get(reverse("sla:result-list"), {"mes": "10-2026"}).content.decode()
    assert "Competência inválida: &quot;10-2026&quot;. Use mm/aaaa, ex.: 10/2026." in page


def test_stored_months_are_written_as_on_screen():
    assert months_br(["2026-09", "2026-10"]) == "09/2026, 10/2026"
    assert months_br(None) == ""
