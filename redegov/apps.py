from django.apps import AppConfig


class RedegovConfig(AppConfig):
    name = "redegov"
    verbose_name = "Portal"

    def ready(self) -> None:
        from redegov import checks  # noqa: F401 - registers the system checks
