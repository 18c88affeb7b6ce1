"""Tokens: made and revoked on the portal's page, shown once, kept as a digest; revoked,
expired, unknown tokens and deactivated users are refused."""

import hashlib
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from api.models import ApiToken
from tests.support.api import client_with, token_for
from tests.support.time import local

pytestmark = pytest.mark.django_db

PAGE = "/tokens-de-api/"
LINKS = "/api/v1/links/"


def test_the_page_shows_a_new_token_once_and_keeps_only_its_digest(client, personas):
    client.force_login(personas.carrier_a)
    response = client.post(PAGE, {"name": "Sistema de chamados", "expires_on": ""})
    assert response.status_code == 200
    key = response.context["created"]["key"]
    assert key.startswith("rg_")
    assert key in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.expires_at) == (
        personas.carrier_a,
        "Sistema de chamados",
        None,
    )
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.prefix, token.digest}
    again = client.get(PAGE).content.decode()
    assert key not in again
    assert f"rg_{token.prefix}_…" in again
    assert client_with(key).get(LINKS).status_code == 200


def test_the_user_menu_leads_to_the_page(client, personas):
    client.force_login(personas.manager_x)
    assert f'href="{PAGE}"' in client.get(reverse("home")).content.decode()


def test_an_expiry_in_the_past_is_refused(client, personas):
    client.force_login(personas.noc)
    with time_machine.travel(local(2026, 10, 15, 10, 0), tick=False):
        response = client.post(PAGE, {"name": "Zabbix", "expires_on": "2026-10-14"})
    assert response.context["form"].errors == {
        "expires_on": ["A validade não pode ser anterior a hoje."]
    }
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused(client, personas):
    key = token_for(personas.carrier_a)
    client.force_login(personas.carrier_a)
    url = f"{PAGE}{ApiToken.objects.get().pk}/revogar"
    assert "Marque a caixa" in client.post(url, follow=True).content.decode()
    assert ApiToken.objects.get().revoked_at is None
    response = client.post(url, {"confirmed": "on"}, follow=True)
    assert "revogado: ele não é mais aceito" in response.content.decode()
    refused = client_with(key).get(LINKS)
    assert refused.status_code == 401
    assert refused.json() == {"erro": "Token inválido, revogado ou expirado.", "campos": {}}
    assert refused["WWW-Authenticate"] == 'Bearer realm="api"'


def test_nobody_revokes_another_users_token(client, personas):
    key = token_for(personas.carrier_a)
    client.force_login(personas.carrier_b)
    assert client.post(f"{PAGE}{ApiToken.objects.get().pk}/revogar").status_code == 404
    assert client_with(key).get(LINKS).status_code == 200


def test_a_token_works_through_its_last_day_only(personas):
    with time_machine.travel(local(2026, 10, 15, 10, 0), tick=False):
        key = token_for(personas.noc, expires_on=date(2026, 10, 20))
    with time_machine.travel(local(2026, 10, 20, 23, 59), tick=False):
        assert client_with(key).get(LINKS).status_code == 200
    with time_machine.travel(local(2026, 10, 21, 0, 0), tick=False):
        assert client_with(key).get(LINKS).status_code == 401


def test_a_deactivated_users_token_is_refused(personas):
    key = token_for(personas.noc)
    personas.noc.is_active = False
    personas.noc.save(update_fields=["is_active"])
    assert client_with(key).get(LINKS).status_code == 401


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer rg_nada_nada", "Bearer x", "Token abc", "Bearer rg__"]
)
def test_no_valid_token_no_data(network, header):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(LINKS)
    assert response.status_code == 401
    assert set(response.json()) == {"erro", "campos"}


def test_a_guessed_secret_with_a_real_prefix_is_refused(personas):
    key = token_for(personas.noc)
    forged = key[: key.rindex("_") + 1] + "x" * 43
    assert client_with(forged).get(LINKS).status_code == 401


def test_the_portal_session_may_use_the_api(client, personas):
    client.force_login(personas.manager_y)
    response = client.get(LINKS)
    assert [row["circuit_id"] for row in response.json()["results"]] == ["CTG-0001"]


def test_use_is_noted_on_the_token(personas):
    key = token_for(personas.noc)
    with time_machine.travel(local(2026, 10, 15, 10, 0), tick=False):
        client_with(key).get(LINKS)
    assert ApiToken.objects.get().last_used_at == local(2026, 10, 15, 10, 0)
