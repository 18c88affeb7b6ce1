"""People's pages: accepting an invitation and resetting a forgotten password (anonymous),
the pending invitations (admins)."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from core.exceptions import DomainError
from core.templatetags.formatting import count_br
from people import otp
from people.account import account_overview
from people.forms import CodeForm, OutboxPasswordResetForm
from people.limits import password_reset_allowed
from people.models import Invitation
from people.selectors import invitation_by_token, invitation_open_list
from people.services import (
    invitation_accept,
    invitation_problem,
    invitation_revoke,
    invitation_send,
    token_hash,
)
from people.sessions import sessions_end_all
from redegov import access
from redegov.confirm import confirmation_refused

PAGE_SIZE = 50
ADMINS_ONLY = "Só os administradores do portal cuidam dos convites."


@login_not_required
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    invitation = invitation_by_token(token_hash(token))
    if invitation is None:
        raise Http404("Convite não encontrado")
    problem = invitation_problem(invitation, now)
    if problem:
        return render(request, "people/invitation_invalid.html", {"problem": problem}, status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(token=token, password=form.cleaned_data["new_password1"], now=now)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Senha definida. Entre com seu usuário e a nova senha.")
            return redirect("login")
    ctx = {"form": form, "invited": invitation.user, "expires_at": invitation.expires_at}
    return render(request, "people/invitation_accept.html", ctx)


@require_GET
def invitation_list_view(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.PEOPLE_ADMINS, ADMINS_ONLY)
    page = Paginator(invitation_open_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(invitation, invitation.expires_at <= now) for invitation in page.object_list]
    return render(request, "people/invitation_list.html", {"page": page, "rows": rows})


def _act(
    request: HttpRequest, pk: int, action, done: str, *, confirmed: bool = False
) -> HttpResponse:
    """`confirmed`: a negative action, made only when confirmed (docs/ui.md)."""
    access.require(request.user, access.PEOPLE_ADMINS, ADMINS_ONLY)
    invitation = Invitation.objects.filter(pk=pk).select_related("user").first()
    if invitation is None:
        raise Http404("Convite não encontrado")
    if confirmed and confirmation_refused(request):
        return redirect("people:invitation-list")
    try:
        action(invitation)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done.format(email=invitation.user.email))
    return redirect("people:invitation-list")


@require_POST
def invitation_resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda inv: invitation_send(user=inv.user, now=timezone.now(), by=request.user),
        "Novo convite enviado para {email}; o link anterior deixou de valer.",
    )


@require_POST
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda inv: invitation_revoke(invitation_id=inv.pk, now=timezone.now()),
        "Convite de {email} revogado.",
        confirmed=True,
    )


_reset_form = auth_views.PasswordResetView.as_view(
    form_class=OutboxPasswordResetForm,
    template_name="registration/password_reset_form.html",
    email_template_name="registration/password_reset_email.txt",
    subject_template_name="registration/password_reset_subject.txt",
    success_url=reverse_lazy("people:password-reset-done"),
)


@login_not_required
def password_reset_view(request: HttpRequest) -> HttpResponse:
    """Django's reset form, PASSWORD_RESET_PER_HOUR requests an hour per e-mail and per client
    address; one more answers 429."""
    if request.method == "POST":
        allowed, retry_after = password_reset_allowed(
            email=request.POST.get("email", ""), ip=get_client_ip_address(request) or ""
        )
        if not allowed:
            ctx = {"retry_after": retry_after // 60 + 1, "limit": settings.PASSWORD_RESET_PER_HOUR}
            response = render(request, "registration/password_reset_limited.html", ctx, status=429)
            response["Retry-After"] = str(retry_after)
            return response
    return _reset_form(request)


password_reset_done_view = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/password_reset_done.html"
)
password_reset_confirm_view = auth_views.PasswordResetConfirmView.as_view(
    template_name="registration/password_reset_confirm.html",
    success_url=reverse_lazy("people:password-reset-complete"),
)
password_reset_complete_view = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_complete.html"
)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("home")


def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: the QR code and the secret, then a code to confirm it; the
    recovery codes are shown once."""
    device = otp.pending_totp(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.totp_confirm(device=device, token=form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", "Código incorreto. Confira a hora do celular e tente de novo.")
        else:
            otp_login(request, device)
            ctx = {"codes": codes, "next": _next(request)}
            return render(request, "people/recovery_codes.html", ctx)
    ctx = {
        "form": form,
        "qr_svg": otp.totp_qr_svg(device),
        "secret": otp.totp_secret(device),
        "required": otp.second_factor_required(request.user),
        "next": _next(request),
    }
    return render(request, "people/otp_setup.html", ctx)


def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app or a recovery code."""
    if not user_has_device(request.user, confirmed=True):
        return redirect("people:otp-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is None:
            form.add_error(
                "code",
                "Código incorreto ou já usado. Depois de cada erro o portal espera alguns "
                "segundos, cada vez mais, antes de aceitar outro código.",
            )
        else:
            otp_login(request, device)
            return redirect(_next(request))
    return render(request, "people/otp_verify.html", {"form": form, "next": _next(request)})


@require_POST
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the former ones stop working), for a verified session."""
    if not request.user.is_verified():
        return redirect("people:otp-verify")
    codes = otp.recovery_codes_renew(user=request.user)
    return render(request, "people/recovery_codes.html", {"codes": codes, "next": reverse("home")})


@require_GET
def account_view(request: HttpRequest) -> HttpResponse:
    """The person's own page: the second factor, the sessions, recent logins and failures."""
    ctx = {
        **account_overview(request.user),
        "second_factor_required": otp.second_factor_required(request.user),
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
        "people_admin": access.holds(request.user, access.PEOPLE_ADMINS),
    }
    return render(request, "people/account.html", ctx)


@require_POST
def sessions_end_view(request: HttpRequest) -> HttpResponse:
    """ "Sair de todas as sessões": every session of this person ends, this one too."""
    if confirmation_refused(request):
        return redirect("people:account")
    ended = sessions_end_all(user=request.user)
    logout(request)
    ended_words = count_br(ended, "sessão encerrada,sessões encerradas")
    messages.success(request, f"{ended_words}. Entre de novo para continuar.")
    return redirect("login")


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only); then the login page says "Você saiu do portal."."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "Você saiu do portal.")
        return response
