from django.db import models

from redegov.access import restrict


class ProceedingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProceedingQuerySet":
        """The proceedings the user may see (`redegov.access.proceeding_rows`)."""
        return restrict(self, user)
