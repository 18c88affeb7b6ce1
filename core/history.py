"""Audit history: every change to a tracked model (insert, update, delete) is kept by database
triggers (django-pghistory), with the user and URL of the request that made it."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pghistory
from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import BooleanField, DateField, DateTimeField, Field, Model

from core.templatetags.formatting import local_date, local_dt


def audited():
    """Decorator for a model whose every change must be kept."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()
    )


# Showing the history -----------------------------------------------------------------------------

EVENT_ACTIONS = {"insert": "Inclusão", "update": "Alteração", "delete": "Exclusão"}
# Fields whose name says who or when, which their related model alone would not ("usuário"):
# the label of a field without a verbose name of its own. Any other relation is named by its
# model ("lote", "acesso").
FIELD_LABELS = {
    "acknowledged_by": "reconhecido por",
    "created_by": "criado por",
    "decided_at": "decidido em",
    "decided_by": "decidido por",
    "last_month": "último mês",
    "message": "mensagem",
    "redundancy_loss": "perda de redundância",
    "requested_by": "solicitado por",
    "restored_by": "restabelecido por",
}
EMPTY = "—"


@dataclass(frozen=True)
class HistoryEntry:
    """One audited change, ready for the screen: labels and values in pt-BR."""

    at: datetime
    action: str
    subject: str
    changes: list[tuple[str, str, str]]  # (field label, before, after)
    user: str


def person_name(user) -> str:
    """A person as the screen names them: full name, else the username."""
    return user.get_full_name() or user.username


def field_label(field: Field) -> str:
    """A field's pt-BR label: its verbose name, or, where it has none of its own (Django
    would make "decided by" of the name), FIELD_LABELS or its related model's verbose name."""
    if str(field.verbose_name) != field.name.replace("_", " "):
        return str(field.verbose_name)
    if field.name in FIELD_LABELS:
        return FIELD_LABELS[field.name]
    if field.is_relation:
        return str(field.related_model._meta.verbose_name)
    return str(field.verbose_name)


def _display(obj) -> str:
    return person_name(obj) if isinstance(obj, AbstractBaseUser) else str(obj)


def _value(field: Field, value, related: dict) -> str:
    if value is None or value == "":
        return EMPTY
    if field.is_relation:
        obj = related[field.related_model].get(value)
        return _display(obj) if obj is not None else f"#{value} (excluído)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, BooleanField):
        return "Sim" if value else "Não"
    if isinstance(field, DateTimeField):
        return local_dt(datetime.fromisoformat(value))
    if isinstance(field, DateField):
        return local_date(date.fromisoformat(value))
    return str(value)


def _fields(event) -> list[tuple[Field, object, object]]:
    model = apps.get_model(event.pgh_model).pgh_tracked_model
    return [
        (model._meta.get_field(name), before, after)
        for name, (before, after) in (event.pgh_diff or {}).items()
    ]


def history_entries(events: Iterable) -> list[HistoryEntry]:
    """pghistory events (with `pgh_diff` and `user`, as MiddlewareEvents gives them) for the
    screen: one query per related model the changes name, whatever the number of events."""
    events = list(events)
    ids: dict[type[Model], set] = defaultdict(set)
    for event in events:
        for field, before, after in _fields(event):
            if field.is_relation:
                ids[field.related_model] |= {v for v in (before, after) if v is not None}
    related = {model: model._base_manager.in_bulk(pks) for model, pks in ids.items()}
    return [
        HistoryEntry(
            at=event.pgh_created_at,
            action=EVENT_ACTIONS.get(event.pgh_label, event.pgh_label),
            subject=str(
                apps.get_model(event.pgh_model).pgh_tracked_model._meta.verbose_name
            ).capitalize(),
            changes=[
                (field_label(field), _value(field, before, related), _value(field, after, related))
                for field, before, after in _fields(event)
            ],
            user=person_name(event.user) if event.user else "",
        )
        for event in events
    ]
