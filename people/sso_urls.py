"""Single sign-on's two addresses (people.sso); both answer 404 while OIDC_ENABLED is off. The
callback's full address is the redirect URI registered at the provider (docs/users.md)."""

from django.urls import path

from people import sso

app_name = "sso"

urlpatterns = [
    path("", sso.sso_start_view, name="start"),
    path("retorno/", sso.sso_callback_view, name="callback"),
]
