"""Reads of the outbox: what is due, what is dead, what a domain row caused."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from outbox.choices import Channel, MessageStatus
from outbox.models import Message

SWEEP_BATCH = 1000


def messages_due(*, now: datetime) -> list[int]:
    """Pending messages whose next attempt has come and that nobody holds, oldest first."""
    return list(
        Message.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def message_dead_list() -> QuerySet[Message]:
    return (
        Message.objects.filter(status=MessageStatus.DEAD)
        .prefetch_related("actions__by")
        .order_by("-dead_at", "-pk")
    )


def message_counts() -> dict[str, int]:
    """How many messages are pending (and of those, how many failed at least once) and dead:
    the figures to watch (docs/operations.md)."""
    return Message.objects.aggregate(
        pending=Count("pk", filter=Q(status=MessageStatus.PENDING)),
        failing=Count("pk", filter=Q(status=MessageStatus.PENDING, attempts__gt=0)),
        dead=Count("pk", filter=Q(status=MessageStatus.DEAD)),
    )


def messages_by_ref(refs: Iterable[str]) -> dict[str, list[Message]]:
    """The messages each domain row caused ("penalties.proceedingevent:12" -> its messages)."""
    found: dict[str, list[Message]] = {}
    for message in Message.objects.filter(ref__in=list(refs)).order_by("created_at", "pk"):
        found.setdefault(message.ref, []).append(message)
    return found


def ref_of(obj) -> str:
    """The `ref` of a model instance: "<app_label>.<model_name>:<pk>"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def messages_notice(done: str, sent: list[Message]) -> str:
    """The success message of an action: what was done and who the outbox will tell, e.g.
    "OS cancelada. Aviso enviado a: Fulano (e-mail a fulano@x.gov.br); Operadora X (webhook
    https://...)." `sent` are the rows the action wrote (`outbox.services.messages_recorded`)."""
    if not sent:
        return f"{done} Nenhum aviso por mensagem."
    addresses = {a for m in sent if m.channel == Channel.EMAIL for a in m.to}
    names = {
        u.email: u.get_full_name() or u.username
        for u in get_user_model().objects.filter(email__in=addresses)
    }
    parts = []
    for m in sent:
        if m.channel == Channel.WEBHOOK:
            parts.append(f"webhook {m.url}")
            continue
        parts += [f"{names[a]} (e-mail a {a})" if a in names else f"e-mail a {a}" for a in m.to]
    return f"{done} Aviso enviado a: {'; '.join(dict.fromkeys(parts))}."
