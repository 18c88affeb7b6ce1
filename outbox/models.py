"""The outbox: every message the portal sends (e-mail or webhook), one row each."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from outbox.choices import ActionKind, Channel, MessageKind, MessageStatus


class Message(models.Model):
    """One message to send: written by a domain service in the same transaction as the event
    that causes it, with everything it needs already rendered (recipients, subject, body, or a
    webhook's URL and JSON payload), so that sending needs nothing else. A sender holds it under
    a lease (`claimed_until`, taken by a conditional UPDATE); each attempt is counted, its error
    kept, and the next one waits longer (`next_attempt_at`), until `OUTBOX_MAX_ATTEMPTS` makes it
    dead (shown on the dead-letter page). `key` is the message's stable id: the e-mail's
    Message-ID and the webhook's Idempotency-Key, the same on every attempt. `ref` names the
    row that caused it ("penalties.proceedingevent:12"), for that app's pages to find it."""

    key = models.UUIDField("identificador", default=uuid.uuid4, unique=True)
    kind = models.CharField("assunto", max_length=32, choices=MessageKind.choices)
    channel = models.CharField("canal", max_length=8, choices=Channel.choices)
    ref = models.CharField("origem", max_length=80, db_index=True)
    to = ArrayField(models.EmailField(), verbose_name="destinatários", default=list, blank=True)
    subject = models.CharField("assunto do e-mail", max_length=250, blank=True)
    body = models.TextField("texto", blank=True)
    url = models.URLField("endereço do webhook", max_length=500, blank=True)
    payload = models.JSONField("conteúdo do webhook", null=True, blank=True)
    signer = models.CharField(
        "assinatura",
        max_length=80,
        blank=True,
        help_text="fonte do segredo HMAC do webhook (outbox.signing), e.g. carrier:12",
    )
    headers = models.JSONField("cabeçalhos adicionais", default=dict, blank=True)
    status = models.CharField(
        "situação", max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    created_at = models.DateTimeField("criada em", default=timezone.now)
    attempts = models.PositiveIntegerField("tentativas", default=0)
    next_attempt_at = models.DateTimeField("próxima tentativa")
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField("último erro", blank=True)
    last_attempt_at = models.DateTimeField("última tentativa", null=True, blank=True)
    sent_at = models.DateTimeField("entregue em", null=True, blank=True)
    dead_at = models.DateTimeField("desistência em", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "mensagem"
        verbose_name_plural = "mensagens"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_message_pending",
                condition=Q(status=MessageStatus.PENDING),
            ),
            models.Index(
                fields=["-dead_at"],
                name="outbox_message_dead",
                condition=Q(status=MessageStatus.DEAD),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel=Channel.EMAIL, url="") | Q(channel=Channel.WEBHOOK, to=[]),
                name="%(app_label)s_%(class)s_one_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"

    @property
    def recipient(self) -> str:
        return ", ".join(self.to) if self.channel == Channel.EMAIL else self.url


class MessageAction(models.Model):
    """The audit of the dead-letter page: who retried or cancelled a message, when and why."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField("ação", max_length=8, choices=ActionKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("em")
    reason = models.TextField("motivo", blank=True)
    error = models.TextField("erro naquele momento", blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "ação sobre mensagem"
        verbose_name_plural = "ações sobre mensagens"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.message_id}"
