"""Sorting a list by its columns (docs/ui.md, "Listas: ordenação"): the `o` filter every list's
FilterSet holds, the same sort over rows already in memory, and the column headers that set it.

The sort key travels in the query string (`?o=start`, `?o=-start` for the reverse). A key the
list does not know is ignored: the list keeps its default order, never a 500. The order always
ends with unique columns in the same direction, so two pages of one order never share a row,
and an index on (column, tie-break) can serve it. Sorting only orders the rows it is given (the
visible rows of the user): it never widens them. Sort fields are columns of the row or of a row
it points to (forward foreign keys), never a reverse relation, which would repeat rows."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters import FilterSet

SORT_PARAM = "o"


@dataclass(frozen=True)
class Header:
    """One column of a list: its header, its sort key in the URL (None: not sortable), the
    field it sorts on (the key when omitted; `a__b` for a related row's column, `a.b` for an
    attribute of a row in memory; a tuple for a column shown from several, a year and a month)
    and whether it is numeric (aligned right)."""

    label: str
    key: str | None = None
    field: str | tuple[str, ...] | None = None
    numeric: bool = False


class Sort:
    """The columns of a list, its default order (a key, "-key" for descending; "" keeps the
    rows' own order) and the unique fields that end every order."""

    def __init__(
        self, *, headers: Sequence[Header], default: str = "", tie_break: Sequence[str] = ("pk",)
    ) -> None:
        self.headers = tuple(headers)
        self.fields: dict[str, tuple[str, ...]] = {}
        for h in self.headers:
            if h.key:
                field = h.field or h.key
                self.fields[h.key] = (field,) if isinstance(field, str) else field
        self.default = default
        self.tie_break = tuple(tie_break)

    def current(self, value: str | None) -> str:
        """The sort in force: `value` when it names a column, else the default."""
        value = (value or "").strip()
        return value if value.removeprefix("-") in self.fields else self.default

    def _order(self, sort: str) -> tuple[bool, list[str]]:
        """Descending or not, and the fields of the sort: its column, then the tie-break."""
        fields = self.fields[sort.removeprefix("-")]
        return sort.startswith("-"), list(dict.fromkeys((*fields, *self.tie_break)))

    def rows(self, rows: Iterable[Any], value: str | None) -> list[Any]:
        """Rows in memory in the sort of `value`; an empty field (None) goes last either way."""
        rows = list(rows)
        sort = self.current(value)
        if not sort:
            return rows
        descending, names = self._order(sort)

        def key(row: Any) -> tuple:
            parts = [_read(row, name) for name in names]
            return tuple(((part is None) != descending, part) for part in parts)

        return sorted(rows, key=key, reverse=descending)

    def headers_for(self, value: str | None) -> list[dict[str, object]]:
        """Each header with the sort its link sets (a second click on the sorted column
        reverses it) and its direction ("asc", "desc" or ""), for
        templates/includes/sort_header.html."""
        current = self.current(value)
        headers: list[dict[str, object]] = []
        for header in self.headers:
            direction = ""
            if header.key and current == header.key:
                direction = "asc"
            elif header.key and current == f"-{header.key}":
                direction = "desc"
            sort = None
            if header.key:
                sort = f"-{header.key}" if direction == "asc" else header.key
            headers.append(
                {
                    "label": header.label,
                    "sort": sort,
                    "direction": direction,
                    "numeric": header.numeric,
                }
            )
        return headers


def _read(row: Any, path: str) -> Any:
    """`a.b` of a row in memory: attributes, or keys of a mapping (None when absent)."""
    value = row
    for name in path.split("."):
        value = value.get(name) if isinstance(value, Mapping) else getattr(value, name, None)
        if value is None:
            return None
    return value


class SortFilter(Sort, django_filters.CharFilter):
    """The `o` filter of a FilterSet (see `Sort`). Hidden in the filter form, so that filtering
    keeps the sort."""

    def __init__(
        self,
        *,
        headers: Sequence[Header],
        default: str = "",
        tie_break: Sequence[str] = ("pk",),
        **kwargs,
    ) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        django_filters.CharFilter.__init__(self, **kwargs)
        Sort.__init__(self, headers=headers, default=default, tie_break=tie_break)

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        sort = self.current(value)
        if not sort:
            return qs
        descending, names = self._order(sort)
        sign = "-" if descending else ""
        return qs.order_by(*(f"{sign}{name}" for name in names))


def sort_headers(filterset: FilterSet) -> list[dict[str, object]]:
    """The headers of a FilterSet's list in the sort its data asks for (`Sort.headers_for`)."""
    sort_filter = cast(SortFilter, filterset.filters[SORT_PARAM])
    return sort_filter.headers_for((filterset.data or {}).get(SORT_PARAM))
