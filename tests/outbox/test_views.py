"""The dead-letter page: the NOC and admins list the messages the outbox gave up on and retry
or cancel them with a reason (audited); every other role is refused with 403."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outbox.choices import ActionKind, MessageStatus
from outbox.models import Message
from outbox.services import message_email
from redegov.roles import Role
from tests.people.factories import user_with_role

pytestmark = pytest.mark.django_db


def dead(n: int = 0) -> Message:
    message = message_email(
        kind="proceeding_notice",
        ref=f"penalties.proceedingevent:{n}",
        to=[f"operadora{n}@example.com"],
        subject=f"Notificação {n}",
        body="Texto",
    )
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.DEAD,
        attempts=10,
        dead_at=timezone.now(),
        last_error="SMTPRecipientsRefused: 550 caixa inexistente",
    )
    return Message.objects.get(pk=message.pk)


@pytest.fixture
def admin(db):
    return user_with_role("admin", Role.ADMIN)


@pytest.mark.parametrize(
    "who", ["manager_x", "unit_x", "carrier_a", "billing", "committee", "legal", "outsider"]
)
def test_other_roles_are_refused(client, personas, who):
    message = dead()
    client.force_login(getattr(personas, who))
    assert client.get(reverse("outbox:dead-list")).status_code == 403
    for name in ("outbox:message-retry", "outbox:message-cancel"):
        response = client.post(reverse(name, args=[message.pk]), {"reason": "x"})
        assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.DEAD and not message.actions.exists()


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("outbox:dead-list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_noc_sees_the_dead_messages_with_their_error(client, personas):
    for n in range(3):
        dead(n)
    message_email(kind="ticket", ref="x:9", to=["fila@example.com"], subject="s", body="b")
    client.force_login(personas.noc)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("outbox:dead-list")).content.decode()
    assert "Mensagens não entregues" in html
    assert "550 caixa inexistente" in html and "operadora2@example.com" in html
    assert "fila@example.com" not in html  # pending, not dead
    assert "<strong>3</strong> não entregues" in html
    assert "<strong>1</strong> na fila de entrega" in html
    assert len(queries) <= 8  # session, user, roles, counts, page count, rows, their actions


def test_an_admin_retries_a_dead_message_and_it_is_audited(client, admin):
    message = dead()
    client.force_login(admin)
    response = client.post(
        reverse("outbox:message-retry", args=[message.pk]), {"reason": "caixa criada"}
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 0)
    [action] = message.actions.all()
    assert (action.action, action.by, action.reason) == (ActionKind.RETRY, admin, "caixa criada")
    assert "550" in action.error  # the error the message had when it was retried


def test_cancelling_needs_a_reason_and_is_audited(client, personas):
    message = dead()
    client.force_login(personas.noc)
    url = reverse("outbox:message-cancel", args=[message.pk])
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Este campo é obrigatório" in page
    message.refresh_from_db()
    assert message.status == MessageStatus.DEAD
    client.post(url, {"reason": "a operadora recebeu por ofício"})
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    [action] = message.actions.all()
    assert (action.action, action.by) == (ActionKind.CANCEL, personas.noc)
    # A cancelled message is never retried.
    page = client.post(
        reverse("outbox:message-retry", args=[message.pk]), {}, follow=True
    ).content.decode()
    assert "não pode passar a pendente" in page
    assert Message.objects.get(pk=message.pk).status == MessageStatus.CANCELLED
