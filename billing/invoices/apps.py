from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "billing.invoices"
    label = "invoices"
    verbose_name = "Faturas das operadoras"
