"""Counts agree with their words, never "(s)" (docs/ui.md, "Plurais"): the sessions ended, the
panel's totals, a proceeding's deadlines, each with 1 and with 2."""

import pytest
from django.test import Client
from django.urls import reverse

from monitoring.services.noc import irregularity_report
from penalties.models import PenaltySettings
from redegov.roles import Role
from tests.people.factories import PASSWORD, user_with_role
from tests.support.time import at, local

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return client


@pytest.mark.parametrize(
    ("sessions", "words"), [(1, "1 sessão encerrada"), (2, "2 sessões encerradas")]
)
def test_leaving_every_session_counts_them(db, sessions, words):
    user_with_role("ana", Role.LEGAL)
    clients = [signed_in("ana") for _ in range(sessions)]
    response = clients[0].post(reverse("people:sessions-end"), {"confirmed": "on"}, follow=True)
    assert f"{words}. Entre de novo para continuar." in response.content.decode()


@pytest.mark.parametrize(
    ("reports", "words"), [(1, "irregularidade a responder"), (2, "irregularidades a responder")]
)
def test_the_panels_totals(client, network, personas, reports, words):
    for minute in range(reports):
        irregularity_report(
            link_id=network.link_x_metro.pk,
            description="Lento",
            files=[],
            by=personas.manager_x,
            now=at(minute),
        )
    client.force_login(personas.noc)
    html = client.get(reverse("monitoring:panel")).content.decode()
    assert f"<strong>{reports}</strong> {words}</a>" in html
    assert "<strong>0</strong> interrupção</span>" in html  # 0 takes the singular, as in pt-BR
    assert "<strong>0</strong> perda de redundância</span>" in html


@pytest.mark.parametrize(("days", "words"), [(1, "1 dia útil"), (2, "2 dias úteis")])
def test_a_proceedings_deadline(client, network, personas, open_proceeding, days, words):
    PenaltySettings.objects.create(
        contract=network.contract,
        defense_days=days,
        appeal_days=5,
        reconsideration_days=5,
        superior_days=5,
    )
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    client.force_login(personas.billing)
    html = client.get(
        reverse("penalties:proceeding-detail", args=[walk.proceeding.pk])
    ).content.decode()
    assert f"Defesa ({words})" in html
    assert f"Defesa: {words}, de " in html
