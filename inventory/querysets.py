"""Chainable reads of the inventory. `visible_to` is the one place that decides which links a
user may see (DOMAIN.md section 1)."""

from django.db import models
from django.db.models import Q

from inventory.choices import LinkStatus
from redegov.roles import Role, has_role, sees_whole_network


def link_visibility_q(user, prefix: str = "") -> Q | None:
    """The condition on links (reached through `prefix`, e.g. "link__") that a user may see;
    None means every link, and an impossible condition means none."""
    if sees_whole_network(user):
        return None
    if has_role(user, Role.AGENCY_MANAGER) and user.agency_id:
        return Q(**{f"{prefix}agency_id": user.agency_id})
    if has_role(user, Role.AGENCY_UNIT) and user.unit_id:
        return Q(**{f"{prefix}unit_id": user.unit_id})
    if has_role(user, Role.CARRIER) and user.carrier_id:
        return Q(**{f"{prefix}lot__members__carrier_id": user.carrier_id}) | Q(
            **{f"{prefix}revisions__lot__members__carrier_id": user.carrier_id}
        )
    return Q(pk__in=[])


class LinkQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LinkQuerySet":
        condition = link_visibility_q(user)
        if condition is None:
            return self
        # The carrier condition crosses to-many relations: keep one row per link.
        return self.filter(pk__in=self.model.objects.filter(condition).values("pk"))

    def live(self) -> "LinkQuerySet":
        return self.exclude(status=LinkStatus.CANCELLED)
