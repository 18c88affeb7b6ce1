from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "billing.reports"
    label = "reports"
    verbose_name = "Relatórios técnicos"
