"""Chart data for the pages: plain dicts for json_script, built without the database."""

from collections.abc import Sequence

from benchmarks.leaderboard import FrontierPoint, Row, format_score


def progress_chart(
    rows: Sequence[Row], frontier: Sequence[FrontierPoint], *, higher_is_better: bool
) -> dict:
    """Every dated result as a point (open and proprietary apart) and the frontier as steps.

    y is the normalized score in percent of the benchmark's maximum; the tooltip shows
    the score as reported. The frontier is carried on to the last result's date so
    the step line spans the whole chart.
    """
    dated = [row for row in rows if row.recorded_on and row.normalized_score is not None]
    points = [
        {
            "x": row.recorded_on.isoformat(),
            "y": round(float(row.normalized_score) * 100, 2),
            "model": row.model_name,
            "organization": row.organization_name,
            "score": format_score(row.score),
            "method": row.analysis_method,
            "open": row.is_open,
        }
        for row in sorted(dated, key=lambda row: (row.recorded_on, row.result_id))
    ]
    steps = [
        {
            "x": point.date.isoformat(),
            "y": round(float(point.normalized_score) * 100, 2),
            "model": point.row.model_name,
            "organization": point.row.organization_name,
            "score": format_score(point.row.score),
        }
        for point in frontier
    ]
    if steps and points and points[-1]["x"] > steps[-1]["x"]:
        steps.append({**steps[-1], "x": points[-1]["x"], "carried": True})
    return {
        "points": points,
        "frontier": steps,
        "higherIsBetter": higher_is_better,
        "yLabel": "Score, % of the maximum",
    }
