"""Kinds of indicator formulas, scopes and bands, and the life of a repeated-breach flag."""

from django.db import models


class Formula(models.TextChoices):
    AVAILABILITY = "availability", "Disponibilidade do acesso"
    TICKETS_ON_TIME = "tickets_on_time", "Chamados reparados no prazo"
    ORDERS_ON_TIME = "orders_on_time", "Ordens de serviço concluídas no prazo"


class Scope(models.TextChoices):
    ACCESS = "access", "Por acesso"
    LOT = "lot", "Por operadora e lote"


# Availability is measured per access; tickets and orders per carrier and lot (docs/domain.md
# section 6).
SCOPE_OF_FORMULA: dict[str, str] = {
    Formula.AVAILABILITY: Scope.ACCESS,
    Formula.TICKETS_ON_TIME: Scope.LOT,
    Formula.ORDERS_ON_TIME: Scope.LOT,
}


class BandMeasure(models.TextChoices):
    SHORTFALL = "shortfall", "Déficit abaixo da meta (p.p.)"
    COUNTED_MINUTES = "counted_minutes", "Minutos indisponíveis no mês"


class BandBase(models.TextChoices):
    ACCESS = "access", "Valor devido do acesso"
    LOT = "lot", "Valor devido da operadora no lote"


BASE_OF_SCOPE: dict[str, str] = {Scope.ACCESS: BandBase.ACCESS, Scope.LOT: BandBase.LOT}


class BreachRule(models.TextChoices):
    RUN = "run", "Meses seguidos"
    WINDOW = "window", "Vezes em 12 meses"


class FlagStatus(models.TextChoices):
    OFFERED = "offered", "Aguardando decisão"
    OPENED = "opened", "Processo aberto"
    DISMISSED = "dismissed", "Arquivada sem processo"


ALLOWED_FLAG_TRANSITIONS: dict[str, frozenset[str]] = {
    FlagStatus.OFFERED: frozenset({FlagStatus.OPENED, FlagStatus.DISMISSED}),
    FlagStatus.OPENED: frozenset(),
    FlagStatus.DISMISSED: frozenset(),
}
