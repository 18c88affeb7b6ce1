"""How the API knows who calls: `Authorization: Bearer rg_...` (a token made in the portal,
docs/api.md), or the portal's own session for a person trying it in the browser."""

import pghistory
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.selectors import api_token_find
from api.services import api_token_touch

KEYWORD = "Bearer"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A valid token authenticates its user (`request.auth` is the ApiToken). A token that is
    unknown, revoked or expired is refused with 401; no header at all is left to the other
    authenticators (the session)."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        keyword, _, raw = header.partition(" ")
        if keyword != KEYWORD:
            return None
        now = timezone.now()
        token = api_token_find(raw=raw.strip(), now=now)
        if token is None:
            raise exceptions.AuthenticationFailed("Token inválido, revogado ou expirado.")
        api_token_touch(token=token, now=now)
        # The audit history (pghistory) of the rows this request changes names the token.
        pghistory.context(api_token=token.prefix)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token criado no portal, em “Tokens de API” (rg_...).",
        }
