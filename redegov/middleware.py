"""Middleware that no app owns (docs/security.md, "Secure defaults")."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from redegov.access import writes_refused


def no_store_when_logged_in(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """`Cache-Control: no-store` (and private, no-cache) on every response to a logged-in
    person: pages, exports and downloads carry financial and personal data, and a shared
    computer's browser cache or a proxy must not keep them. An API token's user counts too
    (DRF sets the user on the request it wraps)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware


class ReadOnlyRoles:
    """Refuse (403) every write of a person whose roles are all read-only (the committee),
    on every page (`redegov.access.writes_refused`); the API applies the same rule through
    `api.permissions.ReadOnlyRoles`, since it knows its user only inside the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> None:
        match = request.resolver_match
        if writes_refused(request.user, request.method, match.view_name if match else None):
            raise PermissionDenied("Seu perfil só consulta: não altera dados.")
