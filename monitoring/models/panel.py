"""The NOC panel (issue 5): the operators' notes, agencies' subscriptions and irregularity
reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from inventory.models import Agency, Link
from monitoring.choices import (
    IrregularityStatus,
)
from monitoring.models.outages import Outage, RedundancyLoss


class IrregularityReport(models.Model):
    """An irregularity an agency reports about one of its links (what happened, with files).
    It waits on the NOC's incident panel until an operator answers it."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="irregularities")
    description = models.TextField("o que aconteceu")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("informada em")
    status = models.CharField(
        "situação",
        max_length=10,
        choices=IrregularityStatus.choices,
        default=IrregularityStatus.OPEN,
    )
    answer = models.TextField("resposta do NOC", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField("respondida em", null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = "irregularidade informada"
        verbose_name_plural = "irregularidades informadas"
        constraints = [
            models.CheckConstraint(
                condition=Q(status=IrregularityStatus.OPEN, answered_at__isnull=True)
                | Q(status=IrregularityStatus.ANSWERED, answered_at__isnull=False),
                name="%(app_label)s_%(class)s_answered_iff_answer_instant",
            )
        ]
        indexes = [
            models.Index(
                fields=["reported_at"],
                name="monitoring_open_irregularities",
                condition=Q(status=IrregularityStatus.OPEN),
            )
        ]

    def __str__(self) -> str:
        return f"Irregularidade {self.pk} ({self.link})"


class IrregularityAttachment(models.Model):
    """A file sent with an irregularity report (photo, PDF, text); type and size are checked by
    the service that stores it."""

    report = models.ForeignKey(
        IrregularityReport, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("arquivo", upload_to="irregularidades/%Y/%m/")
    name = models.CharField("nome", max_length=200)
    content_type = models.CharField("tipo", max_length=100)
    size = models.PositiveIntegerField("tamanho (bytes)")

    class Meta:
        verbose_name = "anexo da irregularidade"
        verbose_name_plural = "anexos da irregularidade"

    def __str__(self) -> str:
        return self.name


class IncidentNote(models.Model):
    """An operator's acknowledgement of, or comment on, an item of the incident panel: an open
    outage, a lost redundancy or an irregularity report (exactly one of them). An item is
    acknowledged once; comments are many. Never edited."""

    outage = models.ForeignKey(
        Outage, null=True, blank=True, on_delete=models.CASCADE, related_name="panel_notes"
    )
    redundancy_loss = models.ForeignKey(
        RedundancyLoss, null=True, blank=True, on_delete=models.CASCADE, related_name="panel_notes"
    )
    irregularity = models.ForeignKey(
        IrregularityReport,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="panel_notes",
    )
    acknowledgement = models.BooleanField("reconhecimento", default=False)
    text = models.TextField("comentário", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("em")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "anotação do painel"
        verbose_name_plural = "anotações do painel"
        constraints = [
            models.CheckConstraint(
                condition=Q(outage__isnull=False, redundancy_loss=None, irregularity=None)
                | Q(outage=None, redundancy_loss__isnull=False, irregularity=None)
                | Q(outage=None, redundancy_loss=None, irregularity__isnull=False),
                name="%(app_label)s_%(class)s_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(acknowledgement=True) | ~Q(text=""),
                name="%(app_label)s_%(class)s_comment_has_text",
            ),
            *(
                models.UniqueConstraint(
                    fields=[subject],
                    condition=Q(acknowledgement=True),
                    name=f"%(app_label)s_%(class)s_one_acknowledgement_per_{subject}",
                )
                for subject in ("outage", "redundancy_loss", "irregularity")
            ),
        ]

    def __str__(self) -> str:
        return f"{'Reconhecimento' if self.acknowledgement else 'Comentário'} {self.at:%d/%m/%Y}"


class OutageSubscription(models.Model):
    """An agency manager's wish to be e-mailed when a link of the agency goes down or loses its
    redundancy (an outbox e-mail written with the tickets' message, monitoring.services.tickets)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outage_subscription"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField("assinada em")

    class Meta:
        verbose_name = "assinatura de avisos de indisponibilidade"
        verbose_name_plural = "assinaturas de avisos de indisponibilidade"

    def __str__(self) -> str:
        return f"{self.user} ({self.agency})"
