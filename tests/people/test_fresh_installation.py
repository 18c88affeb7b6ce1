"""From CSV files to people logging in, without the admin site (docs/users.md): the import
command, the invitation link, the login with the e-mail, and for a staff role the second
factor's enrolment, with SECOND_FACTOR_REQUIRED on as in production."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.support.people import current_code, fresh_installation, invitation_token

pytestmark = pytest.mark.django_db
PASSWORD = "Rede-Governo-2026!"


@pytest.mark.parametrize(
    ("email", "enrols"), [("noc@prodemge.gov.br", True), ("suporte@alfa.com.br", False)]
)
def test_from_csv_files_to_a_person_at_work(tmp_path, settings, email, enrols):
    settings.SECOND_FACTOR_REQUIRED = True
    out = StringIO()
    call_command("import_inventory", str(fresh_installation(tmp_path)), stdout=out)
    assert "users.csv" in out.getvalue()

    client = Client()
    link = reverse("people:invitation-accept", kwargs={"token": invitation_token(email)})
    client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.post(reverse("login"), {"username": email, "password": PASSWORD})

    home = client.get(reverse("home"))
    if enrols:
        assert home.url.startswith(reverse("people:otp-setup"))
        client.get(home.url)
        device = TOTPDevice.objects.get(user__email=email)
        assert "codes" in client.post(home.url, {"code": current_code(device)}).context
    page = client.get(reverse("home"))
    assert page.status_code == 200 and page.context["user"].email == email
