"""What tests of the senders share: deliver what the outbox holds, read what it sent."""

from datetime import datetime

from django.utils import timezone

from outbox.choices import MessageStatus
from outbox.models import Message
from outbox.services import message_deliver


def deliver_pending(now: datetime | None = None) -> int:
    """Deliver every pending message once, as the delivery tasks would; how many went out."""
    now = now or timezone.now()
    ids = Message.objects.filter(status=MessageStatus.PENDING).order_by("pk")
    return sum(message_deliver(message_id=pk, now=now) for pk in ids.values_list("pk", flat=True))
