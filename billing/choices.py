from django.db import models


class PeriodStatus(models.TextChoices):
    OPEN = "open", "Aberta"
    CLOSED = "closed", "Fechada"


ALLOWED_TRANSITIONS = {PeriodStatus.OPEN: {PeriodStatus.CLOSED}, PeriodStatus.CLOSED: set()}


class CorrectionKind(models.TextChoices):
    RECOMPUTATION = "recomputation", "Recálculo de competência fechada"
    CARRY = "carry", "Saldo transportado"
