"""The outbox's own rules: one row per key, a lease taken by one sender at a time, attempts
with exponential backoff, the dead letter after OUTBOX_MAX_ATTEMPTS, and a stable id on every
attempt. Failures here are real ones: a webhook to a loopback port nobody listens on."""

import socket
from datetime import timedelta
from uuid import uuid4

import pytest
from django.core import mail
from django.utils import timezone

from outbox import tasks
from outbox.choices import Channel, MessageStatus
from outbox.models import Message
from outbox.selectors import messages_due
from outbox.services import (
    message_deliver,
    message_email,
    message_webhook,
    messages_abandon,
    retry_delay,
)

pytestmark = pytest.mark.django_db


def closed_port_url() -> str:
    """A loopback address that refuses connections (a port just freed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def an_email(**extra) -> Message:
    return message_email(
        kind="order_event",
        ref="orders.orderevent:1",
        to=["b@example.com", "a@example.com", "a@example.com", ""],
        subject="Assunto",
        body="Texto",
        **extra,
    )


def test_an_email_without_recipients_is_not_written():
    assert message_email(kind="order_event", ref="x:1", to=["", ""], subject="s", body="b") is None
    assert not Message.objects.exists()


def test_a_message_is_written_once_per_key():
    key = uuid4()
    first, second = an_email(key=key), an_email(key=key)
    assert first.pk == second.pk and Message.objects.count() == 1
    assert first.to == ["a@example.com", "b@example.com"]


def test_delivering_twice_sends_once_with_its_stable_message_id():
    message = an_email()
    now = timezone.now()
    assert message_deliver(message_id=message.pk, now=now) is True
    assert message_deliver(message_id=message.pk, now=now) is False
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == f"<{message.key}@redegoverno.mg.gov.br>"
    assert sent.message()["Message-ID"] == f"<{message.key}@redegoverno.mg.gov.br>"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)


def test_a_message_under_another_senders_lease_is_left_alone():
    message = an_email()
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(claimed_until=now + timedelta(seconds=30))
    assert message_deliver(message_id=message.pk, now=now) is False
    assert message_deliver(message_id=message.pk, now=now + timedelta(seconds=31)) is True


def test_failures_back_off_exponentially_then_the_message_is_dead(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 4
    message = message_webhook(kind="ticket", ref="x:1", url=closed_port_url(), payload={"a": 1})
    assert message.channel == Channel.WEBHOOK
    waits = []
    now = timezone.now()
    for _ in range(3):
        assert message_deliver(message_id=message.pk, now=now) is False
        message.refresh_from_db()
        assert message.status == MessageStatus.PENDING
        assert "Connection refused" in message.last_error or "refused" in message.last_error
        waits.append(round((message.next_attempt_at - now).total_seconds() / 60))
        assert messages_due(now=message.next_attempt_at - timedelta(seconds=5)) == []
        now = message.next_attempt_at
        assert messages_due(now=now) == [message.pk]
    assert waits == [1, 2, 4]
    assert message_deliver(message_id=message.pk, now=now) is False
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.DEAD, 4)
    assert message.dead_at is not None
    assert messages_due(now=now + timedelta(days=1)) == []


def test_the_backoff_is_capped(settings):
    assert retry_delay(1) == timedelta(minutes=1)
    assert retry_delay(30) == timedelta(seconds=settings.OUTBOX_BACKOFF_MAX_SECONDS)


def test_a_last_attempt_that_never_came_back_is_dead_lettered(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    message = an_email()
    now = timezone.now()
    # Its sender claimed it and was killed: the lease expires with no result.
    Message.objects.filter(pk=message.pk).update(attempts=1, claimed_until=now)
    assert message_deliver(message_id=message.pk, now=now + timedelta(seconds=1)) is False
    assert messages_abandon(now=now + timedelta(seconds=1)) == 1
    assert messages_abandon(now=now + timedelta(seconds=1)) == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.DEAD and "interrompido" in message.last_error


def test_the_sweeper_run_twice_enqueues_only_due_messages(monkeypatch):
    message = an_email()
    sent = []
    monkeypatch.setattr(tasks.deliver_message, "delay", sent.append)
    monkeypatch.setattr(tasks.timezone, "now", lambda: message.next_attempt_at)
    tasks.sweep_messages()
    tasks.deliver_message(message.pk)
    tasks.sweep_messages()
    assert sent == [message.pk]
    assert len(mail.outbox) == 1


def test_the_delivery_is_enqueued_after_the_commit_only(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        an_email()
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        an_email(key=Message.objects.get().key)  # the same message again: nothing more
    assert callbacks == []


def test_a_lease_shorter_than_the_send_timeouts_is_refused_at_startup(settings):
    from outbox.checks import outbox_settings_check

    assert outbox_settings_check() == []
    settings.OUTBOX_LEASE_SECONDS = settings.EMAIL_TIMEOUT + 1
    [error] = outbox_settings_check()
    assert error.id == "outbox.E001"
