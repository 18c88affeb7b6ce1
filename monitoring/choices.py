from django.db import models


class OutageKind(models.TextChoices):
    INTERRUPTION = "interruption", "Interrupção"
    DEGRADATION = "degradation", "Degradação"


class OutageSource(models.TextChoices):
    ICMP = "icmp", "Monitoramento (ICMP)"
    IMPORT = "import", "Importação"
    MANUAL = "manual", "Registro manual"


class Responsibility(models.TextChoices):
    PENDING = "pending", "Em análise"
    CARRIER = "carrier", "Operadora"
    AGENCY = "agency", "Órgão"
    MAINTENANCE = "maintenance", "Manutenção programada"
    FORCE_MAJEURE = "force_majeure", "Caso fortuito / força maior"


# Responsibilities whose minutes are deducted from the carrier's bill (DOMAIN.md section 5).
COUNTED_RESPONSIBILITIES = (Responsibility.CARRIER, Responsibility.PENDING)
