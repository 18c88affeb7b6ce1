"""Invitations (docs/users.md): importing agencies and users.csv invites the missing people,
re-importing changes nothing, bad rows are named and nothing is written; the one-time link
expires, works once, and is replaced by a resend; admins see, resend and revoke invitations."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inventory.importing import inventory_import
from inventory.models import Agency
from outbox.choices import MessageKind
from outbox.models import Message
from people.models import Invitation
from redegov.models import User
from redegov.roles import Role, user_roles
from tests.people.factories import user_with_role
from tests.support.people import (
    AGENCIES,
    CARRIERS,
    USERS,
    fresh_installation,
    invitation_token,
    write_files,
)

pytestmark = pytest.mark.django_db
PASSWORD = "Rede-Governo-2026!"


def errors(report) -> list[str]:
    return [str(error) for error in report.errors]


def accept(client: Client, token: str, password: str = PASSWORD):
    url = reverse("people:invitation-accept", kwargs={"token": token})
    return client.post(url, {"new_password1": password, "new_password2": password})


def test_import_invites_the_missing_people_with_their_roles_and_ties(tmp_path: Path):
    report = inventory_import(fresh_installation(tmp_path))

    assert errors(report) == []
    assert report.files["users.csv"].created == 3  # the manager was invited by agencies.csv
    assert report.files["users.csv"].updated == 1  # ... and gets her name from users.csv
    sef = Agency.objects.get(code="SEF")
    assert sef.manager.email == "Gestora@fazenda.mg.gov.br"  # Django lowers the domain
    assert sef.substitute.username == "substituto@fazenda.mg.gov.br"
    assert sef.manager.get_full_name() == "Ana Gestora"
    people = {user.username: user for user in User.objects.all()}
    assert set(people) == {
        "gestora@fazenda.mg.gov.br",
        "substituto@fazenda.mg.gov.br",
        "servidor@fazenda.mg.gov.br",
        "noc@prodemge.gov.br",
        "suporte@alfa.com.br",
    }
    assert not any(user.is_active or user.has_usable_password() for user in people.values())
    assert user_roles(people["substituto@fazenda.mg.gov.br"]) == {Role.AGENCY_MANAGER}
    unit_staff = people["servidor@fazenda.mg.gov.br"]
    assert (unit_staff.agency, unit_staff.unit.name) == (sef, "Sede")
    assert people["suporte@alfa.com.br"].carrier.code == "alfa"
    assert user_roles(people["noc@prodemge.gov.br"]) == {Role.NOC}
    mail = Message.objects.filter(kind=MessageKind.INVITATION)
    assert sorted(address for m in mail for address in m.to) == sorted(
        user.email for user in people.values()
    )
    assert Invitation.objects.count() == 5
    body = mail.get(to=["suporte@alfa.com.br"]).body
    assert "http://127.0.0.1:8000/convite/" in body and "suporte@alfa.com.br" in body


def test_reimport_changes_nothing_and_sends_nothing(tmp_path: Path):
    directory = fresh_installation(tmp_path)
    inventory_import(directory)
    users = list(User.objects.order_by("pk").values())
    messages = Message.objects.count()

    report = inventory_import(directory)

    assert errors(report) == []
    assert {name: (c.created, c.updated) for name, c in report.files.items()} == {
        "carriers.csv": (0, 0),
        "agencies.csv": (0, 0),
        "users.csv": (0, 0),
    }
    assert list(User.objects.order_by("pk").values()) == users
    assert (Message.objects.count(), Invitation.objects.count()) == (messages, 5)


def test_bad_rows_are_named_and_nothing_is_written(tmp_path: Path):
    users = USERS + (
        "sem-arroba,Fulano,noc,,,\n"
        "x@prodemge.gov.br,Fulano,chefe,,,\n"
        "y@prodemge.gov.br,Fulano,agency_unit,SEF,,\n"
        "z@prodemge.gov.br,Fulano,carrier,SEF,,alfa\n"
        "w@prodemge.gov.br,Fulano,agency_manager,SEPLAG,,\n"
        "NOC@prodemge.gov.br,Outra,noc,,,\n"
    )
    agencies = AGENCIES + "SEPLAG,Planejamento,05914650000166,compulsory,não-é-email,\n"
    directory = write_files(tmp_path, carriers=CARRIERS, agencies=agencies, users=users)

    assert errors(inventory_import(directory)) == [
        "agencies.csv:4: manager_email: 'não-é-email' não é um e-mail válido",
        "users.csv:6: email: 'sem-arroba' não é um e-mail válido",
        "users.csv:7: role: 'chefe' não é válido; use agency_unit, agency_manager, noc, billing,"
        " carrier, committee, legal, authority ou admin",
        "users.csv:8: unit: Informe a unidade deste servidor.",
        "users.csv:9: agency: Só gestores do órgão e servidores da unidade têm órgão.",
        "users.csv:10: agency: órgão 'SEPLAG' não cadastrado",
        "users.csv:11: email: 'NOC@prodemge.gov.br' repetido nas linhas 4 e 11",
    ]
    assert not User.objects.exists()
    assert not Message.objects.exists() and not Invitation.objects.exists()


def test_a_known_person_keeps_their_ties_a_different_one_is_refused(tmp_path: Path, network):
    user_with_role("gestor.see", Role.AGENCY_MANAGER, agency=network.agency_y)
    User.objects.filter(username="gestor.see").update(email="gestora@fazenda.mg.gov.br")
    directory = write_files(tmp_path, users=USERS.splitlines()[0] + "\n" + USERS.splitlines()[1])

    assert errors(inventory_import(directory)) == [
        f"users.csv:2: agency: gestora@fazenda.mg.gov.br já está ligado(a) a {network.agency_y}"
    ]


def test_the_link_sets_the_password_once_and_the_person_logs_in(tmp_path: Path):
    inventory_import(fresh_installation(tmp_path))
    token = invitation_token("noc@prodemge.gov.br")
    client = Client()
    page = client.get(reverse("people:invitation-accept", kwargs={"token": token}))
    assert page.status_code == 200 and "Escolha sua senha" in page.content.decode()

    weak = accept(client, token, "12345678")
    assert weak.status_code == 200
    assert not User.objects.get(username="noc@prodemge.gov.br").is_active

    assert accept(client, token).url == reverse("login")
    user = User.objects.get(username="noc@prodemge.gov.br")
    assert user.is_active and user.check_password(PASSWORD)
    login = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert login.url == reverse("home")

    again = accept(Client(), token, "Outra-Senha-2026!")
    assert again.status_code == 410 and "já foi usado" in again.content.decode()
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_the_link_expires_after_the_setting(tmp_path: Path, settings):
    settings.INVITATION_VALID_HOURS = 24
    inventory_import(fresh_installation(tmp_path))
    token = invitation_token("noc@prodemge.gov.br")

    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        response = accept(Client(), token)

    assert response.status_code == 410 and "expirou" in response.content.decode()
    assert not User.objects.get(username="noc@prodemge.gov.br").is_active


def test_unknown_link_is_not_found(db):
    url = reverse("people:invitation-accept", kwargs={"token": "nada"})
    assert Client().get(url).status_code == 404


def test_admins_see_resend_and_revoke_pending_invitations(tmp_path: Path, personas):
    inventory_import(fresh_installation(tmp_path))
    accept(Client(), invitation_token("noc@prodemge.gov.br"))
    admin = user_with_role("admin", Role.ADMIN)
    client = Client()
    client.force_login(admin)

    assert "Convites pendentes" in client.get(reverse("people:account")).content.decode()
    page = client.get(reverse("people:invitation-list")).content.decode()
    assert "suporte@alfa.com.br" in page and "noc@prodemge.gov.br" not in page

    pending = Invitation.objects.get(user__email="suporte@alfa.com.br")
    old_token = invitation_token("suporte@alfa.com.br")
    client.post(reverse("people:invitation-resend", kwargs={"pk": pending.pk}))
    new_token = invitation_token("suporte@alfa.com.br")
    assert new_token != old_token
    assert accept(Client(), old_token).status_code == 410
    assert accept(Client(), new_token).url == reverse("login")

    other = Invitation.objects.get(user__email="servidor@fazenda.mg.gov.br")
    revoke = reverse("people:invitation-revoke", kwargs={"pk": other.pk})
    client.post(revoke)  # not confirmed: nothing happens
    other.refresh_from_db()
    assert other.revoked_at is None
    client.post(revoke, {"confirmed": "on"})
    revoked = accept(Client(), invitation_token("servidor@fazenda.mg.gov.br"))
    assert "revogado" in revoked.content.decode()


@pytest.mark.parametrize("persona", ["noc", "billing", "manager_x", "committee"])
def test_only_admins_open_the_invitations_page(personas, persona):
    client = Client()
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("people:invitation-list")).status_code == 403
    assert "Convites pendentes" not in client.get(reverse("people:account")).content.decode()
