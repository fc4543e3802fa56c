"""benchmarks.ranking: direction and ties, category rankings (pure arithmetic), and a
model's rank among every model's best score (the two ways of reading it)."""

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.models import Result
from benchmarks.ranking import (
    CategoryBenchmark,
    RankedModel,
    ResultScore,
    best_per_model_and_benchmark,
    best_scores,
    competition_ranks,
    core_set,
    mean,
    merit,
    rank_category,
    rank_of,
    ranked_best_results,
    ranked_in_python,
    ranked_in_sql,
    ranking_rows,
    required_coverage,
)
from tests.factories import make_ai_model, make_benchmark, make_result


def bench(id: int, name: str = "", higher_is_better: bool = True) -> CategoryBenchmark:
    return CategoryBenchmark(id=id, name=name or f"B{id:02}", higher_is_better=higher_is_better)


def score(ai_model_id: int, benchmark_id: int, value: str | None) -> ResultScore:
    """A result row as ResultQuerySet.category_scores() gives it, from a normalized score."""
    millionths = None if value is None else int(Decimal(value) * 1_000_000)
    return (ai_model_id, benchmark_id, millionths)


@dataclass
class FakeModel:
    name: str


@pytest.mark.parametrize(
    ("core_size", "required"), [(0, 0), (1, 1), (2, 1), (3, 2), (4, 2), (9, 5), (10, 5)]
)
def test_a_model_needs_half_the_core_set_rounded_up_and_at_least_one(core_size, required):
    assert required_coverage(core_size) == required


def test_merit_flips_lower_is_better_scores():
    assert merit(Decimal("0.2"), higher_is_better=True) == Decimal("0.2")
    assert merit(Decimal("0.2"), higher_is_better=False) == Decimal("0.8")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([500_000, 700_000], 600_000),
        ([1, 2], 2),  # 1.5 millionths: half to even
        ([2, 3], 2),  # 2.5: half to even
        ([1, 1, 2], 1),  # 1.33
        ([1, 2, 2], 2),  # 1.67
        ([-3, 0], -2),  # -1.5: half to even below zero too
        ([-5, 0], -2),  # -2.5
        ([857_143], 857_143),
    ],
)
def test_mean_rounds_half_to_even_as_decimal_quantize_does(values, expected):
    assert mean(values) == expected
    exact = (Decimal(sum(values)) / len(values)).quantize(Decimal(1), ROUND_HALF_EVEN)
    assert mean(values) == exact


def test_a_ranked_score_is_a_decimal_of_six_places():
    (entry,) = rank_category([bench(1), bench(2)], [score(1, 1, "0.1"), score(1, 2, "0.2")]).entries
    assert entry.millionths == 150_000
    assert str(entry.score) == "0.150000"
    assert entry.percent == Decimal("15")


def test_core_set_is_the_ten_benchmarks_with_the_most_scored_models():
    benchmarks = [bench(i) for i in range(1, 13)]
    # Benchmark i has i models with a score; benchmark 12 has only a score-less row.
    scores = [score(m, i, "0.5") for i in range(1, 12) for m in range(i)]
    scores += [score(m, 12, None) for m in range(20)]

    core = core_set(benchmarks, scores)

    assert [b.id for b in core] == [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]


def test_core_set_breaks_ties_by_name_and_leaves_out_benchmarks_without_scores():
    benchmarks = [bench(1, "zeta"), bench(2, "Alpha"), bench(3, "beta"), bench(4, "empty")]
    scores = [score(1, 1, "0.1"), score(1, 2, "0.1"), score(1, 3, "0.1")]
    assert [b.name for b in core_set(benchmarks, scores)] == ["Alpha", "beta", "zeta"]


def test_coverage_threshold_decides_who_is_ranked():
    benchmarks = [bench(i) for i in range(1, 11)]
    scores = [score(1, b, "0.9") for b in range(1, 11)]  # model 1 is everywhere
    scores += [score(2, b, "0.5") for b in range(1, 6)]  # 5 of 10: enough
    scores += [score(3, b, "0.99") for b in range(1, 5)]  # 4 of 10: not enough

    ranking = rank_category(benchmarks, scores)

    assert ranking.core_size == 10
    assert ranking.required_coverage == 5
    assert [(e.ai_model_id, e.coverage) for e in ranking.entries] == [(1, 10), (2, 5)]
    assert ranking.measured_model_count == 3
    assert ranking.unranked_model_count == 1


