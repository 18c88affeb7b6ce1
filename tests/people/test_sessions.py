"""Sessions (docs/users.md, "Sessões"): the idle timeout, ending every session of a person,
and the person's page with recent logins and failed attempts (kept by django-axes)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redegov.roles import Role
from tests.people.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return user_with_role("ana", Role.LEGAL)


def signed_in(username: str, ip: str = "10.1.1.1") -> Client:
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT="Navegador de teste")
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    return client


def test_an_idle_session_ends_after_the_setting(person, settings):
    settings.SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in("ana")
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("home")).status_code == 200  # in use: the clock restarts
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=89), tick=False):
        response = client.get(reverse("inventory:link-list"), follow=True)
    assert response.redirect_chain[0][0] == reverse("login") + "?next=%2Facessos%2F"
    assert "Sua sessão terminou após 30 minutos sem uso" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_leaving_every_session_ends_them_all_and_no_one_elses(person):
    laptop, phone = signed_in("ana"), signed_in("ana", ip="10.1.1.2")
    user_with_role("bia", Role.LEGAL)
    other = signed_in("bia")

    refused = phone.post(reverse("people:sessions-end"), follow=True).content.decode()
    assert "Marque a caixa de confirmação para continuar." in refused
    assert laptop.get(reverse("home")).status_code == 200
    response = phone.post(reverse("people:sessions-end"), {"confirmed": "on"}, follow=True)

    assert "2 sessões encerradas" in response.content.decode()
    assert laptop.get(reverse("home")).status_code == 302
    assert phone.get(reverse("home")).status_code == 302
    assert other.get(reverse("home")).status_code == 200


def test_the_account_page_shows_recent_logins_and_failed_attempts(person):
    Client(REMOTE_ADDR="10.9.9.9").post(
        reverse("login"), {"username": "ana", "password": "errada-123"}
    )
    client = signed_in("ana", ip="10.1.1.7")

    page = client.get(reverse("people:account")).content.decode()

    logins = page[page.index('id="entradas"') : page.index('id="falhas"')]
    failures = page[page.index('id="falhas"') :]
    assert "10.1.1.7" in logins and "Navegador de teste" in logins
    assert "10.9.9.9" in failures and "10.9.9.9" not in logins
    assert "Cadastrar aplicativo autenticador" in page
