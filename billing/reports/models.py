"""The attestation of a technical report (docs/domain.md sections 1 and 5): an agency's manager (or
substitute) attests the report of a closed month in the portal. What was attested is kept as a
digest of the report's figures, so that a later change (a correction posted against the month)
shows the attestation as outdated until it is attested again."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from billing.models import BillingPeriod
from billing.reports.choices import Capacity
from inventory.models import Agency


class Attestation(models.Model):
    """An agency manager's attestation of the agency's technical report of one month: who, in
    which capacity, when, and the digest of the figures attested (`billing.reports.selectors.
    report_digests`) with their totals for people to read. Never changed nor deleted: a new
    attestation of new figures joins the older ones."""

    period = models.ForeignKey(
        BillingPeriod, on_delete=models.PROTECT, related_name="+", verbose_name="competência"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="órgão / entidade"
    )
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="atestado por",
    )
    capacity = models.CharField("na qualidade de", max_length=10, choices=Capacity.choices)
    attested_at = models.DateTimeField("atestado em")
    digest = models.CharField(
        "resumo dos valores atestados",
        max_length=64,
        help_text="SHA-256 (hexadecimal) das linhas e correções do relatório atestado",
    )
    totals = models.JSONField(
        "totais atestados", help_text="linhas e os seis valores somados, como texto (905.52)"
    )

    class Meta:
        ordering = ["-attested_at", "-pk"]
        verbose_name = "atestado de relatório técnico"
        verbose_name_plural = "atestados de relatórios técnicos"
        constraints = [
            # The same figures are attested once: attesting them again changes nothing.
            models.UniqueConstraint(
                fields=["period", "agency", "digest"],
                name="%(app_label)s_%(class)s_once_per_figures",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.attested_at)
        return f"órgão {self.agency_id}, competência {self.period_id}: {when:%d/%m/%Y %H:%M}"
