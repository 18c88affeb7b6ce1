"""Password reset by e-mail (docs/users.md, "Senha esquecida"): the link goes through the
outbox and works once, unknown and inactive addresses get the same answer and no mail, requests
are limited per address and per client, and the password policy comes from the settings."""

import re
import time

import pytest
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from outbox.choices import MessageKind
from outbox.models import Message
from people.limits import WINDOW_SECONDS, counter_key
from redegov.models import User
from redegov.roles import Role
from tests.people.factories import user_with_role

pytestmark = pytest.mark.django_db
NEW = "Outra-Senha-Forte-2026"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/senha/redefinir/[^/]+/[^/]+/)")


EMAILS = ["ana@prodemge.gov.br", "ninguem@x.mg.gov.br", "convidado@x.mg.gov.br"]
EMAILS += [f"outro{n}@x.mg.gov.br" for n in (0, 1, 9)]
IPS = [f"10.0.0.{n}" for n in range(1, 5)]


@pytest.fixture(autouse=True)
def fresh_counters():
    """The limit's counters of this module's addresses start at zero (only those: the cache
    database is shared with other tests)."""
    window = int(time.time() // WINDOW_SECONDS)
    keys = [counter_key("email", e, w) for e in EMAILS for w in (window, window + 1)]
    keys += [counter_key("ip", ip, w) for ip in IPS for w in (window, window + 1)]
    cache.delete_many(keys)


@pytest.fixture
def person(db) -> User:
    user = user_with_role("ana", Role.NOC)
    User.objects.filter(pk=user.pk).update(email="ana@prodemge.gov.br", first_name="Ana")
    return User.objects.get(pk=user.pk)


def ask(client: Client, email: str, ip: str = "10.0.0.1"):
    return client.post(reverse("people:password-reset"), {"email": email}, REMOTE_ADDR=ip)


def reset_mail() -> list[Message]:
    return list(Message.objects.filter(kind=MessageKind.PASSWORD_RESET))


def test_the_link_by_email_sets_a_new_password_once(person):
    client = Client()
    assert ask(client, "ANA@prodemge.gov.br").url == reverse("people:password-reset-done")
    [message] = reset_mail()
    assert message.to == ["ana@prodemge.gov.br"] and "Olá, Ana" in message.body
    path = LINK.search(message.body).group(1)

    form = client.get(path, follow=True)
    assert "Nova senha" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.url == reverse("people:password-reset-complete")
    assert User.objects.get(pk=person.pk).check_password(NEW)

    again = Client().get(path, follow=True)
    assert "não vale mais" in again.content.decode()


def test_unknown_and_invited_addresses_get_the_same_answer_and_no_mail(person):
    User.objects.create(username="convidado", email="convidado@x.mg.gov.br", is_active=False)
    for email in ("ninguem@x.mg.gov.br", "convidado@x.mg.gov.br"):
        assert ask(Client(), email).url == reverse("people:password-reset-done")
    assert reset_mail() == []


def test_requests_are_limited_per_address_and_per_client(person, settings):
    settings.PASSWORD_RESET_PER_HOUR = 3
    for _ in range(3):
        assert ask(Client(), "ana@prodemge.gov.br", ip="10.0.0.2").status_code == 302
    refused = ask(Client(), "ana@prodemge.gov.br", ip="10.0.0.3")
    assert refused.status_code == 429 and "3 por hora" in refused.content.decode()
    assert len(reset_mail()) == 3

    for n in range(2):  # the first client has one request left, for any address
        ask(Client(), f"outro{n}@x.mg.gov.br", ip="10.0.0.2")
    assert ask(Client(), "outro9@x.mg.gov.br", ip="10.0.0.2").status_code == 429
    assert ask(Client(), "outro9@x.mg.gov.br", ip="10.0.0.4").status_code == 302


def test_the_minimum_length_comes_from_the_settings(person, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 16},
        }
    ]
    get_default_password_validators.cache_clear()
    try:
        ask(Client(), "ana@prodemge.gov.br")
        client = Client()
        form = client.get(LINK.search(reset_mail()[0].body).group(1), follow=True)
        short = "Curta-Demais-15"
        refused = client.post(
            form.redirect_chain[-1][0], {"new_password1": short, "new_password2": short}
        )
        assert "pelo menos 16 caracteres" in refused.content.decode()
    finally:
        get_default_password_validators.cache_clear()


def test_the_default_policy_asks_for_twelve_characters():
    validator = next(v for v in get_default_password_validators() if hasattr(v, "min_length"))
    assert validator.min_length == 12
