"""System checks: money and time rules that no one should be able to break by accident."""

from django.apps import apps
from django.core import checks
from django.db import models


@checks.register(checks.Tags.models)
def check_no_float_fields(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Money is Decimal, never float (docs/domain.md section 5): refuse any FloatField in the
    project's models."""
    errors = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FloatField):
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{field.name} is a FloatField; use DecimalField",
                        id="redegov.E001",
                    )
                )
    return errors
