"""A small per-person rate limit for expensive requests (exports, PDFs, ZIPs, computing a
month), counted in the cache: EXPENSIVE_REQUESTS_PER_MINUTE a minute, then 429 with a pt-BR
message until the minute ends (docs/security.md, "Secure defaults")."""

import functools
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

WINDOW_SECONDS = 60


def expensive_request_allowed(user_pk: int, *, now: float | None = None) -> tuple[bool, int]:
    """Count one expensive request of this user in the current minute; (allowed, seconds until
    the minute ends). The counter is created with its expiry, then only incremented (atomic in
    Redis), so two requests at once never both pass the last slot."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"throttle:expensive:{user_pk}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    count = cache.incr(key)
    retry_after = WINDOW_SECONDS - int(now % WINDOW_SECONDS)
    return count <= settings.EXPENSIVE_REQUESTS_PER_MINUTE, retry_after


def throttle_expensive(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Refuse the view with 429 once its user has made too many expensive requests this
    minute (every view so decorated shares one budget per person)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.user.is_authenticated:
            allowed, retry_after = expensive_request_allowed(request.user.pk)
            if not allowed:
                response = render(
                    request,
                    "429.html",
                    {"retry_after": retry_after, "limit": settings.EXPENSIVE_REQUESTS_PER_MINUTE},
                    status=429,
                )
                response["Retry-After"] = str(retry_after)
                return response
        return view(request, *args, **kwargs)

    return wrapper
