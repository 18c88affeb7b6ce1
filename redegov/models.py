"""What no domain app owns: the portal's users and the holiday table of the business calendar."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from core.history import audited


@audited()
class User(AbstractUser):
    """A person who logs in. Agency roles tie the user to an agency (and, for unit staff, a unit);
    the carrier role ties the user to a carrier. Which rows a user sees follows from these ties
    (see `inventory.querysets`), never from the page they open."""

    agency = models.ForeignKey(
        "inventory.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="órgão",
    )
    unit = models.ForeignKey(
        "inventory.AgencyUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="unidade",
    )
    carrier = models.ForeignKey(
        "inventory.Carrier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="operadora",
    )

    class Meta:
        verbose_name = "usuário"
        verbose_name_plural = "usuários"
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=True) | Q(carrier__isnull=True),
                name="%(app_label)s_%(class)s_agency_or_carrier",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(agency__isnull=False),
                name="%(app_label)s_%(class)s_unit_needs_agency",
            ),
        ]


@audited()
class Holiday(models.Model):
    """A non-business day that the `holidays` package does not know: a Belo Horizonte municipal
    holiday (shipped for 2024-2030) or a state ponto facultativo (added by staff each year)."""

    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", "Feriado municipal (Belo Horizonte)"
        OPTIONAL = "optional", "Ponto facultativo estadual"
        OTHER = "other", "Outro"

    date = models.DateField("data", unique=True)
    name = models.CharField("nome", max_length=120)
    kind = models.CharField("tipo", max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["date"]
        verbose_name = "feriado"
        verbose_name_plural = "feriados"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
