"""The portal's page of a user's API tokens: create one (its key is shown once, on the answer
to the creation), see them, revoke one. Every logged-in user has it (a token sees only what
its user sees)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenForm
from api.models import ApiToken
from api.selectors import api_token_get_for_user, api_token_list
from api.services import api_token_create, api_token_revoke
from core.templatetags.formatting import local_dt
from redegov.confirm import confirmation_refused


def _state(token: ApiToken, now) -> str:
    if token.revoked_at:
        return f"Revogado em {local_dt(token.revoked_at)}"
    if token.expires_at and token.expires_at <= now:
        return "Expirado"
    return "Ativo"


@never_cache  # the answer to a creation holds the key
@require_http_methods(["GET", "POST"])
def token_list_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, key = api_token_create(
                user=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            created = {"token": token, "key": key}
            form = TokenForm()
    now = timezone.now()
    ctx = {
        "form": form,
        "created": created,
        "tokens": [(token, _state(token, now)) for token in api_token_list(user=request.user)],
    }
    return render(request, "api/token_list.html", ctx)


@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = api_token_get_for_user(user=request.user, pk=pk)
    if confirmation_refused(request):
        return redirect("api:token-list")
    api_token_revoke(token=token, now=timezone.now())
    messages.success(request, f"Token “{token.name}” revogado: ele não é mais aceito.")
    return redirect("api:token-list")
