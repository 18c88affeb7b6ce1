"""The second factor (docs/users.md, "Segundo fator"), with SECOND_FACTOR_REQUIRED on: each
required role without a verified device is held at enrolment or verification, the admin site
included; the optional roles are not; enrolment shows a QR code and the secret, confirms with
a real TOTP code and gives single-use recovery codes."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from redegov import access
from redegov.models import User
from redegov.roles import Role
from tests.people.factories import TOTPDeviceFactory, user_with_role
from tests.support.people import current_code

pytestmark = pytest.mark.django_db
REQUIRED = sorted(access.SECOND_FACTOR_ROLES)
OPTIONAL = sorted(set(Role.values) - access.SECOND_FACTOR_ROLES)


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


def person(role: str, network) -> User:
    ties = {
        Role.AGENCY_MANAGER: {"agency": network.agency_x},
        Role.AGENCY_UNIT: {"agency": network.agency_x, "unit": network.agency_x.units.first()},
        Role.CARRIER: {"carrier": network.carrier_a},
    }.get(role, {})
    user = user_with_role(f"pessoa-{role}", role, **ties)
    if role == Role.ADMIN:
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return User.objects.get(pk=user.pk)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", REQUIRED)
def test_a_required_role_without_a_device_is_sent_to_enrolment(role, network):
    client = logged_in(person(role, network))
    setup = reverse("people:otp-setup")
    for page in (reverse("home"), reverse("inventory:link-list"), "/admin/", "/api/v1/links/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.url.startswith(setup + "?next="), page
    assert client.get(setup).status_code == 200


@pytest.mark.parametrize("role", REQUIRED)
def test_a_required_role_with_a_device_is_sent_to_verification_until_it_types_a_code(role, network):
    user = person(role, network)
    TOTPDeviceFactory(user=user)
    client = logged_in(user)
    response = client.get(reverse("home"))
    assert response.url == reverse("people:otp-verify") + "?next=%2F"
    assert client.get("/admin/").url.startswith(reverse("people:otp-verify"))

    wrong = client.post(reverse("people:otp-verify"), {"code": "000000", "next": "/"})
    assert wrong.status_code == 200 and "Código incorreto" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=user)
    throttled = client.post(reverse("people:otp-verify"), {"code": current_code(device)})
    assert throttled.status_code == 200  # right, but too soon after a wrong one
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        right = client.post(
            reverse("people:otp-verify"), {"code": current_code(device), "next": "/"}
        )
    assert right.url == "/"
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("role", OPTIONAL)
def test_an_optional_role_opens_pages_without_a_second_factor(role, network):
    client = logged_in(person(role, network))
    assert client.get(reverse("home")).status_code == 200


def test_an_optional_role_that_enrolled_is_asked_for_its_code(network):
    user = person(Role.AGENCY_MANAGER, network)
    TOTPDeviceFactory(user=user)
    assert logged_in(user).get(reverse("home")).url.startswith(reverse("people:otp-verify"))


def test_with_the_setting_off_nobody_is_held(network, settings):
    settings.SECOND_FACTOR_REQUIRED = False
    assert logged_in(person(Role.BILLING, network)).get(reverse("home")).status_code == 200


def test_enrolment_shows_qr_and_secret_confirms_and_recovery_codes_work_once(network):
    user = person(Role.NOC, network)
    client = logged_in(user)
    page = client.get(reverse("people:otp-setup") + "?next=/acessos/").content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in page and 'id="chave"' in page and "csrfmiddlewaretoken" in page
    assert "otpauth" not in page  # the address is in the QR code only, drawn on the server

    done = client.post(
        reverse("people:otp-setup"), {"code": current_code(device), "next": "/acessos/"}
    )
    codes = done.context["codes"]
    assert len(codes) == 10 and "Códigos de recuperação" in done.content.decode()
    assert client.get(reverse("inventory:link-list")).status_code == 200

    other = logged_in(user)  # a new session: the code of the app or a recovery code
    assert other.post(reverse("people:otp-verify"), {"code": codes[0]}).url == reverse("home")
    again = logged_in(user)
    reused = again.post(reverse("people:otp-verify"), {"code": codes[0]})
    assert reused.status_code == 200 and "já usado" in reused.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert again.post(reverse("people:otp-verify"), {"code": codes[1]}).status_code == 302


def test_recovery_codes_are_renewed_and_the_old_ones_stop(network):
    user = person(Role.BILLING, network)
    client = logged_in(user)
    client.get(reverse("people:otp-setup"))
    device = TOTPDevice.objects.get(user=user)
    old = client.post(reverse("people:otp-setup"), {"code": current_code(device)}).context["codes"]
    new = client.post(reverse("people:otp-recovery")).context["codes"]
    assert set(old).isdisjoint(new)
    assert logged_in(user).post(reverse("people:otp-verify"), {"code": old[2]}).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        verified = logged_in(user).post(reverse("people:otp-verify"), {"code": new[2]})
    assert verified.status_code == 302


def test_the_next_address_stays_on_the_site(network):
    user = person(Role.NOC, network)
    client = logged_in(user)
    client.get(reverse("people:otp-setup"))
    device = TOTPDevice.objects.get(user=user)
    done = client.post(
        reverse("people:otp-setup"), {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert done.context["next"] == reverse("home")
