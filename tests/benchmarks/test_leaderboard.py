"""The pure shaping of a benchmark's results: ranks, best results, frontier, words."""

import datetime
from dataclasses import fields, replace
from decimal import Decimal

from benchmarks import leaderboard
from benchmarks.charts import progress_chart
from benchmarks.leaderboard import Filters, Row
from benchmarks.models import LEADERBOARD_COLUMNS
from pages.formatting import format_parameters, format_score, format_tokens
from pages.listing import column_headers

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def row(n: int, score: str | None, *, model: str | None = None, **fields) -> Row:
    base = Row(
        result_id=n,
        model_slug=model or f"model-{n}",
        model_name=(model or f"Model {n}").title(),
        organization_slug="acme",
        organization_name="Acme",
        score=Decimal(score or "0"),
        normalized_score=Decimal(score) if score is not None else None,
        analysis_method="",
        status="self_reported",
        status_label="Self-reported",
        is_open=False,
        license_name="Proprietary",
        parameter_count=None,
        context_length=None,
        input_usd_per_million=None,
        output_usd_per_million=None,
        release_date=None,
        release_date_precision="day",
        recorded_on=datetime.date(2025, 1, n % 28 + 1),
        source_url="",
    )
    return replace(base, **fields)


def test_rows_from_columns_are_rows_with_every_field():
    expected = row(7, "0.5", is_open=True, license_name="MIT", status="verified")
    expected = replace(expected, status_label="Verified")
    labels = {"verified": "Verified"}

    def record(open_weights: bool | None, licence: str | None) -> tuple:
        stored = {"open_weights": open_weights, "licence": licence}
        return tuple(
            stored.get(column, getattr(expected, column, None)) for column in LEADERBOARD_COLUMNS
        )

    built = leaderboard.rows_from_columns(
        LEADERBOARD_COLUMNS, [record(True, "MIT")], status_labels=labels
    )

    assert built == [expected]
    assert set(vars(built[0])) == {field.name for field in fields(Row)}
    # A model without a licence: proprietary, no licence name.
    [unlicensed] = leaderboard.rows_from_columns(
        LEADERBOARD_COLUMNS, [record(None, None)], status_labels=labels
    )
    assert unlicensed == replace(expected, is_open=False, license_name="")


def test_equal_scores_share_a_rank_and_unscored_rows_come_last_unranked():
    rows = [row(1, "0.5"), row(2, "0.9"), row(3, None), row(4, "0.9"), row(5, "0.7")]
    ranked = leaderboard.ranked(rows, higher_is_better=True)
    assert [(r.result_id, r.rank) for r in ranked] == [(2, 1), (4, 1), (5, 3), (1, 4), (3, None)]


def test_lower_is_better_ranks_the_smallest_first():
    ranked = leaderboard.ranked([row(1, "0.2"), row(2, "0.1")], higher_is_better=False)
    assert [r.result_id for r in ranked] == [2, 1]


def test_best_result_per_model():
    rows = [row(1, "0.5", model="a"), row(2, "0.8", model="a"), row(3, "0.6", model="b")]
    best = leaderboard.best_per_model(rows, higher_is_better=True)
    assert sorted(r.result_id for r in best) == [2, 3]


def test_frontier_keeps_each_result_that_beat_all_earlier_ones():
    rows = [
        row(1, "0.5", recorded_on=datetime.date(2024, 1, 1)),
        row(2, "0.4", recorded_on=datetime.date(2024, 2, 1)),
        row(3, "0.7", recorded_on=datetime.date(2024, 3, 1)),
        row(4, "0.7", recorded_on=datetime.date(2024, 4, 1)),
        row(5, "0.9", recorded_on=None),
    ]
    points = leaderboard.frontier(rows, higher_is_better=True)
    assert [p.row.result_id for p in points] == [1, 3]


