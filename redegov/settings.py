"""Settings of the Rede Governo portal, read from the environment.

The portal behaves as in production unless DJANGO_ENV=development says otherwise (`make demo`,
`make test` and redegov/test_settings.py say it): production needs DJANGO_SECRET_KEY (never the
development key) and DJANGO_ALLOWED_HOSTS, and turns on HTTPS, HSTS and secure cookies
(docs/security.md, "Secure defaults"). The helpers fail loudly on a malformed value instead of
guessing.
"""

import os
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENV = os.environ.get("DJANGO_ENV", "production").strip().lower()
if DJANGO_ENV not in ("production", "development"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be production or development, not {DJANGO_ENV!r}")
DEVELOPMENT = DJANGO_ENV == "development"
DEBUG = envbool("DJANGO_DEBUG", str(DEVELOPMENT))
if DEBUG and not DEVELOPMENT:
    raise ImproperlyConfigured("DJANGO_DEBUG=true needs DJANGO_ENV=development")
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 - dev only
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or (DEVELOPMENT_SECRET_KEY * DEVELOPMENT)
if not DEVELOPMENT and (
    not SECRET_KEY
    or SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a secret of its own in production; on a developer "
        "machine set DJANGO_ENV=development (make demo and make test do)"
    )
# X-Forwarded-Proto and X-Forwarded-For are believed only when a proxy of ours is in front and
# sets them (docker-compose.yml: Caddy); without one, any client could claim HTTPS or an address.
BEHIND_PROXY = envbool("DJANGO_BEHIND_PROXY", "false")
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Before django.contrib.admin: its templates add the history ("Events") button.
    "pghistory.admin",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, found by the FORM_RENDERER below
    "django_filters",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "axes",
    "core",
    "redegov",
    "outbox",
    "inventory",
    "monitoring",
    "orders",
    "sla",
    "penalties",
    "billing",
    "billing.invoices",
    "billing.reports",
    "people",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "portal",
]

MIDDLEWARE = [
    # First: times the whole request for /metrics and logs it (portal.metrics).
    "portal.metrics.RequestMetrics",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # The second factor (people.otp): who owes it sees only enrolment and verification.
    "django_otp.middleware.OTPMiddleware",
    "people.otp.SecondFactorMiddleware",
    # Nothing a logged-in person sees is kept by a browser or proxy cache.
    "redegov.middleware.no_store_when_logged_in",
    # The committee reads and never writes (redegov.access.READ_ONLY).
    "redegov.middleware.ReadOnlyRoles",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session idle for SESSION_IDLE_MINUTES ends (people.sessions).
    "people.sessions.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # axes must be last: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "redegov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "redegov.context_processors.navigation",
                # The NOC's header badge, counted by monitoring (above redegov: docs/noc.md).
                "monitoring.context_processors.noc_pending",
            ],
            "builtins": ["core.templatetags.formatting"],
        },
    }
]

# Form widgets render through the project's templates, so templates/django/forms/widgets/
# select.html (options written in Python: core/templatetags/options.py) overrides Django's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redegov"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "redegov.User"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}

AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out user before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", "12")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# People (docs/users.md): an invitation's link is valid for this many hours.
INVITATION_VALID_HOURS = envint("INVITATION_VALID_HOURS", "72")
# A password-reset link is valid for PASSWORD_RESET_HOURS; at most PASSWORD_RESET_PER_HOUR
# requests an hour for one e-mail and for one client address (people.limits).
PASSWORD_RESET_TIMEOUT = 3600 * envint("PASSWORD_RESET_HOURS", "2")
PASSWORD_RESET_PER_HOUR = envint("PASSWORD_RESET_PER_HOUR", "5")
# The second factor (people.otp): on in production, off on a developer machine (the demo and
# the tests; the second factor's own tests turn it on). The issuer names the portal in the app.
SECOND_FACTOR_REQUIRED = envbool("SECOND_FACTOR_REQUIRED", str(not DEVELOPMENT))
OTP_TOTP_ISSUER = "Rede Governo"
# A session unused for this many minutes ends (0: never); on a developer machine it is off, as
# the tests travel in time with people logged in. Every session still ends after
# SESSION_COOKIE_AGE.
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", "0" if DEVELOPMENT else "30")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on by OpenID Connect (people.sso, docs/users.md "Entrada única"): off unless
# OIDC_ENABLED. The provider's issuer and endpoints (its /.well-known/openid-configuration
# lists them) and the portal's client there are then required. The e-mail is the only claim
# read: roles stay the portal's, and nobody is created (OIDC_CREATE_USER, for the library).
OIDC_ENABLED = envbool("OIDC_ENABLED", "false")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_BUTTON_LABEL = os.environ.get("OIDC_BUTTON_LABEL", "Entrar com a conta do governo")
OIDC_TIMEOUT = envint("OIDC_TIMEOUT_SECONDS", "10")  # each request to the provider
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_REQUIRED = (
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
)
if OIDC_ENABLED:
    _oidc_missing = [name for name in OIDC_REQUIRED if not globals()[name]]
    if _oidc_missing:
        raise ImproperlyConfigured(f"OIDC_ENABLED=true needs {', '.join(_oidc_missing)}")
    AUTHENTICATION_BACKENDS.append("people.sso.SsoBackend")

