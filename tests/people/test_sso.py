"""Single sign-on by OpenID Connect (docs/users.md, "Entrada única"), against a real provider:
tests/people/oidc_provider (django-oauth-toolkit, OIDC on, an RSA key made here) runs as a
process of its own on a free loopback port, once for the module; the portal is the live server,
pointed at it through its settings. Each test drives the whole authorization-code flow over
real HTTP, the way a browser does (a requests session following the redirects): the portal's
button, the provider's login form, the code back to the portal, the portal's exchange of the
code, the ID token's signature and the userinfo request. Nothing of the protocol is mocked.
"""

import json
import os
import runpy
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from axes.models import AccessLog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.exceptions import DomainError
from people.services import invitation_revoke, person_invite, sso_person
from people.sso import BACKEND
from redegov.models import User
from redegov.roles import Role, user_roles
from redegov.settings import OIDC_REQUIRED
from tests.people.factories import PASSWORD as PORTAL_PASSWORD
from tests.people.factories import TOTPDeviceFactory, user_with_role
from tests.support.people import current_code

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "portal-rede-governo"
CLIENT_SECRET = "segredo-do-portal-so-para-testes"
PASSWORD = "senha-no-provedor"
# The provider's people: username -> (e-mail as the provider has it, verified?).
PEOPLE = {
    "ana": ("Ana.Gestora@Fazenda.MG.gov.br", True),
    "carla": ("carla.noc@prodemge.gov.br", True),
    "estranho": ("estranho@fazenda.mg.gov.br", True),
    "bruno": ("bruno@fazenda.mg.gov.br", False),
    "davi": ("davi@fazenda.mg.gov.br", True),
    "elisa": ("elisa@fazenda.mg.gov.br", True),
    "fabio": ("fabio@fazenda.mg.gov.br", True),
}
DISCOVERY_KEYS = (
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
)
TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def wait_for_discovery(url: str, process: subprocess.Popen, log: Path) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the test provider stopped:\n{log.read_text()}")
        try:
            answer = requests.get(url, timeout=2)
            if answer.status_code == 200:
                return answer.json()
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the test provider did not answer in 60 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    """The provider process, its client for the portal and its people; its discovery
    document (where an administrator reads the values to configure)."""
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = free_port()
    spec = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": live_server.url + reverse("sso:callback"),
        "people": [
            {"username": name, "email": email, "password": PASSWORD, "verified": verified}
            for name, (email, verified) in PEOPLE.items()
        ],
    }
    spec_file = folder / "spec.json"
    spec_file.write_text(json.dumps(spec))
    log = folder / "provider.log"
    env = {
        **os.environ,
        "PROVIDER_DB": str(folder / "provider.sqlite3"),
        "PROVIDER_ISSUER": f"http://127.0.0.1:{port}/o",
        "PROVIDER_RSA_KEY": rsa_key_pem(),
    }
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "tests.people.oidc_provider.serve", str(port), str(spec_file)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield wait_for_discovery(
            f"http://127.0.0.1:{port}/o/.well-known/openid-configuration", process, log
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def sso_on(settings, discovery: dict) -> None:
    """Single sign-on on, configured from a provider's discovery document as docs/users.md
    tells an administrator to."""
    settings.OIDC_ENABLED = True
    settings.OIDC_OP_ISSUER = discovery["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]


@pytest.fixture
def sso(settings, provider, transactional_db):
    """The live portal pointed at the provider (committed rows: the live server sees them)."""
    sso_on(settings, provider)
    return provider


def email_of(name: str) -> str:
    return PEOPLE[name][0].lower()


def to_callback(portal: str, username: str, browser: requests.Session | None = None) -> tuple:
    """The button, the provider's login form: the address the provider sends the browser back
    to (the portal's callback with the code and state), not yet opened."""
    browser = browser or requests.Session()
    login_form = browser.get(f"{portal}{reverse('sso:start')}?next=/conta/", timeout=TIMEOUT)
    assert login_form.status_code == 200, login_form.text
    credentials = {
        "username": username,
        "password": PASSWORD,
        "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
    }
    logged_in = browser.post(login_form.url, data=credentials, allow_redirects=False)
    assert logged_in.status_code == 302, logged_in.text
    authorized = browser.get(
        urljoin(login_form.url, logged_in.headers["Location"]), allow_redirects=False
    )
    assert authorized.status_code == 302, authorized.text
    return browser, authorized.headers["Location"]


def sign_in(portal: str, username: str) -> tuple[requests.Session, requests.Response]:
    browser, callback = to_callback(portal, username)
    return browser, browser.get(callback, timeout=TIMEOUT)


def session_user(browser: requests.Session) -> tuple[str | None, str | None]:
    """(user id, backend) of the portal session this browser holds."""
    key = browser.cookies.get("sessionid")
    session = Session.objects.filter(session_key=key).first()
    data = session.get_decoded() if session else {}
    return data.get(SESSION_KEY), data.get(BACKEND_SESSION_KEY)


def refused_with(answer: requests.Response, text: str) -> None:
    assert urlsplit(answer.url).path == reverse("login")
    assert text in answer.text


def test_sso_is_off_unless_configured(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Entrar com a conta do governo" not in page
    assert client.get(reverse("sso:start")).status_code == 404
    assert client.get(reverse("sso:callback"), {"code": "x", "state": "y"}).status_code == 404


def settings_with(monkeypatch, **env: str) -> dict:
    """redegov/settings.py as the process would read it with this environment."""
    for name in os.environ:
        if name.startswith("OIDC_"):
            monkeypatch.delenv(name)
    for name, value in {"DJANGO_ENV": "development", **env}.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "redegov" / "settings.py"))


def test_enabling_sso_needs_the_provider_and_the_client(monkeypatch):
    with pytest.raises(ImproperlyConfigured) as refused:
        settings_with(monkeypatch, OIDC_ENABLED="true", OIDC_OP_ISSUER="https://id.mg.gov.br")
    assert str(refused.value) == "OIDC_ENABLED=true needs " + ", ".join(
        name for name in OIDC_REQUIRED if name != "OIDC_OP_ISSUER"
    )
    values = {name: "https://id.mg.gov.br/x" for name in OIDC_REQUIRED}
    enabled = settings_with(monkeypatch, OIDC_ENABLED="true", **values)
    assert enabled["AUTHENTICATION_BACKENDS"][-1] == BACKEND
    assert BACKEND not in settings_with(monkeypatch)["AUTHENTICATION_BACKENDS"]


def test_a_known_person_signs_in_with_the_portals_roles(sso, live_server, network):
    ana = user_with_role(
        "ana", Role.AGENCY_MANAGER, agency=network.agency_x, email=email_of("ana"), first_name="Ana"
    )
    login_page = requests.get(live_server.url + reverse("login"), timeout=TIMEOUT)
    assert "Entrar com a conta do governo" in login_page.text

    browser, answer = sign_in(live_server.url, "ana")

    assert answer.status_code == 200
    assert urlsplit(answer.url).path == reverse("people:account")  # the `next` it started with
    assert session_user(browser) == (str(ana.pk), BACKEND)
    # The provider claims roles and groups; the portal keeps its own.
    ana.refresh_from_db()
    assert user_roles(ana) == {Role.AGENCY_MANAGER}
    assert (ana.is_staff, ana.is_superuser, ana.agency) == (False, False, network.agency_x)
    admins_only = browser.get(live_server.url + reverse("people:invitation-list"))
    assert admins_only.status_code == 403
    # Recorded among the person's recent logins; signing out ends the session.
    assert AccessLog.objects.filter(username="ana", logout_time=None).count() == 1
    token = browser.cookies["csrftoken"]
    browser.post(live_server.url + reverse("logout"), data={"csrfmiddlewaretoken": token})
    assert session_user(browser) == (None, None)
    assert urlsplit(browser.get(live_server.url + "/").url).path == reverse("login")
    assert AccessLog.objects.get(username="ana").logout_time is not None


def test_unknown_unverified_and_deactivated_people_are_refused(sso, live_server):
    users = User.objects.count()
    browser, answer = sign_in(live_server.url, "estranho")
    refused_with(answer, f"O e-mail {PEOPLE['estranho'][0]} não tem acesso ao portal")
    assert "O acesso é só por convite" in answer.text
    assert session_user(browser) == (None, None)
    assert User.objects.count() == users  # nobody created, ever

    user_with_role("bruno", Role.BILLING, email=email_of("bruno"))
    browser, answer = sign_in(live_server.url, "bruno")
    refused_with(answer, "O provedor de identidade não confirmou o e-mail bruno@fazenda")
    assert session_user(browser) == (None, None)

    davi = user_with_role("davi", Role.NOC, email=email_of("davi"))
    browser, _ = sign_in(live_server.url, "davi")
    assert session_user(browser) == (str(davi.pk), BACKEND)
    User.objects.filter(pk=davi.pk).update(is_active=False)
    # The session begun before ends with the deactivation; signing in again is refused.
    assert urlsplit(browser.get(live_server.url + "/").url).path == reverse("login")
    browser, answer = sign_in(live_server.url, "davi")
    refused_with(answer, "O acesso de davi@fazenda.mg.gov.br ao portal está desativado")
    assert session_user(browser) == (None, None)


def test_signing_in_uses_a_pending_invitation_but_not_an_expired_one(sso, live_server):
    now = timezone.now()
    elisa = person_invite(email=email_of("elisa"), role=Role.NOC, now=now)
    fabio = person_invite(email=email_of("fabio"), role=Role.NOC, now=now - timedelta(days=10))
    assert not elisa.is_active

    browser, answer = sign_in(live_server.url, "elisa")

    assert urlsplit(answer.url).path == reverse("people:account")
    elisa.refresh_from_db()
    assert elisa.is_active and user_roles(elisa) == {Role.NOC}
    assert elisa.invitations.get().accepted_at is not None
    assert session_user(browser) == (str(elisa.pk), BACKEND)

    browser, answer = sign_in(live_server.url, "fabio")
    refused_with(answer, "Este convite expirou")
    fabio.refresh_from_db()
    assert not fabio.is_active
    assert fabio.invitations.get().accepted_at is None


def test_staff_signing_in_through_sso_still_owe_the_second_factor(sso, live_server, settings):
    settings.SECOND_FACTOR_REQUIRED = True
    carla = user_with_role("carla", Role.NOC, email=email_of("carla"))
    device = TOTPDeviceFactory(user=carla)

    browser, answer = sign_in(live_server.url, "carla")

    assert urlsplit(answer.url).path == reverse("people:otp-verify")
    home = browser.get(live_server.url + "/", allow_redirects=False)
    assert home.status_code == 302
    assert home.headers["Location"].startswith(reverse("people:otp-verify"))
    verify = {"code": current_code(device), "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
    verified = browser.post(answer.url, data=verify)
    assert urlsplit(verified.url).path == reverse("people:account")


def with_state(url: str, state: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["state"] = state
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_a_tampered_state_or_another_browsers_callback_is_refused(sso, live_server):
    ana = user_with_role("ana", Role.AGENCY_MANAGER, email=email_of("ana"))
    browser, callback = to_callback(live_server.url, "ana")
    state = dict(parse_qsl(urlsplit(callback).query))["state"]

    tampered = browser.get(with_state(callback, state + "x"), timeout=TIMEOUT)
    refused_with(tampered, "o pedido expirou ou foi alterado")
    assert session_user(browser) == (None, None)
    # The code sent to another browser (login CSRF): that browser never asked for it.
    other = requests.Session()
    refused_with(other.get(callback, timeout=TIMEOUT), "o pedido expirou ou foi alterado")
    assert session_user(other) == (None, None)
    # The browser that asked still gets in with it, once.
    assert urlsplit(browser.get(callback, timeout=TIMEOUT).url).path != reverse("login")
    assert session_user(browser) == (str(ana.pk), BACKEND)


def test_password_login_still_works_with_sso_on(settings, network):
    sso_on(settings, {key: "http://127.0.0.1:9/o" for key in DISCOVERY_KEYS})
    user_with_role("ugs", Role.BILLING)
    response = Client().post(reverse("login"), {"username": "ugs", "password": PORTAL_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")


def test_an_email_two_users_share_signs_in_neither(db):
    user_with_role("ana", Role.NOC, email="ana@fazenda.mg.gov.br")
    user_with_role("ana2", Role.BILLING, email="Ana@Fazenda.mg.gov.br")
    with pytest.raises(DomainError, match="mais de um usuário do portal com o e-mail"):
        sso_person(email="ANA@fazenda.mg.gov.br", now=timezone.now())


def test_a_revoked_invitation_is_not_used(db):
    now = timezone.now()
    elisa = person_invite(email="elisa@fazenda.mg.gov.br", role=Role.NOC, now=now)
    invitation_revoke(invitation_id=elisa.invitations.get().pk, now=now)
    with pytest.raises(DomainError, match="ao portal está desativado"):
        sso_person(email="elisa@fazenda.mg.gov.br", now=now)
    elisa.refresh_from_db()
    assert not elisa.is_active


def test_a_refusal_from_the_provider_is_said_and_its_state_spent(settings, db):
    sso_on(settings, {key: "http://127.0.0.1:9/o" for key in DISCOVERY_KEYS})
    browser = Client()
    sent = urlsplit(browser.get(reverse("sso:start")).headers["Location"])
    state = dict(parse_qsl(sent.query))["state"]
    answer = {"error": "access_denied", "state": state}

    refused = browser.get(reverse("sso:callback"), answer, follow=True)

    assert refused.redirect_chain == [(reverse("login"), 302)]
    assert "O provedor de identidade não autorizou a entrada" in refused.content.decode()
    assert state not in browser.session["oidc_states"]
