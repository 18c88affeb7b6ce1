"""What a message is about, how it travels, and where it stands (docs/operations.md, "Outbox")."""

from django.db import models


class MessageKind(models.TextChoices):
    """Labels of the portal's messages; the outbox sends them all the same way."""

    TICKET = "ticket", "Chamados à operadora"
    AGENCY_ALERT = "agency_alert", "Aviso de indisponibilidade ao órgão"
    IRREGULARITY_ANSWER = "irregularity_answer", "Resposta a irregularidade"
    ORDER_EVENT = "order_event", "Ordem de serviço"
    PROCEEDING_NOTICE = "proceeding_notice", "Notificação de processo de multa"
    DEADLINE_REMINDER = "deadline_reminder", "Lembrete de prazo"
    BILLING_JOB = "billing_job", "Tarefa do faturamento"
    INVITATION = "invitation", "Convite de acesso"
    PASSWORD_RESET = "password_reset", "Redefinição de senha"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Webhook"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Pendente"
    SENT = "sent", "Entregue"
    DEAD = "dead", "Não entregue"
    CANCELLED = "cancelled", "Cancelada"


S = MessageStatus
# Who moves a message: the delivery (pending -> sent / dead), the NOC or an admin on the
# dead-letter page (dead -> pending to try again, dead -> cancelled with a reason).
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.SENT, S.DEAD},
    S.SENT: set(),
    S.DEAD: {S.PENDING, S.CANCELLED},
    S.CANCELLED: set(),
}


class ActionKind(models.TextChoices):
    RETRY = "retry", "Nova tentativa"
    CANCEL = "cancel", "Cancelamento"
