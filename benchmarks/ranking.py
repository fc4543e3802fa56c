"""Ranking, defined once for every page that ranks: leaderboards, model, comparison,
organization and category pages.

- Direction: a result's merit is its normalized score where higher is better, and
  1 - normalized score where lower is better (merit(), better()); results without a
  normalized score are not ranked.
- A model counts once on a benchmark, with its best result there.
- Ties: equal merits share a rank and the next rank skips ("competition" ranking:
  1, 2, 2, 4), so a rank is one more than the number of models that did strictly
  better (competition_ranks(), rank_of(), ranked_in_sql()).

Below: the shared definitions; a category's ranking of models across its benchmarks
(pure arithmetic); a model's rank on a benchmark among every model's best (the model,
comparison and organization pages), read from the database.

Category rankings
-----------------
The method, as the category page states it:

1. The category's core set is its benchmarks with the most models (at most
   CORE_SET_SIZE), counting only models with a normalized score there.
2. On each core benchmark a model counts with its best merit.
3. A model is ranked when it has scores on at least half of the core set
   (rounded up, and at least one benchmark).
4. Its score is the mean of those per-benchmark merits; equal scores share a rank.

The view fetches the category's benchmarks and its result rows in one query each;
everything else happens here. Scores are whole millionths (a normalized score has six
decimal places, so 0.857143 is 857143): exact, as Decimals were, and cheap. A home page
ranks some 40,000 scores a request; as Decimals, reading them (on SQLite, Django makes
each one from a float) and adding them up took most of its time.

A model's rank on a benchmark
-----------------------------
Among every model's best normalized score there; a model's several results on one
benchmark (different analysis methods) count once, with the best of them.
"""

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from benchmarks.models import Result

# --- Direction and ties ------------------------------------------------------------------


def merit(normalized_score: Decimal, *, higher_is_better: bool) -> Decimal:
    """A 0-to-1 value where higher is better, whatever the benchmark's direction."""
    return normalized_score if higher_is_better else 1 - normalized_score


def better(higher_is_better: bool, a: Decimal, b: Decimal) -> bool:
    """Whether normalized score a beats b on a benchmark of this direction."""
    return a > b if higher_is_better else a < b


def competition_ranks[T](merits: Iterable[T]) -> Iterator[int]:
    """The ranks of merits given best first: equal merits share a rank and the next
    rank skips (1, 2, 2, 4)."""
    rank, previous = 0, object()
    for position, value in enumerate(merits, start=1):
        if value != previous:
            rank, previous = position, value
        yield rank


# --- Category rankings -------------------------------------------------------------------

CORE_SET_SIZE = 10
# A normalized score of 1, in millionths.
ONE = 1_000_000


@dataclass(frozen=True)
class CategoryBenchmark:
    id: int
    name: str
    higher_is_better: bool = True


# One result: (ai_model_id, benchmark_id, its normalized score in millionths or None),
# as ResultQuerySet.category_scores() reads it.
type ResultScore = tuple[int, int, int | None]


@dataclass(frozen=True)
class RankedModel:
    ai_model_id: int
    rank: int
    millionths: int  # the score, 0 to 1 in millionths, higher is better
    coverage: int  # how many core benchmarks the score is the mean of

    @property
    def score(self) -> Decimal:
        """0 to 1, six decimal places."""
        return Decimal(self.millionths).scaleb(-6)

    @property
    def percent(self) -> Decimal:
        return self.score * 100


@dataclass(frozen=True)
class CategoryRanking:
    core: tuple[CategoryBenchmark, ...]
    required_coverage: int
    entries: tuple[RankedModel, ...]
    measured_model_count: int  # models with any result in the category

    @property
    def core_size(self) -> int:
        return len(self.core)

    @property
    def core_ids(self) -> frozenset[int]:
        return frozenset(benchmark.id for benchmark in self.core)

    @property
    def unranked_model_count(self) -> int:
        return self.measured_model_count - len(self.entries)


class Named(Protocol):
    name: str


@dataclass(frozen=True)
class RankingRow[T: Named]:
    entry: RankedModel
    ai_model: T


def required_coverage(core_size: int) -> int:
    """How many core benchmarks a model needs: half, rounded up, at least one."""
    if core_size <= 0:
        return 0
    return max(1, math.ceil(core_size / 2))


def mean(values: Sequence[int]) -> int:
    """The mean of millionths, rounded half to even to a whole millionth: so that, for
    example, (0.5 + 0.7) / 2 and 0.6 count as equal."""
    quotient, remainder = divmod(sum(values), len(values))
    if 2 * remainder > len(values) or (2 * remainder == len(values) and quotient % 2):
        quotient += 1
    return quotient