def test_chart_has_one_point_per_dated_result_and_carries_the_frontier_to_the_end():
    rows = [
        row(1, "0.5", recorded_on=datetime.date(2024, 1, 1), is_open=True),
        row(2, "0.4", recorded_on=datetime.date(2024, 6, 1)),
        row(3, "0.6", recorded_on=None),
    ]
    chart = progress_chart(
        rows,
        leaderboard.frontier(rows, higher_is_better=True),
        higher_is_better=True,
        max_score=Decimal(1),
    )
    # [day, y, model index, method index, open] and [day, y, model index, carried]
    january, june = ((datetime.date(2024, m, 1) - datetime.date(1970, 1, 1)).days for m in (1, 6))
    assert [(p[0], p[1], p[4]) for p in chart["points"]] == [(january, 50.0, 1), (june, 40.0, 0)]
    assert [(p[0], p[1], p[3]) for p in chart["frontier"]] == [(january, 50.0, 0), (june, 50.0, 1)]
    assert [chart["methods"][p[3]] for p in chart["points"]] == [rows[0].analysis_method] * 2
    names = [chart["models"][p[2]] for p in chart["points"]]
    assert names == [
        [rows[0].model_name, rows[0].organization_name],
        [rows[1].model_name, rows[1].organization_name],
    ]
    assert chart["frontier"][1][1:3] == chart["frontier"][0][1:3]  # carried: same score and model
    # The time axis spans the results with a month's room, the y axis the whole scale.
    assert chart["xRange"] == [january - 30, june + 30]
    assert (chart["yMax"], chart["yLabel"], chart["unit"]) == (100.0, "Score (percent)", "%")


def test_chart_of_an_elo_benchmark_speaks_elo_and_of_one_result_spans_two_months():
    """CodeForces' ratings reported as fractions of 3000 chart as ratings; one result
    makes a chart of a month either side, not of years around it."""
    only = [row(1, "0.874", recorded_on=datetime.date(2025, 8, 5))]
    chart = progress_chart(
        only,
        leaderboard.frontier(only, higher_is_better=True),
        higher_is_better=True,
        max_score=Decimal(3000),
    )
    day = (datetime.date(2025, 8, 5) - datetime.date(1970, 1, 1)).days
    assert chart["points"][0][1] == 2622.0
    assert chart["xRange"] == [day - 30, day + 30]
    assert (chart["yMax"], chart["yLabel"], chart["unit"]) == (
        3000.0,
        "Score (points out of 3000)",
        "",
    )


def test_sorting_keeps_missing_values_last_in_both_directions():
    rows = [
        row(1, "0.5", parameter_count=7 * 10**9),
        row(2, "0.6"),
        row(3, "0.4", parameter_count=10**9),
    ]
    rows = leaderboard.ranked(rows, higher_is_better=True)
    up = leaderboard.sort_rows(rows, key="parameters", descending=False)
    down = leaderboard.sort_rows(rows, key="parameters", descending=True)
    assert [r.result_id for r in up] == [3, 1, 2]
    assert [r.result_id for r in down] == [1, 3, 2]
    assert [r.result_id for r in leaderboard.sort_rows(rows, key="score", descending=False)] == [
        3,
        1,
        2,
    ]


def test_filters():
    rows = [
        row(1, "0.5", model="open-one", is_open=True),
        row(2, "0.6", model="closed", status="verified"),
        row(3, "0.4", model="other", organization_slug="other"),
    ]
    ids = lambda filters: [r.result_id for r in leaderboard.filter_rows(rows, filters)]  # noqa: E731
    assert ids(Filters(licence="open")) == [1]
    assert ids(Filters(licence="proprietary")) == [2, 3]
    assert ids(Filters(verified_only=True)) == [2]
    assert ids(Filters(organization="other")) == [3]
    assert ids(Filters(search="OPEN")) == [1]


def test_header_links_toggle_the_active_column_and_start_others_in_their_natural_order():
    cells = {
        c.field: c
        for c in column_headers(
            leaderboard.COLUMNS, sort="-score", default_sort="rank", phrase=lambda key: key
        )
    }
    assert (cells["score"].aria_sort, cells["score"].sort) == ("descending", "score")
    assert (cells["model"].aria_sort, cells["model"].sort) == (None, "model")
    assert cells["parameters"].sort == "-parameters"
    assert cells["rank"].sort is None  # the default order: no parameter
    assert not cells["source"].sortable


def test_sort_phrases_say_best_first_for_rank_and_score():
    assert leaderboard.sort_phrase("rank") == "rank, best first"
    assert leaderboard.sort_phrase("-rank") == "rank, worst first"
    assert leaderboard.sort_phrase("-score") == "score, best first"
    assert leaderboard.sort_phrase("cost") == "cost, ascending"
    assert leaderboard.sort_phrase("-recorded") == "date recorded, descending"


def test_formats():
    assert format_parameters(4 * 10**9) == "4B"
    assert format_parameters(1_780_000_000) == "1.8B"
    assert format_parameters(671 * 10**9) == "671B"
    assert format_parameters(10**12) == "1T"
    assert format_parameters(None) == ""
    assert format_tokens(128_000) == "128K"
    assert format_tokens(1_048_576) == "1M"
    assert format_score(Decimal("0.889000")) == "0.889"
    assert format_score(Decimal("2622.000000")) == "2622"
    assert leaderboard.authors_shown(list("abcdef")) == (list("abcd"), 2)


