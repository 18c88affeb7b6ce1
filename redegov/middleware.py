"""Middleware that no app owns (docs/security.md, "Secure defaults")."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


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