def core_set(
    benchmarks: Iterable[CategoryBenchmark],
    scores: Iterable[ResultScore],
    *,
    size: int = CORE_SET_SIZE,
) -> tuple[CategoryBenchmark, ...]:
    """The benchmarks with the most scored models, most first (ties by name).

    Benchmarks without a single normalized score are left out: nobody could be
    measured on them, and counting them would only raise the bar.
    """
    models_by_benchmark: dict[int, set[int]] = defaultdict(set)
    for ai_model_id, benchmark_id, millionths in scores:
        if millionths is not None:
            models_by_benchmark[benchmark_id].add(ai_model_id)
    candidates = [b for b in benchmarks if models_by_benchmark.get(b.id)]
    candidates.sort(key=lambda b: (-len(models_by_benchmark[b.id]), b.name.casefold(), b.id))
    return tuple(candidates[:size])


def core_candidates(
    counted: Iterable[tuple[CategoryBenchmark, int]], *, size: int = CORE_SET_SIZE
) -> list[CategoryBenchmark]:
    """The benchmarks that can be in a category's core set, given how many models have a
    normalized score on each: those with as many as the size-th most. Ties at that
    boundary are all kept; rank_category picks among them."""
    counted = [(benchmark, count) for benchmark, count in counted if count > 0]
    if not counted:
        return []
    counts = sorted((count for _, count in counted), reverse=True)
    floor = counts[min(size, len(counts)) - 1]
    return [benchmark for benchmark, count in counted if count >= floor]


def rank_category(
    benchmarks: Sequence[CategoryBenchmark],
    scores: Iterable[ResultScore],
    *,
    size: int = CORE_SET_SIZE,
    measured_model_count: int | None = None,
) -> CategoryRanking:
    """Rank the models measured on a category's benchmarks (see the module docstring).

    scores may be only those of the benchmarks that can be in the core set
    (core_candidates); measured_model_count then says how many models have a result
    anywhere in the category, which those scores alone cannot tell.
    """
    known = {benchmark.id for benchmark in benchmarks}
    scores = [score for score in scores if score[1] in known]  # score[1]: its benchmark
    core = core_set(benchmarks, scores, size=size)
    direction = {benchmark.id: benchmark.higher_is_better for benchmark in core}
    required = required_coverage(len(core))

    best: dict[int, dict[int, int]] = defaultdict(dict)
    for ai_model_id, benchmark_id, millionths in scores:
        if millionths is None or benchmark_id not in direction:
            continue
        # Its merit (see merit()), in millionths.
        value = millionths if direction[benchmark_id] else ONE - millionths
        per_benchmark = best[ai_model_id]
        current = per_benchmark.get(benchmark_id)
        if current is None or value > current:
            per_benchmark[benchmark_id] = value

    scored = [
        (mean(list(values.values())), len(values), ai_model_id)
        for ai_model_id, values in best.items()
        if required and len(values) >= required
    ]
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))

    ranks = competition_ranks(millionths for millionths, _, _ in scored)
    entries = [
        RankedModel(ai_model_id=ai_model_id, rank=rank, millionths=millionths, coverage=coverage)
        for rank, (millionths, coverage, ai_model_id) in zip(ranks, scored, strict=True)
    ]

    return CategoryRanking(
        core=core,
        required_coverage=required,
        entries=tuple(entries),
        measured_model_count=(
            len({ai_model_id for ai_model_id, _, _ in scores})
            if measured_model_count is None
            else measured_model_count
        ),
    )


def ranking_rows[T: Named](
    ranking: CategoryRanking, ai_models: Mapping[int, T]
) -> list[RankingRow[T]]:
    """The ranking with its models, tied models by coverage then name.

    A model missing from `ai_models` (deleted between the two queries) is left out.
    """
    rows = [
        RankingRow(entry=entry, ai_model=ai_models[entry.ai_model_id])
        for entry in ranking.entries
        if entry.ai_model_id in ai_models
    ]
    rows.sort(key=lambda row: (row.entry.rank, -row.entry.coverage, row.ai_model.name.casefold()))
    return rows


# --- A model's rank on a benchmark -------------------------------------------------------


@dataclass(frozen=True)
class RankedResult:
    result: Result
    rank: int  # 1 for the best; equal scores share a rank
    model_count: int  # models with a scored result on the benchmark


def rank_of(scores: list[Decimal], score: Decimal, higher_is_better: bool) -> int:
    """The rank of score among scores (each model's best, sorted ascending): one more
    than the number of strictly better scores."""
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