FACTS = leaderboard.BenchmarkFacts(
    name="MIMIC CXR",
    description="Chest radiographs.",
    modality="Multimodal",
    category_names=["healthcare", "vision"],
    paper_url="https://arxiv.org/abs/1901.07042",
    paper_title="",
    max_score=Decimal(1),
)


def summary(rows):
    ranked = leaderboard.ranked(rows, higher_is_better=True)
    return leaderboard.summarize(rows, ranked, last_updated=NOW)


def test_faq_with_one_result_states_the_reference_facts():
    only = row(1, "0.889", model="medgemma-4b-it", is_open=True)
    answers = dict(leaderboard.faq(FACTS, summary([only])))
    assert answers["What is the highest MIMIC CXR score?"] == (
        "The highest MIMIC CXR score is 88.9%, achieved by Medgemma-4B-It from Acme."
    )
    assert "1 model has been evaluated" in answers["How many models are evaluated on MIMIC CXR?"]
    assert answers["What categories does MIMIC CXR cover?"].startswith(
        "MIMIC CXR is categorized under healthcare and vision."
    )
    assert "(rank #1)" in answers["What is the best open model on MIMIC CXR?"]
    assert "https://arxiv.org/abs/1901.07042" in answers["Where can I find the MIMIC CXR paper?"]


def test_faq_without_results_reads_well():
    answers = dict(leaderboard.faq(FACTS, summary([])))
    assert "No result has been recorded yet." in answers["What is the MIMIC CXR leaderboard?"]
    assert "What is the highest MIMIC CXR score?" not in answers
    assert "0 models have been evaluated" in answers["How many models are evaluated on MIMIC CXR?"]


def test_average_is_over_best_results_normalized():
    rows = [row(1, "0.5"), row(2, "0.9"), row(2, "0.4")]
    ranked = leaderboard.ranked(
        leaderboard.best_per_model(rows, higher_is_better=True), higher_is_better=True
    )
    result = leaderboard.summarize(rows, ranked, last_updated=NOW)
    assert result.average == Decimal("0.7")
    assert result.leader.result_id == 2


def test_a_withdrawn_result_ranks_nowhere_and_is_counted_apart():
    withdrawn = row(1, "0.95", withdrawn_at=NOW)
    rows = [withdrawn, row(2, "0.9"), row(3, "0.5"), row(4, None)]
    ranked = leaderboard.ranked(rows, higher_is_better=True)

    assert [(r.result_id, r.rank) for r in ranked] == [(2, 1), (3, 2), (1, None), (4, None)]
    result = leaderboard.summarize(rows, ranked, last_updated=NOW)
    assert (result.leader.result_id, result.average) == (2, Decimal("0.7"))
    assert (result.model_count, result.result_count, result.withdrawn_count) == (3, 3, 1)
    assert result.ranked_count == 2  # "2nd of 2": neither the withdrawn nor the unscored
    frontier = leaderboard.frontier(rows, higher_is_better=True)
    assert 1 not in {point.row.result_id for point in frontier}


def test_the_faq_speaks_the_benchmarks_own_unit():
    """An Elo benchmark (maximum 3000) whose results came as fractions and as ratings
    states every number as a rating: never "average 2209.5, with the leader reaching 0.874"."""
    elo = replace(FACTS, name="CodeForces", max_score=Decimal(3000))
    rows = [row(1, "0.874"), row(2, "0.5")]
    answers = " ".join(answer for _, answer in leaderboard.faq(elo, summary(rows)))
    assert "leads with a score of 2622." in answers
    assert "The average score across all models is 2061." in answers
    assert "0.874" not in answers


def test_a_variant_is_labelled_by_what_its_name_adds_to_its_familys():
    assert leaderboard.variant_label("SWE-bench Verified (Agentless)", "SWE-Bench Verified") == (
        "Agentless"
    )
    assert leaderboard.variant_label("SWE-Lancer (IC-Diamond subset)", "SWE-Lancer") == (
        "IC-Diamond subset"
    )
    assert leaderboard.variant_label("Other Name", "SWE-Lancer") == "Other Name"
    rows = [row(1, "0.5", benchmark_slug="b"), row(2, "0.6", benchmark_slug="b-hard")]
    rows[1] = replace(rows[1], benchmark_name="B (hard)")
    labelled = leaderboard.label_variants(rows, slug="b", name="B")
    assert [r.variant for r in labelled] == ["", "hard"]