# Login throttling: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Every failed attempt is kept (the last 100 per username), for the person's own page
# (people.account); successful logins are kept in axes' access log.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 100
# Behind the proxy every request comes from its address: read the client's from the header the
# proxy sets (and only then).
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if BEHIND_PROXY else ["REMOTE_ADDR"]
)

LANGUAGE_CODE = "pt-br"
# A list filter left empty reads "Todos", never django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = "Todos"
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Files people send and files the portal makes (the monthly ZIP) are private: no URL, never
    # under a served path; they leave only through download views (docs/security.md).
    "default": {"BACKEND": "redegov.uploads.PrivateStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
PRIVATE_STORAGE_ROOT = Path(
    os.environ.get("DJANGO_PRIVATE_ROOT", os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "private"))
)
# Django's name for the default storage's folder; there is no MEDIA_URL: nothing is served.
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Uploads (redegov/uploads.py): per file, per request (all files of one form), files per field.
UPLOAD_MAX_FILE_BYTES = envint("UPLOAD_MAX_FILE_BYTES", str(10 * 1024 * 1024))
UPLOAD_MAX_REQUEST_BYTES = envint("UPLOAD_MAX_REQUEST_BYTES", str(25 * 1024 * 1024))
UPLOAD_MAX_FILES = envint("UPLOAD_MAX_FILES", "5")
# Django's own backstop before any form runs: a request with more files is refused with 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 4 * UPLOAD_MAX_FILES

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noc@redegoverno.mg.gov.br")
# The SMTP server (DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); the demo
# points it at its local mail sink (Procfile, README).
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DJANGO_EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", "false")
EMAIL_TIMEOUT = envint("DJANGO_EMAIL_TIMEOUT", "10")
# The outbox (docs/operations.md, "Outbox"): every e-mail and webhook the portal sends. A sender
# holds a message for OUTBOX_LEASE_SECONDS (longer than the SMTP and HTTP timeouts together);
# a failed attempt waits OUTBOX_BACKOFF_SECONDS, doubling, at most OUTBOX_BACKOFF_MAX_SECONDS;
# after OUTBOX_MAX_ATTEMPTS the message is dead ("Mensagens não entregues"). The beat's sweeper
# runs every OUTBOX_SWEEP_SECONDS.
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", "15")
OUTBOX_LEASE_SECONDS = envint("OUTBOX_LEASE_SECONDS", "60")
OUTBOX_BACKOFF_SECONDS = envint("OUTBOX_BACKOFF_SECONDS", "60")
OUTBOX_BACKOFF_MAX_SECONDS = envint("OUTBOX_BACKOFF_MAX_SECONDS", "3600")
OUTBOX_SWEEP_SECONDS = envint("OUTBOX_SWEEP_SECONDS", "60")
OUTBOX_WEBHOOK_TIMEOUT_SECONDS = envint("OUTBOX_WEBHOOK_TIMEOUT_SECONDS", "10")
# Where the demo's mail sink (`manage.py mailsink`, Procfile) writes the messages it receives.
MAIL_SINK_DIR = os.environ.get("MAIL_SINK_DIR", str(BASE_DIR / "var" / "mail"))
# The portal's address as carriers reach it: links in ticket e-mails and webhooks.
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")

# Production hardening (docs/security.md, "Secure defaults"); each one can be relaxed by the
# environment for a plain-HTTP lab.
# DJANGO_INSECURE_LOOPBACK=true: production settings over plain HTTP on this machine only (make
# smoke, docs/operations.md): no HTTPS redirect, no HSTS, cookies without Secure. Refused unless
# every allowed host is a loopback name, so it cannot serve a real host name.
INSECURE_LOOPBACK = envbool("DJANGO_INSECURE_LOOPBACK", "false")
if INSECURE_LOOPBACK and not set(ALLOWED_HOSTS) <= {"localhost", "127.0.0.1", "[::1]"}:
    raise ImproperlyConfigured(
        "DJANGO_INSECURE_LOOPBACK needs DJANGO_ALLOWED_HOSTS of loopback names only "
        f"(localhost, 127.0.0.1, [::1]), not {ALLOWED_HOSTS}"
    )