def test_score_is_the_mean_of_the_best_score_on_each_benchmark():
    benchmarks = [bench(1), bench(2)]
    scores = [
        score(1, 1, "0.4"),
        score(1, 1, "0.8"),  # a second result on the same benchmark: the best counts
        score(1, 2, "0.6"),
    ]
    (entry,) = rank_category(benchmarks, scores).entries
    assert entry.score == Decimal("0.7")
    assert entry.percent == Decimal("70")


def test_lower_is_better_benchmarks_are_flipped():
    benchmarks = [bench(1, higher_is_better=False), bench(2)]
    scores = [
        score(1, 1, "0.1"),  # a low error: 0.9
        score(1, 1, "0.3"),  # a worse run on the same benchmark is ignored
        score(1, 2, "0.5"),
        score(2, 1, "0.7"),  # a high error: 0.3
        score(2, 2, "0.9"),
    ]
    entries = rank_category(benchmarks, scores).entries
    assert [(e.ai_model_id, e.score) for e in entries] == [
        (1, Decimal("0.7")),
        (2, Decimal("0.6")),
    ]


def test_results_without_a_normalized_score_are_skipped():
    benchmarks = [bench(1), bench(2)]
    scores = [score(1, 1, "0.5"), score(1, 2, None), score(2, 2, None)]

    ranking = rank_category(benchmarks, scores)

    assert [b.id for b in ranking.core] == [1]
    assert [(e.ai_model_id, e.coverage) for e in ranking.entries] == [(1, 1)]
    # Model 2 was measured, but only without a usable score.
    assert ranking.unranked_model_count == 1


def test_equal_scores_share_a_rank():
    benchmarks = [bench(1), bench(2)]
    scores = [
        score(1, 1, "0.9"),
        score(1, 2, "0.9"),
        score(2, 1, "0.5"),
        score(2, 2, "0.7"),  # mean 0.6
        score(3, 1, "0.6"),  # 0.6 on one benchmark only: the same score
        score(4, 1, "0.2"),
        score(4, 2, "0.2"),
    ]
    entries = rank_category(benchmarks, scores).entries
    assert [(e.rank, e.ai_model_id) for e in entries] == [(1, 1), (2, 2), (2, 3), (4, 4)]


def test_scores_of_other_benchmarks_are_ignored():
    ranking = rank_category([bench(1)], [score(1, 1, "0.5"), score(2, 99, "0.9")])
    assert [e.ai_model_id for e in ranking.entries] == [1]
    assert ranking.measured_model_count == 1


def test_empty_category_has_an_empty_ranking():
    ranking = rank_category([], [])
    assert ranking.core == ()
    assert ranking.required_coverage == 0
    assert ranking.entries == ()
    assert ranking.unranked_model_count == 0


def test_category_without_scores_has_no_core_set():
    ranking = rank_category([bench(1), bench(2)], [score(1, 1, None)])
    assert ranking.core == ()
    assert ranking.entries == ()
    assert ranking.unranked_model_count == 1


def test_ranking_rows_order_ties_by_coverage_then_name():
    ranking = rank_category(
        [bench(1), bench(2)],
        [
            score(1, 1, "0.5"),
            score(2, 1, "0.5"),
            score(3, 1, "0.5"),
            score(3, 2, "0.5"),
            score(4, 1, "0.9"),
        ],
    )
    # Model 4, the leader, was deleted between the two queries: it is left out.
    models = {1: FakeModel("zephyr"), 2: FakeModel("Aurora"), 3: FakeModel("Mistral")}

    rows = ranking_rows(ranking, models)

    assert [(row.entry.rank, row.ai_model.name) for row in rows] == [
        (2, "Mistral"),
        (2, "Aurora"),
        (2, "zephyr"),
    ]
    assert isinstance(rows[0].entry, RankedModel)


