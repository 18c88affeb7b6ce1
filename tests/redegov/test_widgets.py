"""The searchable selects' widgets (docs/ui.md, "Seleções com busca"): the forms with hundreds of
options mark their selects for static/js/select-search.js; a handful of options stays plain."""

from inventory.models import AgencyUnit, Link
from monitoring.forms import IrregularityForm, MaintenanceForm
from orders.choices import OrderType
from orders.forms import OrderDraftForm
from redegov.widgets import SearchableSelect, SearchableSelectMultiple


def test_the_widgets_mark_the_select_and_keep_its_own_attributes():
    single = SearchableSelect(attrs={"class": "wide"}, choices=[("1", "Um")])
    html = single.render("municipality", "1", attrs={"id": "id_municipality"})
    assert html.startswith(
        '<select name="municipality" data-select-search class="wide" id="id_municipality">'
    )
    assert '<option value="1" selected>Um</option>' in html
    multiple = SearchableSelectMultiple(choices=[("1", "Um"), ("2", "Dois")])
    html = multiple.render("links", ["2"])
    assert html.startswith('<select name="links" data-select-search multiple>')
    assert '<option value="2" selected>Dois</option>' in html


def test_the_fields_with_hundreds_of_options_render_searchable_selects(municipalities, personas):
    order = OrderDraftForm(
        order_type=OrderType.ADDRESS_CHANGE,
        units=AgencyUnit.objects.all(),
        links=Link.objects.all(),
        speeds=None,
    )
    window = MaintenanceForm(user=personas.carrier_a)
    report = IrregularityForm(agency_id=personas.manager_x.agency_id)
    searchable = [
        str(field)
        for field in (order["link"], order["municipality"], window["links"], window["municipality"])
    ] + [str(report["link"])]
    assert all("data-select-search" in html for html in searchable)
    assert "multiple" in str(window["links"])
    activation = OrderDraftForm(
        order_type=OrderType.ACTIVATION, units=AgencyUnit.objects.all(), links=None, speeds=None
    )
    assert "data-select-search" in str(activation["unit"])
    # The lot, with a handful of options, stays a plain select.
    assert "data-select-search" not in str(window["lot"])
