"""Tickets (chamados) to carriers, their messages and the carriers' channels (docs/tickets.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.history import audited
from inventory.models import Carrier, Link
from monitoring.choices import (
    TicketKind,
    TicketStatus,
)
from monitoring.models.outages import Outage, RedundancyLoss


class CarrierChannel(models.Model):
    """The secret a carrier's webhook receiver uses to check that a ticket message came from the
    portal (HMAC-SHA256; docs/tickets.md). The addresses themselves are the carrier's
    `ticket_email` and `ticket_webhook_url`."""

    carrier = models.OneToOneField(Carrier, on_delete=models.CASCADE, related_name="channel")
    webhook_secret = models.CharField("segredo do webhook", max_length=128)

    class Meta:
        verbose_name = "canal de chamados"
        verbose_name_plural = "canais de chamados"

    def __str__(self) -> str:
        return str(self.carrier)


class TicketMessage(models.Model):
    """The tickets a carrier was sent in one go (one cycle): written in the same transaction as
    the outages, with the addresses copied at that moment. What carries them, the e-mail and
    the webhook, are outbox messages (outbox.Message, `ref` "monitoring.ticketmessage:<id>");
    `delivery_id` is in both and is the webhook's Idempotency-Key."""

    delivery_id = models.UUIDField("identificador de entrega", default=uuid.uuid4, unique=True)
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="ticket_messages")
    created_at = models.DateTimeField("criada em", default=timezone.now)
    email_to = models.EmailField("e-mail", blank=True)
    webhook_url = models.URLField("webhook", blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "mensagem de chamados"
        verbose_name_plural = "mensagens de chamados"

    def __str__(self) -> str:
        return f"{self.carrier} {self.created_at:%d/%m/%Y %H:%M}"


@audited()
class Ticket(models.Model):
    """A chamado: one per interruption and one per lost redundancy, sent to the lot's carrier
    (the leader, for a consortium). Its repair clock runs from `start` (the unavailability's
    start) to `ended_at` (when monitoring saw the link back); it is on time when `ended_at` is
    not after `due_at`. The carrier's own word (protocol, reported restoration) is kept beside
    it but never moves the clock."""

    kind = models.CharField("tipo", max_length=12, choices=TicketKind.choices)
    status = models.CharField(
        "situação", max_length=12, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="tickets")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="tickets")
    outage = models.ForeignKey(
        Outage, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    redundancy_loss = models.ForeignKey(
        RedundancyLoss, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    message = models.ForeignKey(TicketMessage, on_delete=models.PROTECT, related_name="tickets")
    opened_at = models.DateTimeField("aberto em")
    start = models.DateTimeField("início da indisponibilidade")
    deadline_minutes = models.PositiveIntegerField("prazo de reparo (min)")
    due_at = models.DateTimeField("reparo devido até")
    ended_at = models.DateTimeField("restabelecido em (monitoramento)", null=True, blank=True)
    protocol = models.CharField("protocolo", max_length=60, blank=True)
    acknowledged_at = models.DateTimeField("recebido em", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restored_at = models.DateTimeField("restabelecimento informado em", null=True, blank=True)
    restoration_cause = models.TextField("causa informada", blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("encerrado em", null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = "chamado"
        verbose_name_plural = "chamados"
        constraints = [
            models.UniqueConstraint(
                fields=["outage"],
                condition=Q(outage__isnull=False),
                name="%(app_label)s_%(class)s_one_per_outage",
            ),
            models.UniqueConstraint(
                fields=["redundancy_loss"],
                condition=Q(redundancy_loss__isnull=False),
                name="%(app_label)s_%(class)s_one_per_redundancy_loss",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=F("start")), name="%(app_label)s_%(class)s_due_after_start"
            ),
        ]
        indexes = [models.Index(fields=["carrier", "status"])]

    def __str__(self) -> str:
        return f"Chamado {self.pk} ({self.link})"

    @property
    def on_time(self) -> bool | None:
        """None while the link is still down."""
        return None if self.ended_at is None else self.ended_at <= self.due_at
