"""What the header shows besides the menu (redegov.context_processors.navigation builds the
menu, but redegov may not import monitoring: docs/architecture.md): the NOC's badge of what
waits for it (docs/noc.md, "The NOC's badge")."""

from django.http import HttpRequest

from monitoring.selectors.lists import noc_pending_count


def noc_pending(request: HttpRequest) -> dict[str, int]:
    """`noc_pending`: how many items the NOC's to-do lists (0, no badge, for anyone else)."""
    user = request.user
    return {"noc_pending": noc_pending_count(user=user) if user.is_authenticated else 0}
