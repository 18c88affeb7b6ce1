"""The second factor (docs/users.md, "Segundo fator"): an authenticator app (TOTP, django-otp)
and ten single-use recovery codes (django-otp's static device).

Who must use it: people holding a role of `access.SECOND_FACTOR_ROLES`, when the setting
SECOND_FACTOR_REQUIRED is on; anyone else who enrolled is asked for it too. Until then every
page but enrolment, verification and signing out sends them to the right one
(`SecondFactorMiddleware`), the admin site included.
"""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from redegov import access

RECOVERY_CODES = 10
# Pages a person who still owes the second factor may open (URL names).
OPEN_PAGES = frozenset({"people:otp-setup", "people:otp-verify", "logout", "login"})


def second_factor_required(user) -> bool:
    return access.holds(user, access.SECOND_FACTOR_ROLES)


def pending_totp(user) -> TOTPDevice:
    """The authenticator being enrolled: the user's unconfirmed TOTP device, made once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Aplicativo", confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The secret as typed into an app by hand (base32, in groups of four)."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code, drawn here (no outside service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = BytesIO()
    image.save(out)
    return out.getvalue().decode()


@transaction.atomic
def totp_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the enrolment with a code from the app; the user's former devices go, and new
    recovery codes come (returned, shown once). None when the code is wrong."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(user=device.user)


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Ten new single-use recovery codes; the former ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recuperação"})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


class SecondFactorMiddleware:
    """Sends a person who owes the second factor to enrolment (no device yet) or verification
    (a device, not used in this session). After django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = request.user
        if (
            settings.SECOND_FACTOR_REQUIRED
            and user.is_authenticated
            and not user.is_verified()
            and not self._open(request)
        ):
            has_device = user_has_device(user, confirmed=True)
            if has_device or second_factor_required(user):
                page = "people:otp-verify" if has_device else "people:otp-setup"
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(page)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        try:
            return resolve(request.path_info).view_name in OPEN_PAGES
        except Resolver404:
            return False
