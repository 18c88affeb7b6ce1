from django.db import models

from inventory.models import LotMember
from redegov.roles import Role, has_role

# Who sees every proceeding: billing staff instruct them, legal counsel and the deciding
# authority work on them, the committee and admins read them.
SEE_ALL = (Role.BILLING, Role.LEGAL, Role.AUTHORITY, Role.COMMITTEE, Role.ADMIN)


class ProceedingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProceedingQuerySet":
        """Everything for the roles of SEE_ALL; for carrier staff, the proceedings against a
        lot their carrier is a member of (a consortium answers as a whole); nothing else."""
        if has_role(user, *SEE_ALL):
            return self
        if has_role(user, Role.CARRIER) and user.carrier_id:
            return self.filter(
                lot__in=LotMember.objects.filter(carrier_id=user.carrier_id).values("lot_id")
            )
        return self.none()
