from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoramento"

    def ready(self) -> None:
        # Registers the "carrier" source of webhook secrets with the outbox (outbox.signing).
        import monitoring.services.tickets  # noqa: F401
