"""The portal's roles (docs/security.md). Each role is a Django group of the same code name; the
sets of roles that may do each thing are in `redegov.access`."""

from django.db import models


class Role(models.TextChoices):
    AGENCY_UNIT = "agency_unit", "Servidor da unidade"
    AGENCY_MANAGER = "agency_manager", "Gestor do órgão"
    NOC = "noc", "Centro de Operações (NOC)"
    BILLING = "billing", "Faturamento (UGS)"
    CARRIER = "carrier", "Operadora"
    COMMITTEE = "committee", "Comitê gestor"
    LEGAL = "legal", "Assessoria jurídica"
    AUTHORITY = "authority", "Autoridade competente"
    ADMIN = "admin", "Administrador"


def user_roles(user) -> frozenset[str]:
    """The role codes of a user, read once per request object and kept on it."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN)
        cached = frozenset(name for name in names if name in Role.values)
        user._role_cache = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
