"""Sorting a list by its columns (docs/ui.md, "Listas: ordenação"): the `o` filter every list's
FilterSet holds, and the column headers that set it.

The sort key travels in the query string (`?o=start`, `?o=-start` for the reverse). A key the
list does not know is ignored: the list keeps its default order, never a 500. The order always
ends with a unique column in the same direction, so two pages of one order never share a row,
and an index on (column, tie-break) can serve it. Sorting only orders the rows it is given (the
visible rows of the user): it never widens them. Sort fields are columns of the row or of a row
it points to (forward foreign keys), never a reverse relation, which would repeat rows."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters import FilterSet

SORT_PARAM = "o"


@dataclass(frozen=True)
class Header:
    """One column of a list: its header, its sort key in the URL (None: not sortable), the
    model field it sorts on (the key when omitted) and whether it is numeric (aligned right)."""

    label: str
    key: str | None = None
    field: str | None = None
    numeric: bool = False


class SortFilter(django_filters.CharFilter):
    """The `o` filter of a list whose columns are `headers`: `default` (a key, "-key" for
    descending) is the order without a valid key, `tie_break` a unique field that ends every
    order. Hidden in the filter form, so that filtering keeps the sort."""

    def __init__(
        self, *, headers: Sequence[Header], default: str = "", tie_break: str = "pk", **kwargs
    ) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)
        self.headers = tuple(headers)
        self.fields = {h.key: h.field or h.key for h in self.headers if h.key}
        self.default = default
        self.tie_break = tie_break

    def current(self, value: str | None) -> str:
        """The sort in force: `value` when it names a column, else the default."""
        value = (value or "").strip()
        return value if value.removeprefix("-") in self.fields else self.default

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        sort = self.current(value)
        if not sort:
            return qs
        sign = "-" if sort.startswith("-") else ""
        field = self.fields[sort.removeprefix("-")]
        return qs.order_by(f"{sign}{field}", f"{sign}{self.tie_break}")


def sort_headers(filterset: FilterSet) -> list[dict[str, object]]:
    """The list's headers, each with the sort its link sets (a second click on the sorted
    column reverses it) and its direction ("asc", "desc" or ""), for
    templates/includes/sort_header.html."""
    sort_filter = cast(SortFilter, filterset.filters[SORT_PARAM])
    current = sort_filter.current((filterset.data or {}).get(SORT_PARAM))
    rows = []
    for header in sort_filter.headers:
        direction = ""
        if header.key and current == header.key:
            direction = "asc"
        elif header.key and current == f"-{header.key}":
            direction = "desc"
        sort = None
        if header.key:
            sort = f"-{header.key}" if direction == "asc" else header.key
        rows.append(
            {
                "label": header.label,
                "sort": sort,
                "direction": direction,
                "numeric": header.numeric,
            }
        )
    return rows
