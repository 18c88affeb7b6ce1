from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Installed only for its template filters (core/templatetags/formatting.py); no models."""

    name = "core"
    verbose_name = "Núcleo"
