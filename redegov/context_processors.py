from django.http import HttpRequest

from redegov.roles import Role, user_roles


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu a user sees, decided by role (the server refuses the pages too)."""
    roles = user_roles(request.user)
    return {
        "user_roles": roles,
        "role_labels": [Role(r).label for r in sorted(roles)],
        "nav_links": bool(roles - {Role.LEGAL, Role.AUTHORITY}),
        "nav_admin": request.user.is_authenticated and request.user.is_staff,
    }
