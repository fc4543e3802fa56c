"""What the sortable, paginated list pages share (/benchmarks/, /models/), their CSV and
JSON downloads, and the htmx rule every page with a partial follows."""

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header


def wants_partial(request: HttpRequest) -> bool:
    """An htmx swap gets only the named partial; a history restore needs the whole page."""
    return bool(request.htmx and not request.htmx.history_restore_request)


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    numeric: bool = False
    first_direction: str | None = None  # "" or "-" on the first click; None: not sortable


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
