"""The project's own pages: home per role, navigation, login, lockout, errors and /healthz."""

import pytest
from django.urls import reverse

from portal import views
from tests.people.factories import PASSWORD


def home_as(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_network_roles_see_the_whole_network_and_its_lots(client, personas):
    response = home_as(client, personas.noc)
    html = response.content.decode()
    assert "A rede" in html
    assert response.context["counts"]["total"] == 3
    assert response.context["counts"]["agencies"] == 2
    assert [lot.number for lot in response.context["lots"]] == [1, 2]
    assert "Consórcio: Beta Net (60,00%, líder); Alfa Telecom (40,00%)" in html


@pytest.mark.django_db
def test_agency_manager_home_is_my_links(client, personas):
    response = home_as(client, personas.manager_x)
    html = response.content.decode()
    assert "Meus acessos" in html
    assert "Secretaria de Estado de Fazenda" in html
    assert response.context["counts"]["total"] == 2
    assert response.context["lots"] == []


@pytest.mark.django_db
def test_carrier_home_lists_its_lots(client, personas, network):
    response = home_as(client, personas.carrier_b)
    assert "Meus lotes" in response.content.decode()
    assert response.context["lots"] == [network.lot_interior]
    assert response.context["lots"][0].live_links == 1
    assert response.context["counts"]["total"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "menu"),
    [("legal", ["Início", "Processos de multa"]), ("outsider", ["Início"])],
)
def test_roles_without_links_get_no_counts_and_no_links_menu(client, personas, persona, menu):
    response = home_as(client, getattr(personas, persona))
    assert response.context["counts"] is None
    assert [item.label for group in response.context["nav_groups"] for item in group.items] == menu


@pytest.mark.django_db
def test_navigation_follows_the_role_and_marks_the_current_page(client, personas):
    personas.noc.is_staff = True
    personas.noc.save()
    client.force_login(personas.noc)
    response = client.get(reverse("inventory:link-list"))
    groups = {
        group.label: {item.label: item.active for item in group.items}
        for group in response.context["nav_groups"]
    }
    assert groups == {
        "Início": {"Início": False},
        "Rede": {
            "Painel de incidentes": False,
            "Acessos": True,
            "Indisponibilidades": False,
            "Chamados": False,
            "Irregularidades": False,
            "Manutenções": False,
        },
        "Pedidos": {"Ordens de serviço": False},
        "Administração": {"Mensagens não entregues": False, "Administração do sistema": False},
    }
    html = response.content.decode()
    assert '<details class="menu current">' in html  # "Rede" is marked as the current group
    assert "Centro de Operações (NOC)" in response.content.decode()


@pytest.mark.django_db
def test_login_page_is_public_and_in_portuguese(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Usuário" in html
    assert "Senha" in html


@pytest.mark.django_db
def test_login_then_logout(client, personas):
    response = client.post(reverse("login"), {"username": "noc", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_login(client, personas):
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "noc", "password": "errada"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "noc", "password": "errada"})
    assert response.status_code == 429
    assert "Acesso temporariamente bloqueado" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "noc", "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.django_db
def test_unknown_page_renders_the_portal_404(client, personas):
    client.force_login(personas.noc)
    response = client.get("/nao-existe/")
    assert response.status_code == 404
    assert "Página não encontrada" in response.content.decode()


@pytest.mark.django_db
def test_healthz_is_reachable_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code in (200, 503)  # 503 here: no Celery worker runs in tests
    body = response.json()
    assert body["database"] == {"ok": True}
    assert body["ok"] == (response.status_code == 200)


@pytest.mark.django_db
def test_healthz_is_200_when_every_part_is_fine(client, monkeypatch):
    monkeypatch.setattr(views, "health_report", lambda: {"database": {"ok": True}})
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": {"ok": True}}
