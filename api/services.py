"""Writes of the API's own rows: tokens (created, revoked, marked as used), the audit of each
write request, and outage creation under an idempotency key."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiToken, ApiWrite, IdempotencyKey
from api.selectors import TOKEN_PREFIX, token_digest
from core.exceptions import DomainError
from core.instants import local_midnight
from monitoring.importing import outage_values_import
from monitoring.models import Outage
from redegov.models import User

# `last_used_at` is rewritten at most this often: a busy integration is not a write per request.
TOUCH_EVERY = timedelta(minutes=1)


class IdempotencyKeyReused(DomainError):
    """The same idempotency key came back with other data (HTTP 422)."""


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_on: date | None, now: datetime
) -> tuple[ApiToken, str]:
    """A new token of `user` and its key, which is shown once and never stored (only its
    digest). It works through `expires_on` (a local date; None: until revoked)."""
    if expires_on is not None and expires_on < timezone.localdate(now):
        raise ValidationError({"expires_on": "A validade não pode ser anterior a hoje."})
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=prefix,
        digest=token_digest(raw),
        created_at=now,
        expires_at=local_midnight(expires_on + timedelta(days=1)) if expires_on else None,
    )
    token.full_clean()
    token.save()
    return token, raw


def api_token_revoke(*, token: ApiToken, now: datetime) -> ApiToken:
    """Revoke a token (nothing when it already is): it is refused from the next request on."""
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken, now: datetime) -> None:
    """Note that the token was used now (at most once a minute, in one conditional UPDATE)."""
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def api_write_record(
    *,
    user: User,
    token: ApiToken | None,
    method: str,
    path: str,
    operation: str,
    object_id: str,
    data: dict[str, Any],
    status_code: int,
    now: datetime,
) -> ApiWrite:
    """The audit row of one write request, whatever its outcome."""
    return ApiWrite.objects.create(
        user=user,
        token=token,
        at=now,
        method=method,
        path=path[:300],
        operation=operation,
        object_id=object_id[:40],
        data=data,
        status_code=status_code,
    )


@dataclass(frozen=True)
class OutageCreated:
    outage: Outage
    status_code: int  # 201 created, 200 already there (same outage, same key)
    replayed: bool  # the key was seen before: this is its first answer again


@transaction.atomic
def outage_create_idempotent(
    *, user: User, key: str, values: dict[str, str], now: datetime
) -> OutageCreated:
    """Create one outage with the rules of the CSV import (`monitoring.importing`), under the
    user's idempotency key: the key is claimed first (a second request with it waits for the
    first to commit), then the same key with the same data gives the first answer again, and
    with other data is refused. A refused outage (ValidationError) leaves the key unused."""
    fingerprint = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()
    try:
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(
                user=user, key=key, fingerprint=fingerprint, created_at=now
            )
    except IntegrityError:
        seen = IdempotencyKey.objects.select_related("outage").get(user=user, key=key)
        if seen.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "Esta chave de idempotência já foi usada com outros dados; use uma chave nova."
            ) from None
        return OutageCreated(seen.outage, seen.status_code, replayed=True)
    report = outage_values_import(values=values, source="api")
    if report.errors:
        fields: dict[str, list[str]] = {}
        for error in report.errors:
            fields.setdefault(error.column, []).append(error.message)
        raise ValidationError(fields)
    claim.outage = report.outages[0]
    claim.status_code = 201 if report.created else 200
    claim.save(update_fields=["outage", "status_code"])
    return OutageCreated(claim.outage, claim.status_code, replayed=False)
