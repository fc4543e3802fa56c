"""Ranks among every model's best score: the arithmetic, and the two ways of reading it."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.models import Result
from benchmarks.ranks import (
    best_per_model_and_benchmark,
    best_scores,
    rank_of,
    ranked_best_results,
    ranked_in_python,
    ranked_in_sql,
)
from tests.factories import make_ai_model, make_benchmark, make_result


def test_equal_scores_share_a_rank():
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
    monkeypatch.setattr("benchmarks.ranks.RANKED_IN_SQL", 0)
    with CaptureQueriesContext(connection) as in_python:
        read = ranks(ranked_best_results(results.order_by("pk")))
    assert read == counted
    assert len(in_sql) == len(in_python) == 2
    assert "COUNT(DISTINCT" in in_sql.captured_queries[-1]["sql"]
    assert "COUNT(DISTINCT" not in in_python.captured_queries[-1]["sql"]
