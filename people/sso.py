"""Single sign-on by OpenID Connect (docs/users.md, "Entrada única"), on only when the
environment sets OIDC_ENABLED (redegov/settings.py).

mozilla-django-oidc speaks the protocol: the authorization request (state, nonce and PKCE kept
in the session), the code's exchange at the token endpoint, the ID token's signature checked
against the provider's keys, the userinfo request. What is the portal's own is here: the ID
token must come from the configured issuer for this client, and the person is the portal user
of the provider's verified e-mail (`people.services.sso_person`): nobody is created, and
nothing is taken from the provider's claims but the e-mail, so roles, agency and carrier stay
the portal's. The portal's second factor still applies after it (people.otp's middleware sees
an unverified session, however it signed in).

The callback calls the backend itself rather than `django.contrib.auth.authenticate`: a refusal
here is not a wrong password, so it must not count towards django-axes' lockout of a username
and address (every refused person of a building behind one address would lock the button for
all). A sign-in is recorded by axes like any other (`auth.login`: the person's recent logins).
"""

import logging

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from core.exceptions import DomainError
from people.services import sso_person

BACKEND = "people.sso.SsoBackend"
log = logging.getLogger(__name__)

UNVERIFIED = (
    "O provedor de identidade não confirmou o e-mail {email}. Confirme-o na sua conta do "
    "governo e tente de novo."
)
NO_EMAIL = "O provedor de identidade não informou o seu e-mail; o portal não pode saber quem é."
EXPIRED = (
    "A entrada pela conta do governo não pôde ser confirmada (o pedido expirou ou foi "
    "alterado). Tente de novo."
)
PROVIDER_FAILED = (
    "Não foi possível confirmar a entrada com o provedor de identidade. Tente de novo; se o "
    "problema continuar, avise o administrador do portal."
)
DENIED = "O provedor de identidade não autorizou a entrada. Tente de novo."


class SsoBackend(OIDCAuthenticationBackend):
    """Signs in the portal user of the provider's verified e-mail; refusals raise DomainError
    with the reason in pt-BR. Only the callback calls it (password logins skip it: it takes no
    username and password)."""

    def authenticate(self, request, *, nonce, code_verifier):
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def verify_token(self, token, **kwargs):
        """The signature (and nonce) as the library checks them, then what it leaves out: the
        ID token was issued by our provider, for this client, and says when it expires."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation(f"ID token issuer {payload.get('iss')!r} is not ours")
        if settings.OIDC_RP_CLIENT_ID not in audiences or "exp" not in payload:
            raise SuspiciousOperation("ID token not for this client, or without expiry")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        email = (claims.get("email") or "").strip()
        if not email:
            raise DomainError(NO_EMAIL)
        if claims.get("email_verified") is not True:
            raise DomainError(UNVERIFIED.format(email=email))
        return sso_person(email=email, now=timezone.now())

    def get_user(self, user_id):
        # The library's would bring back a user deactivated since: Django's refuses them.
        return ModelBackend.get_user(self, user_id)


def _refuse(request: HttpRequest, reason: str) -> HttpResponse:
    messages.error(request, reason)
    return redirect(settings.LOGIN_URL)


def _require_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("Entrada única desligada")


_authorization_request = OIDCAuthenticationRequestView.as_view()


@login_not_required
@require_GET
def sso_start_view(request: HttpRequest) -> HttpResponse:
    """The button on the login page: off to the provider, with `next` kept for the return."""
    _require_enabled()
    return _authorization_request(request)


@login_not_required
@require_GET
def sso_callback_view(request: HttpRequest) -> HttpResponse:
    """The provider sends the person back here with a code and the state we sent: each state
    is used once; an unknown one (tampered, replayed, or from another browser) is refused."""
    _require_enabled()
    states = request.session.get("oidc_states", {})
    pending = states.pop(request.GET.get("state", ""), None)
    request.session["oidc_states"] = states
    if request.GET.get("error"):
        log.warning("sso: the provider answered %s", request.GET["error"])
        return _refuse(request, DENIED)
    if pending is None or not request.GET.get("code"):
        log.warning("sso: callback with an unknown state")
        return _refuse(request, EXPIRED)
    try:
        user = SsoBackend().authenticate(
            request, nonce=pending["nonce"], code_verifier=pending["code_verifier"]
        )
    except DomainError as exc:
        log.warning("sso: refused: %s", exc)
        return _refuse(request, str(exc))
    except (requests.RequestException, SuspiciousOperation):
        log.exception("sso: the provider's answer could not be checked")
        return _refuse(request, PROVIDER_FAILED)
    if user is None:
        return _refuse(request, PROVIDER_FAILED)
    target = request.session.pop("oidc_login_next", None) or settings.LOGIN_REDIRECT_URL
    auth.login(request, user, backend=BACKEND)
    return redirect(target)
