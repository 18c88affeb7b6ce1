"""Proceedings move on by themselves (docs/penalties.md, "Deadlines"): at 00:00 local after the
last business day of a carrier deadline with no filing, the portal makes the move, once,
audited as an event without actor and e-mailed to the contractor's staff through the outbox."""

from datetime import date

import pytest
import time_machine

from outbox.models import Message
from penalties import tasks
from penalties.choices import ProceedingStatus as S
from penalties.services import proceeding_expire, proceedings_expire, proceedings_expired_ids
from tests.support.time import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(open_proceeding, personas):
    """Decided on Monday 16/11/2026 (Lei 8.666: 5 business days to appeal, 20/11 a holiday)."""
    personas.carrier_a.email = "alfa@example.com"
    personas.carrier_a.save(update_fields=["email"])
    walk = open_proceeding(at=local(2026, 11, 3, 9, 0))
    walk.notify(local(2026, 11, 3, 10, 0))
    walk.defend(local(2026, 11, 5, 10, 0))
    walk.opinions(local(2026, 11, 10, 10, 0))
    walk.decide(local(2026, 11, 16, 10, 0))
    assert walk.proceeding.due_date == date(2026, 11, 24)  # 17, 18, 19, 23, 24
    return walk


def moved_mail(proceeding) -> list[Message]:
    return list(Message.objects.filter(subject__contains="Prazo de recurso encerrado"))


def test_no_appeal_makes_the_decision_final_at_the_deadlines_end(decided):
    pk = decided.proceeding.pk
    assert proceedings_expire(now=local(2026, 11, 24, 23, 59)) == []
    assert proceedings_expired_ids(now=local(2026, 11, 24, 23, 59)) == []
    [moved] = proceedings_expire(now=local(2026, 11, 25, 0, 0))
    assert moved.pk == pk and moved.status == S.FINAL
    assert moved.final_at == local(2026, 11, 25, 0, 0)
    event = moved.events.last()
    assert event.actor is None
    assert event.label == "Prazo de recurso encerrado sem recurso: decisão final"
    [mail] = moved_mail(moved)
    assert mail.to == ["alfa@example.com"] and mail.ref == f"penalties.proceedingevent:{event.pk}"
    assert proceedings_expire(now=local(2026, 11, 25, 0, 5)) == []  # twice: one move, one mail
    assert moved.events.count() == decided.proceeding.events.count()
    assert len(moved_mail(moved)) == 1


def test_an_appeal_filed_before_the_deadline_stops_the_move(decided, personas):
    decided.to(S.APPEALED, local(2026, 11, 24, 23, 59), personas.carrier_a, reason="Recorro.")
    assert proceedings_expire(now=local(2026, 11, 25, 0, 0)) == []
    decided.proceeding.refresh_from_db()
    assert decided.proceeding.status == S.APPEALED
    assert moved_mail(decided.proceeding) == []


def test_a_defense_filed_before_the_deadline_stops_the_move(open_proceeding, personas):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))  # defense until 19/11 23:59:59
    walk.defend(local(2026, 11, 19, 23, 59))
    events = walk.proceeding.events.count()
    assert (
        proceeding_expire(proceeding_id=walk.proceeding.pk, now=local(2026, 11, 20, 0, 0)) is None
    )
    assert walk.proceeding.events.count() == events


def test_the_beat_enqueues_one_task_per_proceeding_and_each_is_safe_twice(decided, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.proceeding_expire_task, "delay", queued.append)
    with time_machine.travel(local(2026, 11, 24, 12, 0), tick=False):
        tasks.proceedings_expire_task()
    assert queued == []
    with time_machine.travel(local(2026, 11, 25, 0, 5), tick=False):
        tasks.proceedings_expire_task()
        assert queued == [decided.proceeding.pk]
        tasks.proceeding_expire_task(decided.proceeding.pk)
        tasks.proceeding_expire_task(decided.proceeding.pk)
    decided.proceeding.refresh_from_db()
    assert decided.proceeding.status == S.FINAL
    assert decided.proceeding.events.filter(actor=None).count() == 1
    assert len(moved_mail(decided.proceeding)) == 1
