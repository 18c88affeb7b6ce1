"""Issue 23: the unit chosen on a draft is the unit saved. Unit staff file only for their own
unit; another unit's id (of the same agency or another one) is refused on the page, in the API
and by the service, and nothing is written."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inventory.models import Municipality
from orders.choices import OrderType
from orders.models import Order
from orders.services import order_create
from tests.inventory.factories import BELO_HORIZONTE, AgencyUnitFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("orders:order-create", args=["ativacao"])
ACTIVATION = {
    "municipality": "3106200",
    "address": "Rua A, 1",
    "speed_mbps": "4",
    "access_type": "simple",
    "site_contact": "José",
}


@pytest.fixture
def other_units(priced_catalog):
    """A second unit of agency X and a unit of agency Y."""
    return {
        "same_agency": AgencyUnitFactory(agency=priced_catalog.agency_x, name="Regional Contagem"),
        "other_agency": AgencyUnitFactory(agency=priced_catalog.agency_y, name="Escola Estadual"),
    }


def test_unit_staff_are_offered_only_their_own_unit(client, personas, other_units):
    client.force_login(personas.unit_x)
    form = client.get(PAGE).context["form"]
    assert list(form.fields["unit"].queryset) == [personas.unit_x.unit]
    assert form.fields["unit"].empty_label is None  # no blank choice: the one unit is chosen


def test_the_manager_is_offered_the_agencys_units_only(client, personas, other_units):
    client.force_login(personas.manager_x)
    units = client.get(PAGE).context["form"].fields["unit"].queryset
    assert set(units) == {personas.unit_x.unit, other_units["same_agency"]}


def test_the_unit_the_manager_chooses_is_the_unit_saved(client, personas, other_units):
    client.force_login(personas.manager_x)
    chosen = other_units["same_agency"]
    response = client.post(PAGE, {**ACTIVATION, "unit": chosen.pk})
    assert response.status_code == 302
    assert Order.objects.get().unit == chosen


@pytest.mark.parametrize("which", ["same_agency", "other_agency"])
def test_a_forged_unit_is_refused_on_the_page(client, personas, other_units, which):
    client.force_login(personas.unit_x)
    response = client.post(PAGE, {**ACTIVATION, "unit": other_units[which].pk})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("which", ["same_agency", "other_agency"])
def test_a_forged_unit_is_refused_by_the_api(api, personas, other_units, which):
    body = {**ACTIVATION, "ibge_code": 3106200, "unit": other_units[which].pk}
    del body["municipality"]
    response = api("unit_x").post("/api/v1/orders/", body)
    assert response.status_code == 400
    assert "unit" in response.json()["campos"]
    assert not Order.objects.exists()


def test_the_service_refuses_another_unit_instead_of_replacing_it(personas, other_units):
    with pytest.raises(ValidationError) as caught:
        order_create(
            user=personas.unit_x,
            order_type=OrderType.ACTIVATION,
            unit=other_units["same_agency"],
            municipality=Municipality.objects.get(pk=BELO_HORIZONTE),
            address="Rua A, 1",
            speed_mbps=4,
            access_type="simple",
        )
    assert "unit" in caught.value.message_dict
    assert not Order.objects.exists()
