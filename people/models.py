"""Invitations: how a person imported from a CSV file (docs/users.md) comes to log in."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Invitation(models.Model):
    """A one-time link, sent by e-mail, with which an invited (inactive) user chooses a password
    and becomes active. Only the SHA-256 of the link's token is stored. A user has at most one
    pending invitation: sending again revokes the previous one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name="usuário",
    )
    token_hash = models.CharField("hash do código", max_length=64, unique=True)
    created_at = models.DateTimeField("enviado em")
    expires_at = models.DateTimeField("válido até")
    accepted_at = models.DateTimeField("aceito em", null=True, blank=True)
    revoked_at = models.DateTimeField("revogado em", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="enviado por",
        help_text="vazio quando enviado pela importação",
    )
    message = models.ForeignKey(
        "outbox.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="e-mail",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "convite"
        verbose_name_plural = "convites"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="%(app_label)s_%(class)s_one_pending_per_user",
            ),
            models.CheckConstraint(
                condition=Q(created_at__lt=models.F("expires_at")),
                name="%(app_label)s_%(class)s_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"Convite de {self.user}"

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked (it may still have expired)."""
        return self.accepted_at is None and self.revoked_at is None
