"""Kinds and states of a carrier invoice's differences, and who may move them (docs/domain.md
section 5, month closing: every difference is listed and can be contested before the bill goes to
the agency). `billing.invoices.services.difference_transition` is the only code that moves one."""

from django.db import models

from redegov.access import BILLING_STAFF, CARRIER_ROLES


class Encoding(models.TextChoices):
    UTF8 = "utf-8-sig", "UTF-8"
    CP1252 = "cp1252", "Windows-1252"
    LATIN1 = "iso-8859-1", "ISO-8859-1"


class Delimiter(models.TextChoices):
    COMMA = ",", "vírgula (,)"
    SEMICOLON = ";", "ponto e vírgula (;)"
    TAB = "\t", "tabulação"
    PIPE = "|", "barra vertical (|)"


class DifferenceKind(models.TextChoices):
    UNKNOWN_CIRCUIT = "unknown", "Circuito desconhecido"
    MISSING_CIRCUIT = "missing", "Circuito ausente da fatura"
    AMOUNT = "amount", "Valor diferente do devido"
    CANCELLED_BILLED = "cancelled", "Acesso cancelado faturado"
    DUPLICATE = "duplicate", "Linha duplicada"


class DifferenceState(models.TextChoices):
    OPEN = "open", "Aberta"
    CONTESTED = "contested", "Contestada"
    ANSWERED = "answered", "Respondida pela operadora"
    ACCEPTED = "accepted", "Resposta aceita"
    KEPT = "kept", "Contestação mantida"


S = DifferenceState

# ALLOWED_TRANSITIONS[from][to]: the roles that may make the move.
ALLOWED_TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    S.OPEN: {S.CONTESTED: BILLING_STAFF},
    S.CONTESTED: {S.ANSWERED: CARRIER_ROLES},
    S.ANSWERED: {S.ACCEPTED: BILLING_STAFF, S.KEPT: BILLING_STAFF},
    S.ACCEPTED: {},
    S.KEPT: {},
}
# A contestation still waiting for someone: the month cannot close over it without an override.
UNRESOLVED = (S.CONTESTED, S.ANSWERED)
