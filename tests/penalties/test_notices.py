"""The legal clock on the proceeding page: a notice counts from its posting in the portal, and
each e-mailed copy (one per person of the contractor) shows when it was delivered or why not;
reminders of a deadline ending soon, written once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from outbox.choices import MessageKind, MessageStatus
from outbox.models import Message
from outbox.services import message_deliver
from penalties.services import proceeding_deadline_reminders
from redegov.roles import Role
from tests.people.factories import user_with_role
from tests.support.time import local

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_posting_and_each_copys_delivery(
    client, open_proceeding, personas, network
):
    personas.carrier_a.email = "alfa@example.com"
    personas.carrier_a.save(update_fields=["email"])
    user_with_role("alfa.2", Role.CARRIER, carrier=network.carrier_a, email="juridico@alfa.com")
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    event = walk.proceeding.events.get(notice=True)
    ref = f"penalties.proceedingevent:{event.pk}"
    copies = {m.to[0]: m for m in Message.objects.filter(ref=ref)}
    assert set(copies) == {"alfa@example.com", "juridico@alfa.com"}
    assert message_deliver(message_id=copies["alfa@example.com"].pk, now=timezone.now())
    Message.objects.filter(pk=copies["juridico@alfa.com"].pk).update(
        status=MessageStatus.DEAD,
        attempts=10,
        dead_at=local(2026, 11, 13, 9, 0),
        last_error="SMTPRecipientsRefused: 550 5.1.1 caixa inexistente",
    )
    sent_at = timezone.localtime(Message.objects.get(pk=copies["alfa@example.com"].pk).sent_at)
    for who in (personas.billing, personas.carrier_a):
        client.force_login(who)
        page = client.get(reverse("penalties:proceeding-detail", args=[walk.proceeding.pk]))
        html = page.content.decode()
        section = html[html.index('id="notificacoes"') :]
        section = section[: section.index("</table>")]
        assert "12/11/2026 16:00" in section  # posted: the deadline counts from here
        assert "até 19/11/2026 às 23:59:59" in section
        assert f"alfa@example.com:\n    entregue em {sent_at:%d/%m/%Y %H:%M}" in section
        assert "juridico@alfa.com" in section and "550 5.1.1 caixa inexistente" in section
        assert "não entregue após 10 tentativas, em 13/11/2026 09:00" in section


def test_a_reminder_goes_two_business_days_before_the_last_day_once(open_proceeding, personas):
    personas.carrier_a.email = "alfa@example.com"
    personas.carrier_a.save(update_fields=["email"])
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))  # defense until 19/11/2026 (Lei 8.666: 5 days)
    reminders = Message.objects.filter(kind=MessageKind.DEADLINE_REMINDER)
    assert proceeding_deadline_reminders(now=local(2026, 11, 16, 8, 0)) == 0  # 3 days left
    assert proceeding_deadline_reminders(now=local(2026, 11, 17, 8, 0)) == 1  # 18 and 19/11
    assert proceeding_deadline_reminders(now=local(2026, 11, 17, 9, 0)) == 0  # twice: once
    assert proceeding_deadline_reminders(now=local(2026, 11, 18, 8, 0)) == 0  # same deadline
    [reminder] = reminders
    assert reminder.to == ["alfa@example.com"]
    assert "termina em 2 dias úteis, em 19/11/2026 às 23:59:59" in reminder.body
    assert "publicada no portal em 12/11/2026 16:00" in reminder.body
    walk.defend(local(2026, 11, 18, 10, 0))  # filed: no deadline left to remind of
    assert proceeding_deadline_reminders(now=local(2026, 11, 19, 8, 0)) == 0
    assert reminders.count() == 1
