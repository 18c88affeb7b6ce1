"""LinkFilter, built from a params dict and counted (NetBox style)."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from inventory.choices import AccessType, LinkStatus
from inventory.filters import LinkFilter
from inventory.models import LinkRevision
from inventory.selectors import link_list


def filtered(user, **params) -> list[str]:
    request = RequestFactory().get("/acessos/")
    request.user = user
    f = LinkFilter(params, queryset=link_list(user=user), request=request)
    return list(f.qs.values_list("circuit_id", flat=True))


def choices(user, name: str) -> list[str]:
    request = RequestFactory().get("/acessos/")
    request.user = user
    f = LinkFilter({}, queryset=link_list(user=user), request=request)
    return [str(obj) for obj in f.form.fields[name].queryset]


@pytest.fixture
def noc(personas):
    return personas.noc


@pytest.mark.django_db
def test_no_params_lists_every_visible_link_by_circuit_id(noc):
    assert filtered(noc) == ["BHZ-0001", "CTG-0001", "UDI-0001"]


@pytest.mark.django_db
def test_filter_by_agency(noc, network):
    assert filtered(noc, agency=network.agency_x.pk) == ["BHZ-0001", "UDI-0001"]


@pytest.mark.django_db
def test_filter_by_municipality(noc, network):
    assert filtered(noc, municipality=network.link_y_metro.municipality_id) == ["CTG-0001"]


@pytest.mark.django_db
def test_filter_by_lot(noc, network):
    assert filtered(noc, lot=network.lot_interior.pk) == ["UDI-0001"]


@pytest.mark.django_db
def test_filter_by_carrier_includes_the_lots_where_it_is_a_consortium_member(noc, network):
    assert filtered(noc, carrier=network.carrier_b.pk) == ["UDI-0001"]
    assert len(filtered(noc, carrier=network.carrier_a.pk)) == 3


@pytest.mark.django_db
def test_filter_by_status(noc, network):
    link = network.link_y_metro
    link.status, link.cancelled_at = LinkStatus.CANCELLED, timezone.now()
    link.save()
    assert filtered(noc, status=LinkStatus.CANCELLED) == ["CTG-0001"]
    assert len(filtered(noc, status=LinkStatus.ACTIVE)) == 2


@pytest.mark.django_db
def test_filter_by_speed_uses_the_speed_in_force(noc, network):
    LinkRevision.objects.create(
        link=network.link_x_metro, effective_at=timezone.now() - timedelta(days=1), speed_mbps=20
    )
    assert filtered(noc, speed=20) == ["BHZ-0001"]
    assert filtered(noc, speed=4) == ["CTG-0001", "UDI-0001"]


@pytest.mark.django_db
def test_filter_by_access_type(noc, network):
    link = network.link_x_interior
    link.access_type, link.mgmt_ip_secondary = AccessType.REDUNDANT, "127.20.0.1"
    link.save()
    assert filtered(noc, access_type=AccessType.REDUNDANT) == ["UDI-0001"]


@pytest.mark.django_db
def test_search_matches_circuit_id_or_current_address(noc, network):
    LinkRevision.objects.create(
        link=network.link_y_metro,
        effective_at=timezone.now() - timedelta(days=1),
        address="Avenida Afonso Pena, 1212",
    )
    assert filtered(noc, q="udi-") == ["UDI-0001"]
    assert filtered(noc, q="afonso pena") == ["CTG-0001"]


@pytest.mark.django_db
def test_sort_by_a_column_and_reverse(noc):
    assert filtered(noc, o="-circuit_id") == ["UDI-0001", "CTG-0001", "BHZ-0001"]
    assert filtered(noc, o="lot") == ["BHZ-0001", "CTG-0001", "UDI-0001"]


@pytest.mark.django_db
def test_unknown_values_are_ignored_not_errors(noc):
    assert len(filtered(noc, agency="999999", o="password")) == 3


@pytest.mark.django_db
def test_filters_combine_with_visibility(personas, network):
    assert filtered(personas.manager_y, agency=network.agency_x.pk) == ["CTG-0001"]


@pytest.mark.django_db
def test_choices_offer_only_what_the_user_may_see(personas, network):
    assert choices(personas.manager_x, "agency") == ["SEF - Secretaria de Estado de Fazenda"]
    assert choices(personas.manager_y, "municipality") == ["Contagem"]
    assert choices(personas.carrier_b, "lot") == [str(network.lot_interior)]
    assert choices(personas.carrier_b, "carrier") == ["Alfa Telecom", "Beta Net"]
    assert len(choices(personas.noc, "agency")) == 2
    assert choices(personas.outsider, "agency") == []
