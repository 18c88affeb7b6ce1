"""`{% sso_button next %}`: the single sign-on button of the login page, only when
OIDC_ENABLED (people.sso)."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("people/_sso_button.html")
def sso_button(next_url: str = "") -> dict[str, object]:
    return {"enabled": settings.OIDC_ENABLED, "label": settings.OIDC_BUTTON_LABEL, "next": next_url}
