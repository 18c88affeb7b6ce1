"""What the header shows besides the menu (redegov.context_processors.navigation builds the
menu, but redegov may not import monitoring: docs/architecture.md): the NOC's badge of what
waits for it (docs/noc.md, "The NOC's badge")."""

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from monitoring.selectors.lists import noc_pending_count


def noc_pending(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """`noc_pending`: how many items the NOC's to-do lists (0, no badge, for anyone else).
    A callable, so the count is read only when a page's header shows it (never for the
    panel's 5-second fragments), and once per request."""
    user = request.user

    @cache
    def count() -> int:
        return noc_pending_count(user=user) if user.is_authenticated else 0

    return {"noc_pending": count}
