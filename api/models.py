"""The REST API's own rows (docs/api.md): the users' tokens, the audit of every write made
through the API, and the idempotency keys of outage creation."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from monitoring.models import Outage


class ApiToken(models.Model):
    """A user's key to the API, created and revoked in the portal. The secret is shown once, at
    creation; only its SHA-256 digest is kept, beside a short random `prefix` (part of the key)
    that finds the row. A token acts as its user and sees the rows the user sees in the pages;
    it stops working once revoked, after `expires_at`, or when the user is deactivated."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name="usuário",
    )
    name = models.CharField("nome", max_length=80, help_text="para que sistema o token serve")
    prefix = models.CharField("prefixo", max_length=16, unique=True)
    digest = models.CharField("SHA-256 do token", max_length=64)
    created_at = models.DateTimeField("criado em")
    expires_at = models.DateTimeField("expira em", null=True, blank=True)
    revoked_at = models.DateTimeField("revogado em", null=True, blank=True)
    last_used_at = models.DateTimeField("último uso em", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "token de API"
        verbose_name_plural = "tokens de API"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("created_at")),
                name="%(app_label)s_%(class)s_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"


class ApiWrite(models.Model):
    """One write request made through the API, whatever its outcome: who (user and token, none
    for a browser session), when, what (operation, path, object, the data sent) and the HTTP
    status it ended with. Written after the response is decided, so refusals are kept too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="usuário"
    )
    token = models.ForeignKey(
        ApiToken,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="writes",
        verbose_name="token",
    )
    at = models.DateTimeField("em")
    method = models.CharField("método", max_length=10)
    path = models.CharField("endereço", max_length=300)
    operation = models.CharField("operação", max_length=60)
    object_id = models.CharField("objeto", max_length=40, blank=True)
    data = models.JSONField("dados enviados", default=dict, blank=True)
    status_code = models.PositiveSmallIntegerField("resposta (HTTP)")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "escrita pela API"
        verbose_name_plural = "escritas pela API"
        indexes = [models.Index(fields=["user", "at"]), models.Index(fields=["token", "at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status_code}"


class IdempotencyKey(models.Model):
    """An `Idempotency-Key` a user sent when creating an outage, with a digest of what was sent
    and what it produced: the same key again replays that answer, with other data it is
    refused. Claimed (inserted) before the outage is written, in the same transaction, so two
    requests with one key never both write. `outage` is empty only inside that transaction."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField("chave", max_length=100)
    fingerprint = models.CharField("SHA-256 dos dados", max_length=64)
    outage = models.ForeignKey(
        Outage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_code = models.PositiveSmallIntegerField("resposta (HTTP)", null=True, blank=True)
    created_at = models.DateTimeField("recebida em")

    class Meta:
        verbose_name = "chave de idempotência"
        verbose_name_plural = "chaves de idempotência"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="%(app_label)s_%(class)s_unique_per_user"
            ),
        ]

    def __str__(self) -> str:
        return self.key