def test_competition_ranks_share_a_rank_and_skip_the_next():
    assert list(competition_ranks([9, 7, 7, 5, 5, 5, 1])) == [1, 2, 2, 4, 4, 4, 7]
    assert list(competition_ranks([])) == []


def test_merit_is_higher_for_the_better_score_in_either_direction():
    assert merit(Decimal("0.8"), higher_is_better=True) == Decimal("0.8")
    assert merit(Decimal("0.2"), higher_is_better=False) == Decimal("0.8")


def test_equal_best_scores_share_a_rank():
    scores = [Decimal("0.5"), Decimal("0.7"), Decimal("0.7"), Decimal("0.9")]
    assert [rank_of(scores, Decimal(s), True) for s in ["0.9", "0.7", "0.5"]] == [1, 2, 4]
    assert [rank_of(scores, Decimal(s), False) for s in ["0.5", "0.7", "0.9"]] == [1, 2, 4]


def test_only_each_models_best_score_counts():
    rows_ = [(1, 10, Decimal("0.2")), (1, 10, Decimal("0.8")), (1, 11, Decimal("0.5"))]
    assert best_scores(rows_, {1: True}) == {1: [Decimal("0.5"), Decimal("0.8")]}
    assert best_scores(rows_, {1: False}) == {1: [Decimal("0.2"), Decimal("0.5")]}


@pytest.fixture
def scored_world():
    """Three benchmarks (one where lower is better), 25 models, scores from a few values
    so that ties are common, second results under another method, and results without
    a normalized score."""
    generator = random.Random(6)
    benchmarks = [
        make_benchmark(),
        make_benchmark(),
        make_benchmark(higher_is_better=False, max_score=Decimal(100)),
    ]
    ai_models = [make_ai_model() for _ in range(25)]
    for ai_model in ai_models:
        for benchmark in generator.sample(benchmarks, generator.randint(1, 3)):
            for method in generator.sample(["", "5-shot", "CoT"], generator.randint(1, 2)):
                score = Decimal(generator.choice([10, 20, 20, 35, 50, 50, 80]))
                normalized = None if generator.random() < 0.1 else score / benchmark.max_score
                if benchmark.max_score == 1:
                    score = score / 100
                    normalized = None if normalized is None else score
                make_result(
                    ai_model=ai_model,
                    benchmark=benchmark,
                    analysis_method=method,
                    score=score,
                    normalized_score=normalized,
                )
    return ai_models


def ranks(ranked):
    return [(item.result.pk, item.rank, item.model_count) for item in ranked]


@pytest.mark.django_db
@pytest.mark.parametrize("models", [1, 3, 25])
def test_ranking_in_sql_and_in_python_agree(scored_world, models):
    own = best_per_model_and_benchmark(
        Result.objects.filter(ai_model__in=scored_world[:models], normalized_score__isnull=False)
        .select_related("benchmark")
        .order_by("pk")
    )
    in_sql = ranks(ranked_in_sql(own))
    assert in_sql == ranks(ranked_in_python(own))
    assert len(in_sql) == len(own) > 0
    assert {rank for _, rank, _ in in_sql} != {1}  # not all first: the ranks are real


@pytest.mark.django_db
def test_many_results_are_ranked_in_python_with_the_same_ranks(scored_world, monkeypatch):
    results = Result.objects.filter(ai_model__in=scored_world).select_related("benchmark")
    with CaptureQueriesContext(connection) as in_sql:
        counted = ranks(ranked_best_results(results.order_by("pk")))
    monkeypatch.setattr("benchmarks.ranking.RANKED_IN_SQL", 0)
    with CaptureQueriesContext(connection) as in_python:
        read = ranks(ranked_best_results(results.order_by("pk")))
    assert read == counted
    assert len(in_sql) == len(in_python) == 2
    assert "COUNT(DISTINCT" in in_sql.captured_queries[-1]["sql"]
    assert "COUNT(DISTINCT" not in in_python.captured_queries[-1]["sql"]
