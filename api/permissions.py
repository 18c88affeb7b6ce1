"""The API's share of the access policy that DRF applies before each view."""

from rest_framework.permissions import BasePermission

from redegov.access import writes_refused


class ReadOnlyRoles(BasePermission):
    """A person whose roles are all read-only (the committee) makes no write through the API,
    with a token or a session (`redegov.access.writes_refused`)."""

    message = "Seu perfil só consulta: não altera dados."

    def has_permission(self, request, view) -> bool:
        match = request.resolver_match
        return not writes_refused(request.user, request.method, match.view_name if match else None)
