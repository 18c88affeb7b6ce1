"""Writes to the portal's users.

Which ties a user needs (an agency, a unit, a carrier) follows from the user's roles, and roles
are groups: a many-to-many relation that is saved after the user row. A `clean()` on the model
cannot see the groups a form is about to save, so the rule lives in `user_ties_check`, which
takes the roles explicitly; `user_create` and the admin's user forms both call it before saving.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from redegov.access import AGENCY_ROLES, CARRIER_ROLES
from redegov.models import User
from redegov.roles import Role

if TYPE_CHECKING:  # the platform comes before the inventory: its rows are only handed in
    from inventory.models import Agency, AgencyUnit, Carrier


def user_ties_check(
    *,
    roles: Iterable[str],
    agency: "Agency | None",
    unit: "AgencyUnit | None",
    carrier: "Carrier | None",
) -> None:
    """Refuse ties that do not fit the roles: agency roles need an agency (unit staff also a unit
    of that agency), the carrier role needs a carrier, and no other role has ties.

    Raises ValidationError keyed by field, so a form shows each message beside its field.
    """
    roles = set(roles)
    agency_role = bool(roles & AGENCY_ROLES)
    carrier_role = bool(roles & CARRIER_ROLES)
    errors: dict[str, str] = {}
    if agency_role and carrier_role:
        errors["groups"] = "Um usuário não pode ser de órgão e de operadora ao mesmo tempo."
    if agency_role and agency is None:
        errors["agency"] = "Informe o órgão deste usuário."
    if not agency_role and agency is not None:
        errors["agency"] = "Só gestores do órgão e servidores da unidade têm órgão."
    if Role.AGENCY_UNIT in roles and unit is None:
        errors["unit"] = "Informe a unidade deste servidor."
    if unit is not None and not agency_role:
        errors["unit"] = "Só gestores do órgão e servidores da unidade têm unidade."
    elif unit is not None and agency is not None and unit.agency_id != agency.pk:
        errors["unit"] = f"A unidade {unit} não pertence ao órgão {agency.code}."
    if carrier_role and carrier is None:
        errors["carrier"] = "Informe a operadora deste usuário."
    if not carrier_role and carrier is not None:
        errors["carrier"] = "Só usuários de operadora têm operadora."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    email: str = "",
    agency: "Agency | None" = None,
    unit: "AgencyUnit | None" = None,
    carrier: "Carrier | None" = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """A user with one role (its group) and the ties that role needs. The admin role is the
    portal's administrator: a superuser, staff of the Django admin.

    The password is hashed, not checked against the password validators: callers that take a
    password from a person (forms) validate it themselves.
    """
    if role not in Role.values:
        raise ValidationError({"groups": f"Papel desconhecido: {role}."})
    user_ties_check(roles=[role], agency=agency, unit=unit, carrier=carrier)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        agency=agency,
        unit=unit,
        carrier=carrier,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user
