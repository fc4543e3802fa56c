"""The one listing convention of every sortable, paginated table (a benchmark's
leaderboard, /benchmarks/, /models/, /providers/): a form reads the parameters, each malformed one
falling back to its default alone; columns and their header links; one sort syntax
(`?sort=key` ascending, `?sort=-key` descending); the pages; the CSV and JSON downloads;
and the htmx rule every page with a partial follows."""

import csv
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.utils.http import content_disposition_header


def wants_partial(request: HttpRequest) -> bool:
    """An htmx swap gets only the named partial; a history restore needs the whole page."""
    return bool(request.htmx and not request.htmx.history_restore_request)


# The licence filter's choices, the same on every list: ?licence=open or proprietary.
LICENCE_CHOICES = [("", "Open and proprietary"), ("open", "Open"), ("proprietary", "Proprietary")]


class ListForm(forms.Form):
    """A list's controls. Every parameter is whitelisted or typed by its field; values()
    gives each one cleaned, or its default (DEFAULTS, else "") when it is malformed or
    empty, so that one bad parameter never costs the others."""

    DEFAULTS: Mapping[str, object] = {}

    def values(self) -> dict[str, object]:
        self.is_valid()
        values = {}
        for name in self.fields:
            default = self.DEFAULTS.get(name, "")
            cleaned = None if name in self.errors else self.cleaned_data.get(name)
            values[name] = default if cleaned in ("", None) else cleaned
        return values


def permanent_redirect(request: HttpRequest, params: QueryDict) -> HttpResponsePermanentRedirect:
    """The same page with these parameters: for an address in an old spelling, since links
    to the site exist."""
    query = params.urlencode()
    return HttpResponsePermanentRedirect(f"{request.path}?{query}" if query else request.path)


class SearchField(forms.CharField):
    """A list's search box: spaces collapsed, NUL bytes dropped, cut to max_length."""

    def to_python(self, value: object) -> str:
        words = str(value or "").replace("\x00", "").split()
        return " ".join(words)[: self.max_length].strip()


@dataclass(frozen=True)
class SortOption:
    """A choice of a list's sort menu."""

    key: str  # the ?sort= value; a leading "-" means descending
    label: str  # in the sort menu
    phrase: str  # after "sorted by" or "sort by"


@dataclass(frozen=True)
class Option:
    """A choice of a select that a template writes itself."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Column:
    field: str  # the ?sort= key
    label: str
    numeric: bool = False
    first_direction: str | None = None  # "" or "-" on the first click; None: not sortable


def sort_choices(columns: Sequence[Column]) -> list[str]:
    """Every ?sort= value the columns allow: each sortable one, in either direction."""
    return [
        f"{direction}{column.field}"
        for column in columns
        if column.first_direction is not None
        for direction in ("", "-")
    ]


@dataclass(frozen=True)
class ColumnHeader:
    field: str
    label: str
    numeric: bool
    sortable: bool
    sort: str | None = None  # the link's ?sort=, None for the default order
    aria_sort: str | None = None  # "ascending" or "descending" on the sorted column
    indicator: str = ""  # an arrow on the sorted column
    action: str = ""  # what following the link does, for screen readers


def column_headers(
    columns: Sequence[Column], *, sort: str, default_sort: str, phrase: Callable[[str], str]
) -> list[ColumnHeader]:
    """The sorted column links to its other direction, the others to their first.

    sort is a ?sort= value ("name", "-models"); phrase names a sort for screen readers.
    """
    headers = []
    field, descending = sort.lstrip("-"), sort.startswith("-")
    for column in columns:
        if column.first_direction is None:
            headers.append(ColumnHeader(column.field, column.label, column.numeric, sortable=False))
            continue
        if column.field == field:
            target = column.field if descending else f"-{column.field}"
            aria_sort = "descending" if descending else "ascending"
            indicator = "▼" if descending else "▲"
        else:
            target, aria_sort, indicator = f"{column.first_direction}{column.field}", None, ""
        headers.append(
            ColumnHeader(
                column.field,
                column.label,
                column.numeric,
                sortable=True,
                sort=None if target == default_sort else target,
                aria_sort=aria_sort,
                indicator=indicator,
                action=f"sort by {phrase(target)}",
            )
        )
    return headers


def page_number(value: str | None, page_count: int) -> int:
    """The requested page, clamped to the pages there are; 1 when it is not a number."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), max(page_count, 1))


def spreadsheet_safe(value: object) -> object:
    """Keep a spreadsheet from reading a text cell as a formula (CSV injection)."""
    if isinstance(value, str) and len(value) > 1 and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def download_response(
    file_format: str,
    filename: str,
    *,
    fields: Sequence[str],
    records: list[dict[str, object]],
    payload: Mapping[str, object],
) -> HttpResponse:
    """An attachment: the records as CSV (with fields as its header), or, for "json",
    payload (which holds the records under a key of the caller's choice)."""
    if file_format == "json":
        response = HttpResponse(
            json.dumps(payload, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.DictWriter(response, fieldnames=fields)
        writer.writeheader()
        for record in records:
            writer.writerow({key: spreadsheet_safe(value) for key, value in record.items()})
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- Lists sorted in Python ------------------------------------------------------------------
# Small tables read whole (the providers' pages) are sorted here, as a QuerySet's
# in_list_order sorts in SQL.

type Number = int | float | Decimal


def in_order[Row](
    rows: Iterable[Row],
    sort: str,
    *,
    name: Callable[[Row], str],
    values: Mapping[str, Callable[[Row], Number | None]],
    name_key: str,
) -> list[Row]:
    """Rows in the order of a ?sort= value: name_key by name (case-insensitive), or a key
    of values; a leading "-" for descending; unknown values last either way, then by name.
    The order ListQuerySet.in_list_order gives a list sorted in SQL."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    if key == name_key:
        return sorted(rows, key=lambda row: name(row).lower(), reverse=descending)
    value = values[key]

    def order(row: Row) -> tuple:
        number = value(row)
        if number is None:
            return (True, 0, name(row).lower())
        return (False, -number if descending else number, name(row).lower())

    return sorted(rows, key=order)


class SortForm(ListForm):
    """A table's one control, its ?sort=, whitelisted: the choices are set per table."""

    sort = forms.ChoiceField(required=False)

    def __init__(self, *args, columns: Sequence[Column], default: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.DEFAULTS = {"sort": default}
        self.fields["sort"].choices = [(key, key) for key in sort_choices(columns)]


def requested_sort(request: HttpRequest, columns: Sequence[Column], default: str) -> str:
    """The page's ?sort=, or default when it is missing, repeated wrongly or unknown."""
    return str(SortForm(request.GET, columns=columns, default=default).values()["sort"])


def sorted_table_context(
    sort: str, *, columns: Sequence[Column], phrases: Mapping[str, str], default: str
) -> dict[str, Any]:
    """What includes/sortable_headers.html and the table's caption need; phrases names
    each ?sort= value ("cheapest input price")."""
    return {
        "params": {} if sort == default else {"sort": sort},
        "headers": column_headers(
            columns, sort=sort, default_sort=default, phrase=phrases.__getitem__
        ),
        "sort_phrase": phrases[sort],
    }
