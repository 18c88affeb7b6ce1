"""Run the test provider: `python -m tests.people.oidc_provider.serve PORT SETUP.json`.

Creates its tables, registers the portal's client and the people named in the JSON file
({"client_id", "client_secret", "redirect_uri", "people": [{"username", "email", "password",
"verified"}]}), then serves on 127.0.0.1:PORT until it is stopped."""

import json
import os
import sys

import django
from django.core.management import call_command

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.people.oidc_provider.settings"


def setup(spec: dict) -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    from tests.people.oidc_provider.claims import UNVERIFIED_GROUP

    call_command("migrate", verbosity=0)
    Application.objects.create(
        name="Portal da Rede Governo",
        client_id=spec["client_id"],
        client_secret=spec["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=spec["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    unverified = Group.objects.create(name=UNVERIFIED_GROUP)
    for person in spec["people"]:
        user = User.objects.create_user(
            username=person["username"], email=person["email"], password=person["password"]
        )
        if not person["verified"]:
            user.groups.add(unverified)


if __name__ == "__main__":
    port, spec_path = sys.argv[1], sys.argv[2]
    django.setup()
    with open(spec_path, encoding="utf-8") as spec_file:
        setup(json.load(spec_file))
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, verbosity=0)
