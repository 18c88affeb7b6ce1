"""Sanctions, the steps of a fine proceeding and the allowed-moves table (docs/domain.md section 7).

`ALLOWED_TRANSITIONS[from][to]` is the set of roles that may make the move; `SYSTEM` is the
portal itself (a deadline that expired, a month's closing). `penalties.services.
proceeding_transition` is the only code that moves a proceeding, and it reads this table."""

from django.db import models

from redegov.access import (
    AUTHORITIES,
    BILLING_OFFICERS,
    CARRIER_ROLES,
    PROCEEDING_CANCELLERS,
)


class Sanction(models.TextChoices):
    WARNING = "warning", "Advertência"
    FINE = "fine", "Multa"


class Outcome(models.TextChoices):
    APPLIED = "applied", "Aplicada"
    REDUCED = "reduced", "Reduzida"
    DISMISSED = "dismissed", "Improcedente (arquivada)"


class OpinionKind(models.TextChoices):
    TECHNICAL = "technical", "Parecer técnico"
    LEGAL = "legal", "Parecer jurídico"


class DeadlineKind(models.TextChoices):
    DEFENSE = "defense", "Defesa"
    APPEAL = "appeal", "Recurso"
    RECONSIDERATION = "reconsideration", "Reconsideração"
    SUPERIOR = "superior", "Decisão da autoridade superior"


class ProceedingStatus(models.TextChoices):
    OPENED = "opened", "Abertura"
    NOTIFIED = "notified", "Notificação (prazo de defesa)"
    OPINION = "opinion", "Parecer"
    DECIDED = "decided", "Decisão (prazo de recurso)"
    APPEALED = "appealed", "Recurso (reconsideração)"
    SUPERIOR = "superior", "Reconsideração negada (decisão superior)"
    FINAL = "final", "Decisão final"
    REGISTERED = "registered", "Registro"
    COLLECTING = "collecting", "Cobrança"
    PAID = "paid", "Multa quitada"
    GUARANTEE = "guarantee", "Saldo para a garantia"
    JUDICIAL = "judicial", "Saldo para cobrança judicial"
    ARCHIVED = "archived", "Arquivado"
    CANCELLED = "cancelled", "Cancelado"


class DocumentStep(models.TextChoices):
    OPENING = "opening", "Abertura"
    DEFENSE = "defense", "Defesa"
    TECHNICAL = "technical", "Parecer técnico"
    LEGAL = "legal", "Parecer jurídico"
    DECISION = "decision", "Decisão"
    APPEAL = "appeal", "Recurso"
    RECONSIDERATION = "reconsideration", "Reconsideração"
    FINAL = "final", "Decisão final"
    REGISTRATION = "registration", "Registro"
    OTHER = "other", "Outro"


SYSTEM = "system"  # the portal itself, acting without a user
S = ProceedingStatus

ALLOWED_TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    S.OPENED: {S.NOTIFIED: BILLING_OFFICERS, S.CANCELLED: PROCEEDING_CANCELLERS},
    S.NOTIFIED: {
        # the defense; or its deadline expired
        S.OPINION: CARRIER_ROLES | BILLING_OFFICERS | {SYSTEM},
        S.CANCELLED: PROCEEDING_CANCELLERS,
    },
    S.OPINION: {
        S.DECIDED: AUTHORITIES,
        S.ARCHIVED: AUTHORITIES,
        S.CANCELLED: PROCEEDING_CANCELLERS,
    },
    S.DECIDED: {
        S.APPEALED: CARRIER_ROLES,
        S.FINAL: BILLING_OFFICERS | {SYSTEM},  # the appeal's deadline expired
        S.CANCELLED: AUTHORITIES,
    },
    S.APPEALED: {  # the same authority reconsiders (or not) and sends it up
        S.FINAL: AUTHORITIES,
        S.ARCHIVED: AUTHORITIES,
        S.SUPERIOR: AUTHORITIES,
        S.CANCELLED: AUTHORITIES,
    },
    S.SUPERIOR: {S.FINAL: AUTHORITIES, S.ARCHIVED: AUTHORITIES, S.CANCELLED: AUTHORITIES},
    S.FINAL: {S.REGISTERED: BILLING_OFFICERS, S.CANCELLED: AUTHORITIES},
    S.REGISTERED: {S.COLLECTING: BILLING_OFFICERS, S.CANCELLED: AUTHORITIES},
    S.COLLECTING: {
        S.PAID: frozenset({SYSTEM}),
        S.GUARANTEE: frozenset({SYSTEM}),
        S.JUDICIAL: frozenset({SYSTEM}),
        S.CANCELLED: AUTHORITIES,
    },
}

