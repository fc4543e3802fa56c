"""A model's rank on a benchmark: among every model's best normalized score there.

Used by the organization page (its best results), the model page (every result,
grouped by category) and the comparison. Equal scores share a rank (1, 2, 2, 4);
a model's several results on one benchmark (different analysis methods) count
once, with the best of them.
"""

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from benchmarks.models import Result


@dataclass(frozen=True)
class RankedResult:
    result: Result
    rank: int  # 1 for the best; equal scores share a rank
    model_count: int  # models with a scored result on the benchmark


def better(higher_is_better: bool, a: Decimal, b: Decimal) -> bool:
    return a > b if higher_is_better else a < b


def rank_of(scores: list[Decimal], score: Decimal, higher_is_better: bool) -> int:
    """The rank of score among scores (each model's best, sorted ascending): one more
    than the number of strictly better scores, so equal scores share a rank."""
    if higher_is_better:
        return len(scores) - bisect.bisect_right(scores, score) + 1
    return bisect.bisect_left(scores, score) + 1


def best_scores(
    rows: Iterable[tuple[int, int, Decimal]], higher_is_better: dict[int, bool]
) -> dict[int, list[Decimal]]:
    """For each benchmark, every model's best normalized score, sorted ascending.

    rows are (benchmark_id, ai_model_id, normalized_score).
    """
    best: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for benchmark_id, ai_model_id, score in rows:
        models = best[benchmark_id]
        current = models.get(ai_model_id)
        if current is None or better(higher_is_better[benchmark_id], score, current):
            models[ai_model_id] = score
    return {benchmark_id: sorted(models.values()) for benchmark_id, models in best.items()}


def best_per_model_and_benchmark(results: Iterable[Result]) -> list[Result]:
    """Each (model, benchmark) pair's best result, in the order first seen.

    Each result needs its benchmark loaded (for higher_is_better) and a normalized score.
    """
    best: dict[tuple[int, int], Result] = {}
    for result in results:
        key = (result.ai_model_id, result.benchmark_id)
        current = best.get(key)
        if current is None or better(
            result.benchmark.higher_is_better, result.normalized_score, current.normalized_score
        ):
            best[key] = result
    return list(best.values())


# Up to this many results to rank (a model's, a comparison's), each is ranked in SQL by
# counting the models that did better on its benchmark, over the index; beyond it,
# reading every scored result of their benchmarks once is cheaper. Measured on the bench
# data (2,000 models, 115,000 results): one model's 105 results in 16 ms counted, 235 ms
# read; 170 models' 15,775 results in 2.2 s counted, 1.1 s read.
RANKED_IN_SQL = 1_000


def ranked_best_results(results: QuerySet[Result]) -> list[RankedResult]:
    """Rank each model's best result on each benchmark among every model's.

    `results` is a queryset of the results to rank (one model's, one organization's,
    a few models'), with the benchmark and whatever the page shows selected; results
    without a normalized score cannot be ranked and are left out. Two queries: those
    results, then their ranks (ranked_in_sql) or every scored result on their
    benchmarks (ranked_in_python); both give the same ranks. The order is the order of
    `results` (first result seen for each pair).
    """
    own = best_per_model_and_benchmark(results.filter(normalized_score__isnull=False))
    if not own:
        return []
    if len(own) <= RANKED_IN_SQL:
        return ranked_in_sql(own)
    return ranked_in_python(own)


def ranked_in_sql(own: list[Result]) -> list[RankedResult]:
    """One query: for each result, how many models did better on its benchmark and how
    many have a scored result there, as correlated counts."""
    better = (
        Result.objects.filter(benchmark=OuterRef("benchmark"))
        .filter(
            Q(benchmark__higher_is_better=True, normalized_score__gt=OuterRef("normalized_score"))
            | Q(
                benchmark__higher_is_better=False,
                normalized_score__lt=OuterRef("normalized_score"),
            )
        )
        .order_by()
        .values("benchmark_id")
        .annotate(count=Count("ai_model", distinct=True))
        .values("count")
    )
    counts = {
        row["pk"]: row
        for row in Result.objects.filter(pk__in=[result.pk for result in own])
        .annotate(
            better=Coalesce(Subquery(better), 0),
            model_count=F("benchmark__scored_model_count"),
        )
        .values("pk", "better", "model_count")
    }
    return [
        RankedResult(result, counts[result.pk]["better"] + 1, counts[result.pk]["model_count"])
        for result in own
        # A result deleted between the two queries is left out.
        if result.pk in counts
    ]


def ranked_in_python(own: list[Result]) -> list[RankedResult]:
    """One query: every scored result on the results' benchmarks, ranked here."""
    higher_is_better = {r.benchmark_id: r.benchmark.higher_is_better for r in own}
    rows = (
        Result.objects.filter(benchmark_id__in=higher_is_better, normalized_score__isnull=False)
        .order_by("benchmark_id", F("normalized_score").desc())
        .values_list("benchmark_id", "ai_model_id", "normalized_score")
    )
    scores = best_scores(rows, higher_is_better)
    return [
        RankedResult(
            result,
            rank_of(
                scores[result.benchmark_id],
                result.normalized_score,
                higher_is_better[result.benchmark_id],
            ),
            len(scores[result.benchmark_id]),
        )
        for result in own
    ]
