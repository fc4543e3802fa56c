"""What the sortable, paginated list pages share (/benchmarks/, /models/), and the
htmx rule every page with a partial follows."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import HttpRequest


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
