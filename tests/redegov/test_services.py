"""Creating users with a role and the ties that role needs."""

import pytest
from django.core.exceptions import ValidationError

from redegov.models import User
from redegov.roles import Role, user_roles
from redegov.services import user_create, user_ties_check
from tests.inventory.factories import AgencyUnitFactory

PASSWORD = "uma-senha-longa-123"


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_agency_manager_is_created_with_its_group_and_agency(network):
    user = user_create(
        username="gestor.sef",
        password=PASSWORD,
        role=Role.AGENCY_MANAGER,
        email="gestor@fazenda.mg.gov.br",
        agency=network.agency_x,
        first_name="Maria",
        last_name="Souza",
    )
    user = User.objects.get(pk=user.pk)
    assert user_roles(user) == {Role.AGENCY_MANAGER}
    assert user.agency == network.agency_x
    assert user.check_password(PASSWORD)
    assert user.get_full_name() == "Maria Souza"
    assert not user.is_staff


def test_unit_staff_needs_a_unit_of_its_agency(network):
    unit = network.agency_x.units.get()
    user = user_create(
        username="servidor",
        password=PASSWORD,
        role=Role.AGENCY_UNIT,
        agency=network.agency_x,
        unit=unit,
    )
    assert user.unit == unit
    with pytest.raises(ValidationError) as excinfo:
        user_create(
            username="sem.unidade",
            password=PASSWORD,
            role=Role.AGENCY_UNIT,
            agency=network.agency_x,
        )
    assert errors_of(excinfo) == {"unit": ["Informe a unidade deste servidor."]}
    with pytest.raises(ValidationError) as excinfo:
        user_create(
            username="outra.unidade",
            password=PASSWORD,
            role=Role.AGENCY_UNIT,
            agency=network.agency_y,
            unit=unit,
        )
    assert errors_of(excinfo) == {
        "unit": ["A unidade Cidade Administrativa não pertence ao órgão SEE."]
    }


def test_agency_roles_need_an_agency(db):
    for role in (Role.AGENCY_MANAGER, Role.AGENCY_UNIT):
        with pytest.raises(ValidationError) as excinfo:
            user_create(username=f"sem.orgao.{role}", password=PASSWORD, role=role)
        assert errors_of(excinfo)["agency"] == ["Informe o órgão deste usuário."]
    assert not User.objects.exists()


def test_carrier_staff_need_a_carrier_and_nothing_else(network):
    user = user_create(
        username="alfa", password=PASSWORD, role=Role.CARRIER, carrier=network.carrier_a
    )
    assert user.carrier == network.carrier_a
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="sem.operadora", password=PASSWORD, role=Role.CARRIER)
    assert errors_of(excinfo) == {"carrier": ["Informe a operadora deste usuário."]}
    with pytest.raises(ValidationError) as excinfo:
        user_create(
            username="mista",
            password=PASSWORD,
            role=Role.CARRIER,
            carrier=network.carrier_a,
            agency=network.agency_x,
        )
    assert errors_of(excinfo) == {
        "agency": ["Só gestores do órgão e servidores da unidade têm órgão."]
    }


@pytest.mark.parametrize(
    "role", [Role.NOC, Role.BILLING, Role.COMMITTEE, Role.LEGAL, Role.AUTHORITY, Role.ADMIN]
)
def test_roles_without_ties_refuse_every_tie(network, role):
    unit = network.agency_x.units.get()
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="x", password=PASSWORD, role=role, agency=network.agency_x, unit=unit)
    assert set(errors_of(excinfo)) == {"agency", "unit"}
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="y", password=PASSWORD, role=role, carrier=network.carrier_b)
    assert set(errors_of(excinfo)) == {"carrier"}
    user = user_create(username="z", password=PASSWORD, role=role)
    assert user_roles(User.objects.get(pk=user.pk)) == {role}


def test_admin_role_is_a_superuser_of_the_django_admin(db):
    user = user_create(username="admin.portal", password=PASSWORD, role=Role.ADMIN)
    assert user.is_staff
    assert user.is_superuser
    noc = user_create(username="noc", password=PASSWORD, role=Role.NOC)
    assert not noc.is_staff
    assert not noc.is_superuser


def test_unknown_role_and_duplicate_username_are_refused(db):
    with pytest.raises(ValidationError, match="Papel desconhecido"):
        user_create(username="quem", password=PASSWORD, role="janitor")
    user_create(username="noc", password=PASSWORD, role=Role.NOC)
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="noc", password=PASSWORD, role=Role.BILLING)
    assert set(errors_of(excinfo)) == {"username"}
    assert User.objects.count() == 1


def test_manager_may_be_tied_to_a_unit_of_its_agency_only(network):
    unit_y = AgencyUnitFactory(agency=network.agency_y, name="Escola Estadual")
    user_ties_check(roles=[Role.AGENCY_MANAGER], agency=network.agency_y, unit=unit_y, carrier=None)
    with pytest.raises(ValidationError) as excinfo:
        user_ties_check(
            roles=[Role.AGENCY_MANAGER], agency=network.agency_x, unit=unit_y, carrier=None
        )
    assert set(errors_of(excinfo)) == {"unit"}


def test_agency_and_carrier_roles_together_are_refused(network):
    with pytest.raises(ValidationError) as excinfo:
        user_ties_check(
            roles=[Role.AGENCY_MANAGER, Role.CARRIER],
            agency=network.agency_x,
            unit=None,
            carrier=network.carrier_a,
        )
    assert errors_of(excinfo) == {
        "groups": ["Um usuário não pode ser de órgão e de operadora ao mesmo tempo."]
    }


def test_a_network_wide_role_beside_an_agency_role_keeps_the_agency_tie(network):
    user_ties_check(
        roles=[Role.AGENCY_MANAGER, Role.COMMITTEE],
        agency=network.agency_x,
        unit=None,
        carrier=None,
    )
