"""The change history's labels: every audited field is named in Portuguese on the screen, never
by the English name Django makes of a field without a verbose name ("decided by")."""

from django.apps import apps

from core.history import field_label


def test_every_audited_field_has_a_portuguese_label():
    unnamed = [
        f"{model._meta.label}.{field.name}"
        for event_model in apps.get_models()
        if (model := getattr(event_model, "pgh_tracked_model", None))
        for field in model._meta.concrete_fields
        if field_label(field) == field.name.replace("_", " ")
    ]
    assert unnamed == []
