"""Reads of the API's own rows: a user's tokens, and the token a request presents."""

import hashlib
import hmac
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from api.models import ApiToken

# A token reads "rg_<prefix>_<secret>": the prefix finds the row, the whole string is hashed.
TOKEN_PREFIX = "rg"  # noqa: S105 - the keys' label, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_list(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get_for_user(*, user, pk: int) -> ApiToken:
    """One of the user's own tokens; 404 for anyone else's."""
    token = api_token_list(user=user).filter(pk=pk).first()
    if token is None:
        raise Http404("Token não encontrado")
    return token


def api_token_find(*, raw: str, now: datetime) -> ApiToken | None:
    """The token whose key is `raw`, if it still works (not revoked, not expired, its user
    active); None otherwise. The digest is compared in constant time."""
    kind, _, rest = raw.partition("_")
    prefix, _, secret = rest.partition("_")
    if kind != TOKEN_PREFIX or not prefix or not secret:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at=None, user__is_active=True)
        .filter(Q(expires_at=None) | Q(expires_at__gt=now))
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, token_digest(raw)):
        return None
    return token