# Moves that are a filing by the carrier, open until 23:59:59 local of the deadline's last day.
FILINGS: dict[tuple[str, str], str] = {
    (S.NOTIFIED, S.OPINION): DeadlineKind.DEFENSE,
    (S.DECIDED, S.APPEALED): DeadlineKind.APPEAL,
}
# Moves made when that deadline ended with no filing, by the portal (or billing staff), allowed
# only from 00:00 local after its last day: no defense, on to the opinions; no appeal, final.
EXPIRIES: dict[tuple[str, str], str] = {
    (S.NOTIFIED, S.OPINION): DeadlineKind.DEFENSE,
    (S.DECIDED, S.FINAL): DeadlineKind.APPEAL,
}
# Moves that post a notice to the carrier (in the portal and by e-mail) and start a deadline
# counted from the next business day.
NOTICES: dict[tuple[str, str], str] = {
    (S.OPENED, S.NOTIFIED): DeadlineKind.DEFENSE,
    (S.OPINION, S.DECIDED): DeadlineKind.APPEAL,
}
# Moves that start the authority's own deadline (counted from the business day after the filing).
AUTHORITY_DEADLINES: dict[tuple[str, str], str] = {
    (S.DECIDED, S.APPEALED): DeadlineKind.RECONSIDERATION,
    (S.APPEALED, S.SUPERIOR): DeadlineKind.SUPERIOR,
}
# Moves that decide (an outcome, and for a fine its amount and installments).
DECISIONS = frozenset(
    {
        (S.OPINION, S.DECIDED),
        (S.OPINION, S.ARCHIVED),
        (S.APPEALED, S.FINAL),
        (S.APPEALED, S.ARCHIVED),
        (S.SUPERIOR, S.FINAL),
        (S.SUPERIOR, S.ARCHIVED),
    }
)
# Moves that need a written reason (besides decisions, which always do).
REASON_REQUIRED = frozenset(
    {(source, S.CANCELLED) for source in ALLOWED_TRANSITIONS} | {(S.APPEALED, S.SUPERIOR)}
)
# Negative moves: they end a proceeding without a sanction, so the page asks for confirmation
# and a reason (docs/ui.md, "Confirmações"), with this question, and places them apart.
CONFIRM_QUESTIONS: dict[str, str] = {
    S.CANCELLED: "O processo será cancelado: deixa de correr e nada mais é cobrado dele. A "
    "operadora é avisada por e-mail, com o motivo.",
    S.ARCHIVED: "O processo será arquivado por improcedência: nenhuma sanção é aplicada. A "
    "operadora é avisada por e-mail, com a fundamentação.",
}
# Where a proceeding ends.
TERMINAL = frozenset({S.PAID, S.GUARANTEE, S.JUDICIAL, S.ARCHIVED, S.CANCELLED})
# Where a fine is being collected from the statements.
COLLECTING = S.COLLECTING

# The screen's name of each move (button and timeline), by (source, target) or (None, target).
ACTION_LABELS: dict[tuple[str | None, str], str] = {
    (None, S.OPENED): "Abertura",
    (None, S.NOTIFIED): "Notificar a operadora",
    (S.NOTIFIED, S.OPINION): "Apresentar defesa",
    (None, S.DECIDED): "Decidir",
    (None, S.ARCHIVED): "Decidir pela improcedência (arquivar)",
    (None, S.APPEALED): "Interpor recurso",
    (S.DECIDED, S.FINAL): "Decisão final (sem recurso no prazo)",
    (S.APPEALED, S.FINAL): "Reconsiderar (decisão final)",
    (S.SUPERIOR, S.FINAL): "Decisão da autoridade superior (final)",
    (None, S.SUPERIOR): "Manter a decisão e encaminhar à autoridade superior",
    (None, S.REGISTERED): "Registrar a sanção",
    (None, S.COLLECTING): "Iniciar a cobrança",
    (None, S.PAID): "Multa quitada",
    (None, S.GUARANTEE): "Saldo remetido à garantia",
    (None, S.JUDICIAL): "Saldo remetido à cobrança judicial",
    (None, S.CANCELLED): "Cancelar o processo",
}
# The timeline's name of an expiry (the same move made by the portal or billing staff).
EXPIRY_LABELS = {
    (S.NOTIFIED, S.OPINION): "Prazo de defesa encerrado sem defesa: segue para os pareceres",
    (S.DECIDED, S.FINAL): "Prazo de recurso encerrado sem recurso: decisão final",
}


def action_label(source: str | None, target: str) -> str:
    return ACTION_LABELS.get((source, target)) or ACTION_LABELS[(None, target)]
