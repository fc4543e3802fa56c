"""Chart data for the pages: plain dicts for json_script, built without the database."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from benchmarks.leaderboard import FrontierPoint, Row
from pages.formatting import is_percent_scale, on_scale, scale_phrase

EPOCH = datetime.date(1970, 1, 1)


def day_number(date: datetime.date) -> int:
    """Days since 1970-01-01: a date in five digits instead of a ten-character string."""
    return (date - EPOCH).days


# Days the progress chart's time axis runs before the first result and after the last:
# a month, or a thirtieth of the span when that is longer, and never into the years
# around the data that Chart.js would choose itself.
DATE_AXIS_PADDING_DAYS = 30


def progress_chart(
    rows: Sequence[Row],
    frontier: Sequence[FrontierPoint],
    *,
    higher_is_better: bool,
    max_score: Decimal,
) -> dict:
    """Every dated result as a point and the frontier as steps, in a compact form.

    A large leaderboard has hundreds of points, so each is a short array rather than an
    object, dates are day numbers (days since 1970-01-01) and each model (name and
    organization) and analysis method is listed once:

    - models: [name, organization] pairs; methods: analysis method names;
    - points: [day, y, model index, method index, open (1 or 0)];
    - frontier: [day, y, model index, carried (1 or 0)].

    y is the score in the unit the page speaks (pages.formatting.on_scale: percent, or
    points of the benchmark's own scale); the tooltip writes it as the page does, with
    `unit` ("%" or nothing) after it. The frontier is carried on to the last result's date
    so the step line spans the whole chart; each step rises at the date of the result that
    set the record.
    xRange is the time axis, the dated results' first and last days with a little room;
    yMax is the top of the scale (the y axis never runs past it). static/js/charts.js
    reads this shape.
    """
    models: dict[tuple[str, str], int] = {}
    methods: dict[str, int] = {}

    def model_index(row: Row) -> int:
        return models.setdefault((row.model_name, row.organization_name), len(models))

    def method_index(row: Row) -> int:
        # On a family's page, a variant's result names its variant first.
        method = ": ".join(part for part in (row.variant, row.analysis_method) if part)
        return methods.setdefault(method, len(methods))

    def y_value(normalized: Decimal) -> float:
        return round(float(on_scale(normalized, max_score)), 2)

    dated = [row for row in rows if row.recorded_on and row.normalized_score is not None]
    points = [
        [
            day_number(row.recorded_on),
            y_value(row.normalized_score),
            model_index(row),
            method_index(row),
            int(bool(row.is_open)),
        ]
        for row in sorted(dated, key=lambda row: (row.recorded_on, row.result_id))
    ]
    steps = [
        [
            day_number(point.date),
            y_value(point.normalized_score),
            model_index(point.row),
            0,
        ]
        for point in frontier
    ]
    if steps and points and points[-1][0] > steps[-1][0]:
        steps.append([points[-1][0], *steps[-1][1:3], 1])
    x_range = None
    if points:
        first, last = points[0][0], points[-1][0]
        padding = max(DATE_AXIS_PADDING_DAYS, (last - first) // 30)
        x_range = [first - padding, last + padding]
    return {
        "models": [list(pair) for pair in models],
        "methods": list(methods),
        "points": points,
        "frontier": steps,
        "higherIsBetter": higher_is_better,
        "xRange": x_range,
        "yMax": float(on_scale(Decimal(1), max_score)),
        "unit": "%" if is_percent_scale(max_score) else "",
        "yLabel": f"Score ({scale_phrase(max_score)})",
    }
