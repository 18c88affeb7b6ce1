import pytest
from django.http import Http404

from inventory.selectors import link_get_for_user, link_list


def circuits(user) -> set[str]:
    return set(link_list(user=user).values_list("circuit_id", flat=True))


@pytest.mark.django_db
def test_each_role_sees_only_its_links(network, personas):
    everything = {"BHZ-0001", "UDI-0001", "CTG-0001"}
    assert circuits(personas.noc) == everything
    assert circuits(personas.billing) == everything
    assert circuits(personas.committee) == everything
    assert circuits(personas.manager_x) == {"BHZ-0001", "UDI-0001"}
    assert circuits(personas.manager_y) == {"CTG-0001"}
    # Carrier A leads the metro lot and is a member of the interior consortium.
    assert circuits(personas.carrier_a) == everything
    assert circuits(personas.carrier_b) == {"UDI-0001"}
    assert circuits(personas.legal) == set()
    assert circuits(personas.outsider) == set()


@pytest.mark.django_db
def test_unit_staff_see_only_their_units_links(network, personas):
    network.link_x_metro.unit = personas.unit_x.unit
    network.link_x_metro.save()
    assert circuits(personas.unit_x) == {"BHZ-0001"}


@pytest.mark.django_db
def test_outsider_gets_404_for_a_link_of_another_agency(network, personas):
    with pytest.raises(Http404):
        link_get_for_user(user=personas.manager_y, pk=network.link_x_metro.pk)
    with pytest.raises(Http404):
        link_get_for_user(user=personas.carrier_b, pk=network.link_x_metro.pk)
    assert link_get_for_user(user=personas.manager_x, pk=network.link_x_metro.pk).circuit_id == (
        "BHZ-0001"
    )


@pytest.mark.django_db
def test_the_database_refuses_a_consortium_whose_shares_do_not_sum_to_100(network):
    from django.db import IntegrityError, connection, transaction

    member = network.lot_interior.members.get(position=1)
    with pytest.raises(IntegrityError, match="somam 90"), transaction.atomic():
        member.share = 30
        member.save()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # Moving shares between members inside one transaction is fine.
    with transaction.atomic():
        member.share = 30
        member.save()
        leader = network.lot_interior.members.get(position=0)
        leader.share = 70
        leader.save()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
