from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Installed for its management commands (seed_demo, verify_backup); no models."""

    name = "portal"
    verbose_name = "Portal (topo)"
