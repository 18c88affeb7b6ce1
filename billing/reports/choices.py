from django.db import models


class Capacity(models.TextChoices):
    """In which capacity the agency's manager attested (on screen: titular / substituto)."""

    TITULAR = "titular", "Gestor titular"
    SUBSTITUTE = "substitute", "Gestor substituto"


class AttestationStatus(models.TextChoices):
    """Where an agency's report of a month stands
    (`billing.reports.selectors.attestation_state`)."""

    OPEN = "open", "Competência aberta"  # not issued yet: nothing to attest
    PENDING = "pending", "Aguardando atestado"
    ATTESTED = "attested", "Atestado"
    OUTDATED = "outdated", "Atestado desatualizado"
