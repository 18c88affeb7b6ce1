from django.db import models


class PeriodStatus(models.TextChoices):
    OPEN = "open", "Aberta"
    CLOSED = "closed", "Fechada"


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    PeriodStatus.OPEN: {PeriodStatus.CLOSED},
    PeriodStatus.CLOSED: set(),
}


class CorrectionKind(models.TextChoices):
    RECOMPUTATION = "recomputation", "Recálculo de competência fechada"
    CARRY = "carry", "Saldo transportado"


class JobKind(models.TextChoices):
    COMPUTE = "compute", "Cálculo"
    CLOSE = "close", "Fechamento"
    REPORTS = "reports", "Relatórios técnicos"  # of a closed month, one ZIP (reports app)


class JobState(models.TextChoices):
    QUEUED = "queued", "Na fila"
    RUNNING = "running", "Em andamento"
    DONE = "done", "Concluída"
    FAILED = "failed", "Falhou"


ACTIVE_JOB_STATES = (JobState.QUEUED, JobState.RUNNING)
