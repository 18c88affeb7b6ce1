"""Chainable reads of the inventory. Which links a user may see is the access policy's rule
(`redegov.access.link_rows`); `visible_to` applies it."""

from django.db import models

from inventory.choices import LinkStatus
from redegov.access import restrict


class LinkQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LinkQuerySet":
        return restrict(self, user)

    def live(self) -> "LinkQuerySet":
        return self.exclude(status=LinkStatus.CANCELLED)
