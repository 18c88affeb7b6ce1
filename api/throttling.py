"""Rate limits per token (DRF throttling, counted in the Redis cache): one budget for reads
and one for writes (settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "read" and "write")."""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Counts each token's requests (a browser session counts per user). The key is the
    token's random prefix, never its id, so no two tokens ever share a count."""

    scope = "read"  # set per request by `allow_request`

    def allow_request(self, request, view) -> bool:
        self.scope = "read" if request.method in SAFE_METHODS else "write"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self) -> str:
        # Read at each request, so that a change of settings applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.prefix}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None  # refused anyway (401)
        return self.cache_format % {"scope": self.scope, "ident": ident}
