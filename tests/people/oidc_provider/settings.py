"""A small OpenID provider for the single sign-on tests (tests/people/test_sso.py): Django and
django-oauth-toolkit with OIDC on, run as a process of its own on a loopback port, the way a
state's identity provider stands apart from the portal.

Everything comes from the environment the test sets: the issuer (its address), the RSA key it
signs ID tokens with (made by the test) and a throwaway SQLite file for its users and client
(this stands in for someone else's server, so it keeps nothing in the portal's PostgreSQL).
Its cookies have names of their own: a browser (or a requests session) holds the portal's
and the provider's side by side.
"""

import os
from pathlib import Path

SECRET_KEY = "provider-for-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.people.oidc_provider.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PROVIDER_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/entrar/"
SESSION_COOKIE_NAME = "provider_session"
CSRF_COOKIE_NAME = "provider_csrftoken"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": os.environ["PROVIDER_ISSUER"],
    "OIDC_RSA_PRIVATE_KEY": os.environ["PROVIDER_RSA_KEY"],
    "OAUTH2_VALIDATOR_CLASS": "tests.people.oidc_provider.claims.Claims",
    "SCOPES": {"openid": "OpenID Connect", "email": "E-mail"},
}
