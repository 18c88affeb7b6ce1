"""The choice filter every list uses: its choices (853 municipalities for the NOC) are read and
labelled once per FILTER_CHOICES_CACHE_SECONDS for everyone whose query is the same, instead of
on every page (docs/benchmarks.md, "Pages under load").

The cache key is the choices' SQL with its parameters (and the field's label and labelling
function), so two people share choices only when the database would give them the same rows:
an agency manager's municipalities are never another agency's, nor the NOC's. A submitted
value is still validated against the queryset itself, never against the cache."""

import hashlib

import django_filters
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django_filters import fields


class CachedChoiceIterator(fields.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self._choices()

    def _choices(self) -> list[tuple[object, str]]:
        seconds = settings.FILTER_CHOICES_CACHE_SECONDS
        try:
            sql, params = self.queryset.query.sql_with_params()
        except EmptyResultSet:  # a query that can return no rows (a person who sees none)
            return []
        key = (
            "filter-choices:"
            + hashlib.blake2b(
                repr((sql, params, str(self.field.label), self._labeller())).encode(),
                digest_size=16,
            ).hexdigest()
        )
        choices = cache.get(key) if seconds else None
        if choices is None:
            choices = [
                (self.field.prepare_value(obj), self.field.label_from_instance(obj))
                for obj in self.queryset
            ]
            if seconds:
                cache.set(key, choices, seconds)
        return choices

    def _labeller(self) -> str:
        """Where the field's labels come from: two fields of one query but labelled apart
        never share choices."""
        label = self.field.label_from_instance
        return f"{getattr(label, '__module__', '')}.{getattr(label, '__qualname__', label)}"


class CachedModelChoiceField(fields.ModelChoiceField):
    iterator = CachedChoiceIterator


class CachedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A `ModelChoiceFilter` whose choices are cached (the module's docstring says how)."""

    field_class = CachedModelChoiceField
