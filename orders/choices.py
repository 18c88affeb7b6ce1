"""Order types, statuses and the allowed-transitions table (docs/domain.md section 3).

`ALLOWED_TRANSITIONS[from][to]` is the set of roles that may make the move; `SYSTEM` stands for
the portal itself (verification when the ordered link answers ICMP). `orders.services.
order_transition` is the only code that moves an order, and it reads this table."""

from django.db import models

from redegov.access import AGENCY_MANAGERS, AGENCY_ROLES, CARRIER_ROLES, NOC_STAFF


class OrderType(models.TextChoices):
    ACTIVATION = "activation", "Ativação"
    SPEED_CHANGE = "speed_change", "Alteração de velocidade"
    ADDRESS_CHANGE = "address_change", "Mudança de endereço"
    CANCELLATION = "cancellation", "Cancelamento"


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "Rascunho"
    SUBMITTED = "submitted", "Em avaliação pelo NOC"
    RETURNED = "returned", "Devolvida ao órgão"
    DISPATCHED = "dispatched", "Encaminhada à operadora"
    ACCEPTED = "accepted", "Aceita pela operadora"
    IN_EXECUTION = "in_execution", "Em execução"
    PENDING_AGENCY = "pending_agency", "Pendente órgão"
    COMPLETED = "completed", "Concluída pela operadora"
    VERIFIED = "verified", "Verificada"
    CLOSED = "closed", "Encerrada"
    CANCELLED = "cancelled", "Cancelada pelo órgão"
    REJECTED = "rejected", "Rejeitada"


class ClockState(models.TextChoices):
    NOT_STARTED = "not_started", "Não iniciado"
    RUNNING = "running", "No prazo"
    WARNING = "warning", "Atenção: 80% do prazo"
    PAUSED = "paused", "Pausado (pendente órgão)"
    LATE = "late", "Em atraso"
    STOPPED_ON_TIME = "on_time", "Concluída no prazo"
    STOPPED_LATE = "stopped_late", "Concluída em atraso"
    AWAITING_VERIFICATION = "awaiting_verification", "Parado, aguardando verificação"
    NOT_COUNTED = "not_counted", "Sem prazo (cancelada ou rejeitada)"


SYSTEM = "system"  # the portal itself, acting without a user
S = OrderStatus

ALLOWED_TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    S.DRAFT: {S.SUBMITTED: AGENCY_MANAGERS, S.CANCELLED: AGENCY_ROLES},
    S.RETURNED: {S.SUBMITTED: AGENCY_MANAGERS, S.CANCELLED: AGENCY_ROLES},
    S.SUBMITTED: {
        S.DISPATCHED: NOC_STAFF,  # approval: dispatched at once to the lot's carrier
        S.RETURNED: NOC_STAFF,
        S.REJECTED: NOC_STAFF,
        S.CANCELLED: AGENCY_MANAGERS,
    },
    S.DISPATCHED: {
        S.ACCEPTED: CARRIER_ROLES,
        S.REJECTED: CARRIER_ROLES,
        S.CANCELLED: AGENCY_MANAGERS,
    },
    S.ACCEPTED: {
        S.IN_EXECUTION: CARRIER_ROLES,
        S.PENDING_AGENCY: CARRIER_ROLES,
        S.CANCELLED: AGENCY_MANAGERS,
    },
    S.IN_EXECUTION: {S.COMPLETED: CARRIER_ROLES, S.PENDING_AGENCY: CARRIER_ROLES},
    S.PENDING_AGENCY: {S.IN_EXECUTION: CARRIER_ROLES | NOC_STAFF | AGENCY_MANAGERS},
    S.COMPLETED: {S.VERIFIED: NOC_STAFF | {SYSTEM}, S.IN_EXECUTION: NOC_STAFF},
    S.VERIFIED: {S.CLOSED: NOC_STAFF | AGENCY_MANAGERS},
}

# Moves that need a written reason (returned, rejected, cancelled, paused, verified by hand,
# failed).
REASON_REQUIRED = {
    (S.SUBMITTED, S.RETURNED),
    (S.SUBMITTED, S.REJECTED),
    (S.DISPATCHED, S.REJECTED),
    (S.ACCEPTED, S.PENDING_AGENCY),
    (S.IN_EXECUTION, S.PENDING_AGENCY),
    (S.COMPLETED, S.IN_EXECUTION),
    *((source, S.CANCELLED) for source, to in ALLOWED_TRANSITIONS.items() if S.CANCELLED in to),
}
# Final negative moves, confirmed before they are made (docs/ui.md, "Confirmações"): the
# question the confirmation asks.
CONFIRM_QUESTIONS = {
    S.CANCELLED: "A OS será cancelada: ela não volta a andar e quem a acompanha é avisado.",
    S.REJECTED: "A OS será rejeitada: ela não volta a andar e o órgão é avisado.",
}

# The screen's name of each move (button and timeline), by target and, where it differs, source.
ACTION_LABELS: dict[tuple[str | None, str], str] = {
    (None, S.DRAFT): "Rascunho criado",
    (None, S.SUBMITTED): "Enviar ao NOC",
    (None, S.DISPATCHED): "Aprovar e encaminhar à operadora",
    (None, S.RETURNED): "Devolver ao órgão",
    (None, S.REJECTED): "Rejeitar",
    (None, S.CANCELLED): "Cancelar a OS",
    (None, S.ACCEPTED): "Aceitar",
    (None, S.IN_EXECUTION): "Iniciar execução",
    (S.PENDING_AGENCY, S.IN_EXECUTION): "Retomar (pendência resolvida)",
    (S.COMPLETED, S.IN_EXECUTION): "Verificação falhou: devolver à execução",
    (None, S.PENDING_AGENCY): "Pendente órgão (pausar o prazo)",
    (None, S.COMPLETED): "Concluir",
    (None, S.VERIFIED): "Verificar (NOC)",
    (None, S.CLOSED): "Encerrar",
}


def action_label(source: str | None, target: str) -> str:
    return ACTION_LABELS.get((source, target)) or ACTION_LABELS[(None, target)]


# Open orders, from dispatch to completion: the clock runs (or is paused) in these.
CLOCK_RUNNING = frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_EXECUTION, S.PENDING_AGENCY})
# Orders that never count for the indicators (docs/domain.md section 6).
NOT_COUNTED = frozenset({S.CANCELLED, S.REJECTED})
# Orders that left the agency and may no longer be cancelled by it.
EXECUTION_STARTED = frozenset({S.IN_EXECUTION, S.PENDING_AGENCY, S.COMPLETED})
