"""Writing and delivering the outbox's messages (docs/operations.md, "Outbox").

A domain service calls `message_email` or `message_webhook` inside the transaction that records
its event: the row commits with the event or not at all, and its delivery task is enqueued only
after the commit. `message_deliver` is the only sender: it claims the row under a lease, sends,
and records the result; the beat's sweeper hands it every message that is due again.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from core.exceptions import DomainError
from outbox.choices import ALLOWED_TRANSITIONS, ActionKind, Channel, MessageStatus
from outbox.models import Message, MessageAction
from outbox.sending import message_send

S = MessageStatus
INTERRUPTED = "o envio foi interrompido (o processo que enviava parou)"


def _lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """OUTBOX_BACKOFF_SECONDS after the first failed attempt, doubling after each one, at most
    OUTBOX_BACKOFF_MAX_SECONDS (with the defaults 1, 2, 4 ... minutes, at most an hour)."""
    seconds = settings.OUTBOX_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(settings.OUTBOX_BACKOFF_MAX_SECONDS, seconds))


def _enqueue(message_id: int) -> None:
    from outbox.tasks import deliver_message  # tasks import this module

    deliver_message.delay(message_id)


# The messages written inside `messages_recorded()`, if a caller is collecting them.
_recorded: ContextVar[list[Message] | None] = ContextVar("outbox_recorded", default=None)


@contextmanager
def messages_recorded() -> Iterator[list[Message]]:
    """Collect the messages written while the block runs: a view wraps one action in it, then
    tells the person who was told (`outbox.selectors.messages_notice`)."""
    found: list[Message] = []
    token = _recorded.set(found)
    try:
        yield found
    finally:
        _recorded.reset(token)


def _write(*, key: uuid.UUID | None, **fields) -> Message:
    """The row, once per key: a second write with the same key (a task run twice) is the first.
    Its delivery is enqueued after the commit; if the broker is down then, the sweeper sends it
    (robust: a broker error never fails the caller's committed transaction)."""
    now = timezone.now()
    defaults = {**fields, "created_at": now, "next_attempt_at": now + _lease()}
    with transaction.atomic():
        if key is None:
            message, created = Message.objects.create(**defaults), True
        else:
            message, created = Message.objects.get_or_create(key=key, defaults=defaults)
    if created:
        transaction.on_commit(partial(_enqueue, message.pk), robust=True)
        if (recorded := _recorded.get()) is not None:
            recorded.append(message)
    return message


def message_email(
    *,
    kind: str,
    ref: str,
    to: list[str],
    subject: str,
    body: str,
    key: uuid.UUID | None = None,
    headers: dict[str, str] | None = None,
) -> Message | None:
    """An e-mail to send; None when there is nobody to send it to. The caller holds the
    transaction of the event that causes it."""
    to = sorted({address for address in to if address})
    if not to:
        return None
    return _write(
        key=key,
        kind=kind,
        channel=Channel.EMAIL,
        ref=ref,
        to=to,
        subject=subject[:250],
        body=body,
        headers=headers or {},
    )


def message_webhook(
    *,
    kind: str,
    ref: str,
    url: str,
    payload: dict,
    signer: str = "",
    key: uuid.UUID | None = None,
    headers: dict[str, str] | None = None,
) -> Message:
    """A JSON POST to send, signed with the secret `signer` names (outbox.signing) if any."""
    return _write(
        key=key,
        kind=kind,
        channel=Channel.WEBHOOK,
        ref=ref,
        url=url,
        payload=payload,
        signer=signer,
        headers=headers or {},
    )


def message_deliver(*, message_id: int, now: datetime) -> bool:
    """Send one message if it is pending and nobody holds it. True when this call delivered
    it; False when it was not ours to send (already sent, dead, or under another's lease) or
    failed (the error is recorded and the next attempt set, or the message is dead after
    OUTBOX_MAX_ATTEMPTS). Not atomic on purpose: the claim commits before the send, so a
    sender killed mid-send leaves a lease that expires, and the sweeper tries again."""
    claimed = (
        Message.objects.filter(pk=message_id, status=S.PENDING)
        .filter(attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(claimed_until=now + _lease(), attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    try:
        message_send(message, now)
    except (OSError, ValueError) as exc:
        _failed(message, f"{type(exc).__name__}: {exc}", now)
        return False
    Message.objects.filter(pk=message_id, status=S.PENDING).update(
        status=S.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return True


def _failed(message: Message, error: str, now: datetime) -> None:
    rows = Message.objects.filter(pk=message.pk, status=S.PENDING)
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        rows.update(status=S.DEAD, dead_at=now, claimed_until=None, last_error=error[:4000])
    else:
        rows.update(
            next_attempt_at=now + retry_delay(message.attempts),
            claimed_until=None,
            last_error=error[:4000],
        )


def messages_abandon(*, now: datetime) -> int:
    """Dead-letter the messages whose last allowed attempt never came back (its sender was
    killed and its lease expired). Safe to run twice."""
    return (
        Message.objects.filter(
            status=S.PENDING,
            attempts__gte=settings.OUTBOX_MAX_ATTEMPTS,
            claimed_until__lt=now,
        )
        .exclude(claimed_until=None)
        .update(
            status=S.DEAD,
            dead_at=now,
            claimed_until=None,
            last_error=Coalesce(NullIf(F("last_error"), Value("")), Value(INTERRUPTED)),
        )
    )


def _move(message_id: int, to: str, action: str, by, now: datetime, reason: str) -> Message:
    """Lock the message, refuse a move ALLOWED_TRANSITIONS does not allow, and audit it (who,
    when, why, and the error the message had then). The caller saves the move."""
    message = Message.objects.select_for_update().get(pk=message_id)
    if to not in ALLOWED_TRANSITIONS[message.status]:
        raise DomainError(
            f"A mensagem está {message.get_status_display().lower()}: "
            f"não pode passar a {S(to).label.lower()}."
        )
    MessageAction.objects.create(
        message=message,
        action=action,
        by=by,
        at=now,
        reason=reason.strip(),
        error=message.last_error,
    )
    return message


@transaction.atomic
def message_retry(*, message_id: int, by, now: datetime, reason: str = "") -> Message:
    """Try a dead message again, from a fresh attempt count (NOC or admin; audited)."""
    message = _move(message_id, S.PENDING, ActionKind.RETRY, by, now, reason)
    message.status = S.PENDING
    message.attempts = 0
    message.dead_at = None
    message.next_attempt_at = now + _lease()
    message.save(update_fields=["status", "attempts", "dead_at", "next_attempt_at"])
    transaction.on_commit(partial(_enqueue, message.pk), robust=True)
    return message


@transaction.atomic
def message_cancel(*, message_id: int, by, now: datetime, reason: str) -> Message:
    """Give up a dead message for good, with the reason (NOC or admin; audited)."""
    if not reason.strip():
        raise DomainError("Informe o motivo do cancelamento.")
    message = _move(message_id, S.CANCELLED, ActionKind.CANCEL, by, now, reason)
    message.status = S.CANCELLED
    message.save(update_fields=["status"])
    return message
