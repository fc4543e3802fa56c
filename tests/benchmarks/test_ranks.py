"""Ranks among every model's best score, without a database."""

from decimal import Decimal

from benchmarks.ranks import best_scores, rank_of


def test_equal_scores_share_a_rank():
    scores = [Decimal("0.5"), Decimal("0.7"), Decimal("0.7"), Decimal("0.9")]
    assert [rank_of(scores, Decimal(s), True) for s in ["0.9", "0.7", "0.5"]] == [1, 2, 4]
    assert [rank_of(scores, Decimal(s), False) for s in ["0.5", "0.7", "0.9"]] == [1, 2, 4]


def test_only_each_models_best_score_counts():
    rows_ = [(1, 10, Decimal("0.2")), (1, 10, Decimal("0.8")), (1, 11, Decimal("0.5"))]
    assert best_scores(rows_, {1: True}) == {1: [Decimal("0.5"), Decimal("0.8")]}
    assert best_scores(rows_, {1: False}) == {1: [Decimal("0.2"), Decimal("0.5")]}
