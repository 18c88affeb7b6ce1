"""What waits for whom in the proceedings (penalties.selectors.proceeding_todo): each step on
its author's list until done, the carrier's filings only while open and only on its lots."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from penalties.choices import OpinionKind
from penalties.choices import ProceedingStatus as S
from penalties.selectors import proceeding_todo
from penalties.services import opinion_add
from tests.support.time import local

pytestmark = pytest.mark.django_db


def titles(user, now) -> list[str]:
    return [item.title for item in proceeding_todo(user=user, now=now)]


def test_each_step_waits_for_its_author_until_done(open_proceeding, personas, authority):
    walk = open_proceeding()
    number = walk.proceeding.number
    now = local(2026, 8, 3, 12, 0)
    assert titles(personas.billing, now) == [f"Processo {number}: notificar a operadora"]
    walk.notify(local(2026, 8, 3, 14, 0))
    assert titles(personas.billing, now) == []
    [defense] = proceeding_todo(user=personas.carrier_a, now=now)
    assert defense.title == f"Processo {number}: apresentar a defesa"
    assert defense.due_day == date(2026, 8, 10)  # 5 business days after 03/08
    assert defense.url == reverse("penalties:proceeding-detail", args=[walk.proceeding.pk])
    walk.defend(local(2026, 8, 5, 10, 0))
    assert titles(personas.carrier_a, now) == []
    assert titles(personas.billing, now) == [f"Processo {number}: emitir o parecer técnico"]
    assert titles(personas.legal, now) == [f"Processo {number}: emitir o parecer jurídico"]
    assert titles(authority, now) == []  # no decision before both opinions
    opinion_add(
        proceeding=walk.proceeding, kind=OpinionKind.LEGAL, user=personas.legal, text="Cabível."
    )
    assert titles(personas.legal, now) == []
    assert titles(personas.billing, now) == [f"Processo {number}: emitir o parecer técnico"]
    opinion_add(
        proceeding=walk.proceeding,
        kind=OpinionKind.TECHNICAL,
        user=personas.billing,
        text="Confirmado.",
    )
    assert titles(personas.billing, now) == []
    assert titles(authority, now) == [f"Processo {number}: decidir"]
    walk.decide(local(2026, 8, 12, 10, 0))
    assert titles(authority, now) == []
    assert titles(personas.carrier_a, now) == [
        f"Processo {number}: recorrer da decisão, se for o caso"
    ]


def test_the_carriers_filing_leaves_its_list_when_the_deadline_ends(open_proceeding, personas):
    walk = open_proceeding()
    walk.notify(local(2026, 8, 3, 14, 0))
    assert len(proceeding_todo(user=personas.carrier_a, now=local(2026, 8, 10, 23, 59))) == 1
    assert proceeding_todo(user=personas.carrier_a, now=local(2026, 8, 11, 0, 0)) == []


def test_another_carrier_never_sees_the_proceeding(open_proceeding, personas, network):
    walk = open_proceeding()  # against the metro lot: carrier A alone
    walk.notify(local(2026, 8, 3, 14, 0))
    now = local(2026, 8, 4, 9, 0)
    assert proceeding_todo(user=personas.carrier_b, now=now) == []
    consortium = open_proceeding(lot=network.lot_interior)  # B leads, A is a member
    consortium.notify(local(2026, 8, 3, 15, 0))
    assert titles(personas.carrier_b, now) == [
        f"Processo {consortium.proceeding.number}: apresentar a defesa"
    ]
    assert len(proceeding_todo(user=personas.carrier_a, now=now)) == 2
    for persona in ("manager_x", "noc", "outsider"):
        assert proceeding_todo(user=getattr(personas, persona), now=now) == []


def test_the_home_lists_the_overdue_decision_first(client, open_proceeding, personas, authority):
    def appealed(day: int):
        walk = open_proceeding()
        walk.notify(local(2026, 8, 3, 10, 0))
        walk.defend(local(2026, 8, 4, 10, 0))
        walk.opinions(local(2026, 8, 5, 10, 0))
        walk.decide(local(2026, 8, day, 10, 0))
        walk.to(S.APPEALED, local(2026, 8, day + 1, 10, 0), personas.carrier_a, reason="Não.")
        return walk.proceeding

    late = appealed(6)  # reconsideration due 14/08
    on_time = appealed(10)  # reconsideration due 18/08
    client.force_login(authority)
    with time_machine.travel(local(2026, 8, 17, 9, 0), tick=False):
        page = client.get(reverse("home")).content.decode()
    assert page.index(late.number) < page.index(on_time.number)
    assert '14/08/2026 · <span class="badge late">vencido há 3 dias</span>' in page
    assert "18/08/2026 · vence em 1 dia" in page


def test_the_home_reads_the_same_number_of_queries_however_long_the_list(
    client, open_proceeding, personas
):
    client.force_login(personas.billing)
    open_proceeding()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    open_proceeding(), open_proceeding()
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("home")).content.decode()
    assert page.count(": notificar a operadora</a>") == 3
    assert len(three) == len(one)