HARDENED = not DEVELOPMENT and not INSECURE_LOOPBACK
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", str(HARDENED))
# A load balancer's probe speaks plain HTTP to the web server itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", str(HARDENED))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", "31536000" if HARDENED else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEVELOPMENT
SECURE_HSTS_PRELOAD = not DEVELOPMENT
# X-Forwarded-Proto is believed only behind our proxy (BEHIND_PROXY, above).
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): only the portal's own files, no inline script or style
# anywhere (behaviour in static/js/portal.js, styles in static/css), no eval, no other origin,
# no framing. The one relaxed page is the API's Redoc (api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Expensive requests (exports, PDFs, ZIPs, computing a month) per person and minute, counted in
# the cache (redegov/throttling.py); one more answers 429.
EXPENSIVE_REQUESTS_PER_MINUTE = envint("EXPENSIVE_REQUESTS_PER_MINUTE", "20")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day

# Celery: the broker and result store are the same Redis; see redegov/celery.py for the schedule.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Polling runs on each shard's own queue (monitoring.PollShard.queue, "poll" by default), so
# that a burst of other work never delays a cycle.
# A worker writes its heartbeat here; /healthz reads it (seconds before it counts as stale).
WORKER_HEARTBEAT_KEY = os.environ.get("WORKER_HEARTBEAT_KEY", "redegov:worker-heartbeat")
WORKER_HEARTBEAT_MAX_AGE = envint("WORKER_HEARTBEAT_MAX_AGE", "180")
# One ICMP poll cycle every this many seconds (60 in production; shorter in benchmarks).
MONITORING_CYCLE_SECONDS = envint("MONITORING_CYCLE_SECONDS", "60")
# One reading of the incident panel serves its scope's refreshes for this many seconds (0: off).
PANEL_CACHE_SECONDS = envint("PANEL_CACHE_SECONDS", "3")
# A list filter's choices (redegov/filters.py) are read once for this many seconds per query.
FILTER_CHOICES_CACHE_SECONDS = envint("FILTER_CHOICES_CACHE_SECONDS", "60")
# The NOC's header badge (what waits for it) is counted once for every page this many seconds.
NOC_PENDING_CACHE_SECONDS = envint("NOC_PENDING_CACHE_SECONDS", "30")
# SNMP evidence every this many seconds (300 in production: on every fifth minute).
MONITORING_SNMP_SECONDS = envint("MONITORING_SNMP_SECONDS", "300")
# Months of 5-minute evidence kept (PollWindow partitions) besides the current one.
MONITORING_EVIDENCE_MONTHS = envint("MONITORING_EVIDENCE_MONTHS", "13")

# /metrics (docs/operations.md, "Metrics"): a scraper sends `Authorization: Bearer
# METRICS_TOKEN` or comes from an address (or network) of METRICS_ALLOWED_IPS; anyone else
# gets 404. Neither set: nobody scrapes.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_IPS = envlist("METRICS_ALLOWED_IPS", "")

# The REST API (docs/api.md): tokens or the portal's session, per-token rate limits counted in
# the Redis cache, one error body (api.exceptions), pages of 50 rows.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.ReadOnlyRoles",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "read": os.environ.get("API_RATE_READ", "600/min"),
        "write": os.environ.get("API_RATE_WRITE", "120/min"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rede Governo: API",
    "DESCRIPTION": "Acessos, ordens de serviço, chamados, indisponibilidades, janelas de "
    "manutenção, demonstrativos, IMR e processos de multa, com as permissões do portal. "
    "Guia: docs/api.md.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",  # webhooks (the tickets' webhook to carriers) need 3.1
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation pages are for logged-in people and token holders only
    # (docs/api.md): they map every endpoint and field of the portal.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from static files, never a CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "WEBHOOKS": ["api.schema.TICKETS_OPENED"],
}

# DJANGO_LOG_FORMAT=json: one JSON object per line (redegov.logs), and a line per request
# (logger redegov.requests, off in plain text: the web server logs requests) besides the one
# per poll cycle (redegov.cycles). docs/operations.md, "Logs".
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "redegov.logs.JsonLines"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint and fontTools narrate every step of every PDF at INFO.
        **{
            name: {"level": "WARNING"}
            for name in ("weasyprint", "weasyprint.progress", "fontTools")
        },
        "redegov.requests": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}
# JSON logs: the Celery worker's and beat's lines go through LOGGING too, not Celery's format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
