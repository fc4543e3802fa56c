"""Chart data for the pages: plain dicts for json_script, built without the database."""

import datetime
from collections.abc import Sequence

from benchmarks.leaderboard import FrontierPoint, Row
from pages.formatting import format_score

EPOCH = datetime.date(1970, 1, 1)


def day_number(date: datetime.date) -> int:
    """Days since 1970-01-01: a date in five digits instead of a ten-character string."""
    return (date - EPOCH).days


def progress_chart(
    rows: Sequence[Row], frontier: Sequence[FrontierPoint], *, higher_is_better: bool
) -> dict:
    """Every dated result as a point and the frontier as steps, in a compact form.

    A large leaderboard has hundreds of points, so each is a short array rather than an
    object, dates are day numbers (days since 1970-01-01) and each model (name and
    organization) and analysis method is listed once:

    - models: [name, organization] pairs; methods: analysis method names;
    - points: [day, y, model index, score as reported, method index, open (1 or 0)];
    - frontier: [day, y, model index, score as reported, carried (1 or 0)].

    y is the normalized score in percent of the benchmark's maximum; the tooltip shows
    the score as reported. The frontier is carried on to the last result's date so the
    step line spans the whole chart. static/js/charts.js reads this shape.
    """
    models: dict[tuple[str, str], int] = {}
    methods: dict[str, int] = {}

    def model_index(row: Row) -> int:
        return models.setdefault((row.model_name, row.organization_name), len(models))

    def method_index(row: Row) -> int:
        return methods.setdefault(row.analysis_method, len(methods))

    dated = [row for row in rows if row.recorded_on and row.normalized_score is not None]
    points = [
        [
            day_number(row.recorded_on),
            round(float(row.normalized_score) * 100, 2),
            model_index(row),
            format_score(row.score),
            method_index(row),
            int(bool(row.is_open)),
        ]
        for row in sorted(dated, key=lambda row: (row.recorded_on, row.result_id))
    ]
    steps = [
        [
            day_number(point.date),
            round(float(point.normalized_score) * 100, 2),
            model_index(point.row),
            format_score(point.row.score),
            0,
        ]
        for point in frontier
    ]
    if steps and points and points[-1][0] > steps[-1][0]:
        steps.append([points[-1][0], *steps[-1][1:4], 1])
    return {
        "models": [list(pair) for pair in models],
        "methods": list(methods),
        "points": points,
        "frontier": steps,
        "higherIsBetter": higher_is_better,
        "yLabel": "Score, % of the maximum",
    }
