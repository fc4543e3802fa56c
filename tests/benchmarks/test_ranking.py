"""benchmarks.ranking: direction and ties, category rankings (pure arithmetic), and a
model's rank among every model's best score (the two ways of reading it)."""

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.models import Result
from benchmarks.ranking import (
    CategoryBenchmark,
    RankedModel,
    ResultScore,
    best_merits,
    best_per_model_and_benchmark,
    best_scores,
    competition_ranks,
    divide,
    merit,
    rank_category,
    rank_of,
    ranked_best_results,
    ranked_in_python,
    ranked_in_sql,
    ranking_rows,
    shares_beaten,
    standings,
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


def rank(benchmarks, scores, **kwargs):
    """A category's ranking from its result rows, as the category page makes it."""
    return rank_category(benchmarks, standings(benchmarks, scores), **kwargs)


def millionths(value: str) -> int:
    return int(Decimal(value) * 1_000_000)


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
def test_a_mean_rounds_half_to_even_as_decimal_quantize_does(values, expected):
    assert mean(values) == expected
    exact = (Decimal(sum(values)) / len(values)).quantize(Decimal(1), ROUND_HALF_EVEN)
    assert mean(values) == exact


def mean(values: list[int]) -> int:
    """The mean of millionths as the ranking takes it (divide: half to even)."""
    return divide(sum(values), len(values))


@pytest.mark.parametrize(
    ("merits", "shares"),
    [
        ({1: 10, 2: 20, 3: 30}, {1: 0, 2: 500_000, 3: 1_000_000}),
        # Ties count half a win: 3 beat 1 and tied 2 (1.5 of 2).
        ({1: 10, 2: 30, 3: 30}, {1: 0, 2: 750_000, 3: 750_000}),
        ({1: 5, 2: 5, 3: 5, 4: 5}, dict.fromkeys([1, 2, 3, 4], 500_000)),
        ({1: 5, 2: 9}, {1: 0, 2: 1_000_000}),
        # Alone: compared with nobody.
        ({7: 5}, {7: None}),
        # 1 of 3 others beaten: one third, rounded to a whole millionth.
        ({1: 1, 2: 2, 3: 3, 4: 4}, {1: 0, 2: 333_333, 3: 666_667, 4: 1_000_000}),
    ],
)
def test_a_share_is_the_part_of_the_other_models_beaten(merits, shares):
    assert shares_beaten(merits) == shares


def test_a_share_is_the_win_rate_over_every_pair_on_the_benchmark():
    generator = random.Random(7)
    for _ in range(50):
        merits = {
            m: generator.choice([0, 10, 10, 20, 35, 50]) for m in range(generator.randint(2, 12))
        }
        shares = shares_beaten(merits)
        for ai_model_id, own in merits.items():
            others = [value for other, value in merits.items() if other != ai_model_id]
            wins = Fraction(sum(2 if own > v else 1 if own == v else 0 for v in others), 2)
            exact = wins / len(others)
            assert abs(Fraction(shares[ai_model_id], 1_000_000) - exact) <= Fraction(1, 2_000_000)


def test_one_lucky_benchmark_scores_two_thirds_and_does_not_lead_steady_winners():
    benchmarks = [bench(i) for i in range(1, 6)]
    scores = [score(1, b, "0.9") for b in range(1, 6)]  # model 1 beats 2 everywhere
    scores += [score(2, b, "0.5") for b in range(1, 6)]
    scores += [score(3, 1, "0.99")]  # model 3: the top of one benchmark only

    entries = {e.ai_model_id: e for e in rank(benchmarks, scores).entries}

    # Model 3 beat both others on benchmark 1: (1 + 2 x 0.5) / (1 + 2).
    assert entries[3].millionths == 666_667
    # Model 1 beat model 2 on four benchmarks and one of two on benchmark 1.
    assert entries[1].millionths == mean([1_000_000] * 4 + [500_000] + [500_000] * 2)
    assert [entries[m].rank for m in (1, 3, 2)] == [1, 2, 3]
    assert [(entries[m].coverage) for m in (1, 2, 3)] == [5, 5, 1]


def test_every_model_with_a_normalized_score_is_ranked_with_its_coverage():
    benchmarks = [bench(i) for i in range(1, 11)]
    scores = [score(1, b, "0.9") for b in range(1, 11)]
    scores += [score(2, b, "0.5") for b in range(1, 6)]
    scores += [score(3, 4, "0.99")]

    ranking = rank(benchmarks, scores, measured_model_count=4)

    assert ranking.benchmark_count == 10
    assert sorted((e.ai_model_id, e.coverage) for e in ranking.entries) == [
        (1, 10),
        (2, 5),
        (3, 1),
    ]
    assert ranking.unranked_model_count == 1


def test_the_scale_of_a_benchmark_does_not_matter():
    """A hard benchmark (scores near 0.1) and an easy one (near 0.9) weigh the same: a
    mean of normalized scores would rank model 2 first."""
    benchmarks = [bench(1), bench(2)]
    scores = [
        score(1, 1, "0.20"),  # best on the hard one
        score(2, 1, "0.10"),
        score(3, 1, "0.15"),
        score(1, 2, "0.90"),  # on the easy one, worse than 2 and better than 3
        score(2, 2, "0.95"),
        score(3, 2, "0.85"),
    ]
    entries = rank(benchmarks, scores).entries
    assert [e.ai_model_id for e in entries] == [1, 2, 3]


def test_a_model_alone_on_a_benchmark_is_covered_there_but_not_scored():
    benchmarks = [bench(1), bench(2)]
    scores = [score(1, 1, "0.9"), score(2, 1, "0.1"), score(1, 2, "0.4")]
    entries = {e.ai_model_id: e for e in rank(benchmarks, scores).entries}
    # Model 1: one share of 1 (benchmark 2 compares it with nobody), and the prior.
    assert entries[1].millionths == 666_667
    assert entries[1].coverage == 2
    assert entries[2].millionths == mean([0, 500_000, 500_000])


def test_only_alone_models_all_score_the_middle():
    ranking = rank([bench(1), bench(2)], [score(1, 1, "0.9"), score(2, 2, "0.1")])
    assert [(e.rank, e.millionths) for e in ranking.entries] == [(1, 500_000), (1, 500_000)]


def test_a_ranked_score_is_a_decimal_of_six_places():
    (entry, _) = rank([bench(1)], [score(1, 1, "0.2"), score(2, 1, "0.1")]).entries
    assert entry.millionths == 666_667
    assert str(entry.score) == "0.666667"
    assert entry.percent == Decimal("66.6667")


def test_a_models_best_result_on_a_benchmark_counts():
    benchmarks = [bench(1)]
    scores = [
        score(1, 1, "0.4"),
        score(1, 1, "0.8"),  # a second result on the same benchmark: the best counts
        score(2, 1, "0.6"),
    ]
    entries = rank(benchmarks, scores).entries
    assert [(e.ai_model_id, e.coverage) for e in entries] == [(1, 1), (2, 1)]
    assert entries[0].millionths > entries[1].millionths


def test_lower_is_better_benchmarks_are_flipped():
    benchmarks = [bench(1, higher_is_better=False)]
    scores = [
        score(1, 1, "0.1"),  # a low error: the best
        score(1, 1, "0.3"),  # a worse run on the same benchmark is ignored
        score(2, 1, "0.7"),
        score(3, 1, "0.2"),
    ]
    assert best_merits(benchmarks, scores) == {1: {1: 900_000, 2: 300_000, 3: 800_000}}
    assert [e.ai_model_id for e in rank(benchmarks, scores).entries] == [1, 3, 2]


def test_results_without_a_normalized_score_are_skipped():
    benchmarks = [bench(1), bench(2)]
    scores = [score(1, 1, "0.5"), score(1, 2, None), score(2, 2, None)]

    ranking = rank(benchmarks, scores, measured_model_count=2)

    assert [b.id for b in ranking.benchmarks] == [1]
    assert [(e.ai_model_id, e.coverage) for e in ranking.entries] == [(1, 1)]
    # Model 2 was measured, but only without a usable score.
    assert ranking.unranked_model_count == 1


def test_benchmarks_are_listed_most_models_first_then_by_name():
    benchmarks = [bench(1, "zeta"), bench(2, "Alpha"), bench(3, "beta"), bench(4, "empty")]
    scores = [score(1, 1, "0.1"), score(2, 1, "0.1"), score(1, 2, "0.1"), score(1, 3, "0.1")]
    ranking = rank(benchmarks, scores)
    assert [b.name for b in ranking.benchmarks] == ["zeta", "Alpha", "beta"]
    assert ranking.benchmark_ids == {1, 2, 3}


def test_equal_scores_share_a_rank():
    benchmarks = [bench(1), bench(2)]
    scores = [
        score(1, 1, "0.9"),
        score(2, 1, "0.5"),
        score(3, 1, "0.5"),
        score(1, 2, "0.1"),
        score(2, 2, "0.1"),
        score(3, 2, "0.1"),
    ]
    entries = rank(benchmarks, scores).entries
    assert [(e.rank, e.ai_model_id) for e in entries] == [(1, 1), (2, 2), (2, 3)]


def test_standings_of_other_benchmarks_are_ignored():
    benchmarks = [bench(1), bench(99)]
    shared = standings(benchmarks, [score(1, 1, "0.5"), score(2, 99, "0.9"), score(3, 99, "0.1")])
    ranking = rank_category([bench(1)], shared)
    assert [e.ai_model_id for e in ranking.entries] == [1]
    assert ranking.measured_model_count == 1


def test_empty_category_has_an_empty_ranking():
    ranking = rank([], [])
    assert ranking.benchmarks == ()
    assert ranking.entries == ()
    assert ranking.unranked_model_count == 0


def test_category_without_scores_ranks_nobody():
    ranking = rank([bench(1), bench(2)], [score(1, 1, None)], measured_model_count=1)
    assert ranking.benchmarks == ()
    assert ranking.entries == ()
    assert ranking.unranked_model_count == 1


def test_ranking_is_the_same_whatever_the_order_of_the_rows():
    generator = random.Random(3)
    benchmarks = [bench(i, higher_is_better=i % 3 != 0) for i in range(1, 8)]
    scores = [
        score(m, b.id, generator.choice(["0.1", "0.25", "0.5", "0.5", "0.9", None]))
        for m in range(1, 30)
        for b in benchmarks
        if generator.random() < 0.4
    ]
    first = rank(benchmarks, scores)
    for _ in range(5):
        generator.shuffle(scores)
        assert rank(list(reversed(benchmarks)), scores) == first


def test_ranking_rows_order_ties_by_coverage_then_name():
    ranking = rank(
        [bench(1), bench(2)],
        [
            score(1, 1, "0.5"),
            score(2, 1, "0.5"),
            score(3, 1, "0.5"),
            score(3, 2, "0.5"),  # alone there: more coverage, the same score
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
