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


# Responsibilities whose minutes are deducted from the carrier's bill (docs/domain.md section 5).
COUNTED_RESPONSIBILITIES = (Responsibility.CARRIER, Responsibility.PENDING)


# Moves of an outage's responsibility (monitoring.services.responsibility.outage_transition).
# Once decided, an outage never returns to `pending`; every other move is a reclassification
# the NOC may make with a reason (docs/domain.md section 4).
ALLOWED_RESPONSIBILITY_MOVES: dict[str, frozenset[str]] = {
    value: frozenset(set(Responsibility.values) - {value, Responsibility.PENDING})
    for value in Responsibility.values
}


class TicketKind(models.TextChoices):
    INTERRUPTION = "interruption", "Interrupção"
    REDUNDANCY = "redundancy", "Perda de redundância"


class TicketStatus(models.TextChoices):
    OPEN = "open", "Aberto"
    ACKNOWLEDGED = "acknowledged", "Recebido pela operadora"
    RESTORED = "restored", "Restabelecimento informado"
    CLOSED = "closed", "Encerrado"


# A ticket closes when monitoring sees the link back, whatever the carrier has said by then.
ALLOWED_TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    TicketStatus.OPEN: frozenset({TicketStatus.ACKNOWLEDGED, TicketStatus.CLOSED}),
    TicketStatus.ACKNOWLEDGED: frozenset({TicketStatus.RESTORED, TicketStatus.CLOSED}),
    TicketStatus.RESTORED: frozenset({TicketStatus.CLOSED}),
    TicketStatus.CLOSED: frozenset(),
}


class DecisionAction(models.TextChoices):
    CLASSIFIED = "classified", "Classificação"
    SPLIT = "split", "Divisão"
    MAINTENANCE = "maintenance", "Janela de manutenção"
    DISPUTED = "disputed", "Contestação da operadora"
    DISPUTE_ACCEPTED = "dispute_accepted", "Contestação aceita"
    DISPUTE_REJECTED = "dispute_rejected", "Contestação rejeitada"


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Em análise"
    ACCEPTED = "accepted", "Aceita"
    REJECTED = "rejected", "Rejeitada"


ALLOWED_DISPUTE_TRANSITIONS: dict[str, frozenset[str]] = {
    DisputeStatus.OPEN: frozenset({DisputeStatus.ACCEPTED, DisputeStatus.REJECTED}),
    DisputeStatus.ACCEPTED: frozenset(),
    DisputeStatus.REJECTED: frozenset(),
}


class WindowStatus(models.TextChoices):
    REQUESTED = "requested", "Solicitada"
    APPROVED = "approved", "Aprovada"
    REJECTED = "rejected", "Rejeitada"
    CANCELLED = "cancelled", "Cancelada"


ALLOWED_WINDOW_TRANSITIONS: dict[str, frozenset[str]] = {
    WindowStatus.REQUESTED: frozenset(
        {WindowStatus.APPROVED, WindowStatus.REJECTED, WindowStatus.CANCELLED}
    ),
    WindowStatus.APPROVED: frozenset(),
    WindowStatus.REJECTED: frozenset(),
    WindowStatus.CANCELLED: frozenset(),
}


class WindowScope(models.TextChoices):
    LINKS = "links", "Acessos"
    LOT = "lot", "Lote"
    MUNICIPALITY = "municipality", "Município"


class Recurrence(models.TextChoices):
    NONE = "none", "Única"
    WEEKLY = "weekly", "Semanal"
    MONTHLY = "monthly", "Mensal"


class IrregularityStatus(models.TextChoices):
    OPEN = "open", "Aguardando resposta do NOC"
    ANSWERED = "answered", "Respondida"


class PanelKind(models.TextChoices):
    """What an item of the incident panel is (monitoring.selectors.panel)."""

    INTERRUPTION = "interruption", "Interrupção"
    REDUNDANCY = "redundancy", "Perda de redundância"
    IRREGULARITY = "irregularity", "Irregularidade informada"
