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
Models are measured on different benchmarks: in the LLM Stats data most have results on
a handful of a category's dozens, and hardly two models share the same ones. A mean of
normalized scores over whatever each model has compares scores of different tests (80%
on an easy benchmark is not 80% on a hard one), and a mean over a fixed "core set" leaves
out nearly everyone. So a category compares models only where they meet:

1. On each of the category's benchmarks, a model counts once, with its best merit
   (merit(): the normalized score, flipped where lower is better).
2. There its share is the part of the other models measured there that it beat, a tie
   counting as half a win: 1 for the best of 11, 0.5 for the sixth, 0 for the last. The
   share is a win rate over pairwise comparisons on a benchmark both models have, so
   scales, difficulty and saturation of different benchmarks do not matter, and each
   benchmark weighs the same however many models it has. A model alone on a benchmark
   compared with nobody: it has no share there.
3. Its score is the mean of its shares shrunk toward the middle: PRIOR_BENCHMARKS more
   shares of one half are added to the mean. One result at the top of a benchmark
   scores (1 + 0.5 + 0.5) / 3 = 67%; four at the top score 83%; a model with no share at
   all scores 50%. A model with one lucky benchmark does not lead a ranking whose
   leaders were compared on several.
4. Every model with a normalized score on the category's benchmarks is ranked, with its
   coverage: how many of the category's benchmarks with scores it has results on.
   Equal scores share a rank (competition_ranks()); the order among them is more
   coverage first, then name, then id: the same on every request.

Why not Bradley-Terry or Elo over the same comparisons: they weigh who a model beat (a
win over GPT-5 counts more than one over a 2023 model), which is fairer in principle,
but they iterate over every pair of models on every benchmark, tens of millions of
pairs an iteration on the bench data; with few comparisons per model they are
unstable too (one win among frontier models makes a leader). The share is one sort per
benchmark. Its known bias, said on the page: a share is relative to the models measured
on the benchmark, so leading a benchmark measured mostly on older models is easier than
leading one measured on this year's.

The view reads the category's benchmarks and its result rows in one query each;
everything else happens here. Merits and shares are whole millionths (a normalized score
has six decimal places, so 0.857143 is 857143) and sums of them integers: exact, as
Decimals were, and cheap. A home page ranks some 100,000 scores a request on the bench
data; as Decimals, reading them (on SQLite, Django makes each one from a float) and
adding them up took most of its time.

A model's rank on a benchmark
-----------------------------
Among every model's best normalized score there; a model's several results on one
benchmark (different analysis methods) count once, with the best of them.
"""

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple, Protocol

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

# A normalized score (and a share) of 1, in millionths.
ONE = 1_000_000
# The shrinkage: every model's mean starts with this many benchmarks at the middle (a
# share of one half), so one or two lucky results cannot lead the ranking.
PRIOR_BENCHMARKS = 2


@dataclass(frozen=True)
class CategoryBenchmark:
    id: int
    name: str
    higher_is_better: bool = True


# One result: (ai_model_id, benchmark_id, its normalized score in millionths or None),
# as ResultQuerySet.category_scores() reads it.
type ResultScore = tuple[int, int, int | None]


class RankedModel(NamedTuple):
    # A named tuple, not a frozen dataclass: a home page makes some 12,000 of them on
    # the bench data, and a frozen dataclass takes four times as long to make.
    ai_model_id: int
    rank: int
    millionths: int  # the score, 0 to 1 in millionths, higher is better
    coverage: int  # how many of the ranking's benchmarks the model has a score on

    @property
    def score(self) -> Decimal:
        """0 to 1, six decimal places."""
        return Decimal(self.millionths).scaleb(-6)

    @property
    def percent(self) -> Decimal:
        return self.score * 100


@dataclass(frozen=True)
class CategoryRanking:
    # The category's benchmarks with at least one normalized score, the most scored
    # models first: what a model's coverage is counted against.
    benchmarks: tuple[CategoryBenchmark, ...]
    entries: tuple[RankedModel, ...]
    measured_model_count: int  # models with any result in the category

    @property
    def benchmark_count(self) -> int:
        return len(self.benchmarks)

    @property
    def benchmark_ids(self) -> frozenset[int]:
        return frozenset(benchmark.id for benchmark in self.benchmarks)

    @property
    def unranked_model_count(self) -> int:
        """Models measured in the category with no normalized score there."""
        return self.measured_model_count - len(self.entries)


class Named(Protocol):
    name: str


@dataclass(frozen=True)
class RankingRow[T: Named]:
    entry: RankedModel
    ai_model: T


def divide(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half to even to a whole number: so that, for
    example, (0.5 + 0.7) / 2 and 0.6 count as equal."""
    quotient, remainder = divmod(numerator, denominator)
    if 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2):
        quotient += 1
    return quotient


# Each benchmark's standings: {benchmark_id: {ai_model_id: share}}, where a share is the
# part of the other models on the benchmark that the model beat, a tie counting as half,
# in millionths (shares_beaten()); None for a model alone on its benchmark, which beat
# nobody and lost to nobody.
type Standings = dict[int, dict[int, int | None]]


def best_merits(
    benchmarks: Iterable[CategoryBenchmark], scores: Iterable[ResultScore]
) -> dict[int, dict[int, int]]:
    """For each benchmark with a normalized score, each model's best merit there (see
    merit()), in millionths: {benchmark_id: {ai_model_id: merit}}."""
    direction = {benchmark.id: benchmark.higher_is_better for benchmark in benchmarks}
    best: dict[int, dict[int, int]] = defaultdict(dict)
    for ai_model_id, benchmark_id, millionths in scores:
        higher_is_better = direction.get(benchmark_id)
        if millionths is None or higher_is_better is None:
            continue
        value = millionths if higher_is_better else ONE - millionths
        per_model = best[benchmark_id]
        if value > per_model.get(ai_model_id, -1):
            per_model[ai_model_id] = value
    return dict(best)


def shares_beaten(merits: Mapping[int, int]) -> dict[int, int | None]:
    """Each model's share of the other models on a benchmark that it beat, a tie counting
    as half a win, in millionths; None for a model alone there. merits: {ai_model_id:
    its best merit}."""
    others = len(merits) - 1
    if others < 1:
        return dict.fromkeys(merits)
    ordered = sorted(merits.items(), key=lambda item: item[1])
    shares: dict[int, int | None] = {}
    start = 0
    while start < len(ordered):
        end = start + 1
        while end < len(ordered) and ordered[end][1] == ordered[start][1]:
            end += 1
        # `start` models below it and end - start - 1 others tied with it: half a win
        # each. Rounded half up to a whole millionth (inline: this runs for every score).
        share = ((start + end - 1) * ONE + others) // (2 * others)
        for ai_model_id, _ in ordered[start:end]:
            shares[ai_model_id] = share
        start = end
    return shares


def standings(benchmarks: Iterable[CategoryBenchmark], scores: Iterable[ResultScore]) -> Standings:
    """Each benchmark's standings (see Standings), from the results' normalized scores:
    a model counts once on a benchmark, with its best merit. Benchmarks without a
    normalized score are left out. A benchmark's standings do not depend on the
    category: the home page works them out once for several categories."""
    return {
        benchmark_id: shares_beaten(merits)
        for benchmark_id, merits in best_merits(benchmarks, scores).items()
    }


def rank_category(
    benchmarks: Iterable[CategoryBenchmark],
    standings: Standings,
    *,
    measured_model_count: int | None = None,
) -> CategoryRanking:
    """Rank every model with a normalized score on the category's benchmarks (see the
    module docstring). standings may hold other benchmarks too (other categories').

    measured_model_count is how many models have a result anywhere in the category,
    with a normalized score or not; by default, those with one.
    """
    counted = [benchmark for benchmark in benchmarks if standings.get(benchmark.id)]
    counted.sort(key=lambda b: (-len(standings[b.id]), b.name.casefold(), b.id))

    # Counters count in C: this loop sees every score of the category.
    coverage: Counter[int] = Counter()
    compared: Counter[int] = Counter()
    won: dict[int, int] = {}
    for benchmark in counted:
        shares = standings[benchmark.id]
        coverage.update(shares.keys())
        if len(shares) > 1:  # else its one model is alone there
            compared.update(shares.keys())
            for ai_model_id, share in shares.items():
                won[ai_model_id] = won.get(ai_model_id, 0) + share

    # The mean of its shares and PRIOR_BENCHMARKS more of one half.
    prior = PRIOR_BENCHMARKS * ONE // 2
    scored = sorted(
        (
            (
                divide(won.get(ai_model_id, 0) + prior, compared[ai_model_id] + PRIOR_BENCHMARKS),
                covered,
                ai_model_id,
            )
            for ai_model_id, covered in coverage.items()
        ),
        key=lambda item: (-item[0], -item[1], item[2]),
    )
    ranks = competition_ranks(millionths for millionths, _, _ in scored)
    entries = [
        RankedModel(ai_model_id=ai_model_id, rank=rank, millionths=millionths, coverage=covered)
        for rank, (millionths, covered, ai_model_id) in zip(ranks, scored, strict=True)
    ]
    return CategoryRanking(
        benchmarks=tuple(counted),
        entries=tuple(entries),
        measured_model_count=(
            len(entries) if measured_model_count is None else measured_model_count
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
    without a normalized score, or that their source withdrew, do not rank and are left
    out. Two queries: those
    results, then their ranks (ranked_in_sql) or every scored result on their
    benchmarks (ranked_in_python); both give the same ranks. The order is the order of
    `results` (first result seen for each pair).
    """
    own = best_per_model_and_benchmark(
        results.filter(normalized_score__isnull=False, withdrawn_at__isnull=True)
    )
    if not own:
        return []
    if len(own) <= RANKED_IN_SQL:
        return ranked_in_sql(own)
    return ranked_in_python(own)


def ranked_in_sql(own: list[Result]) -> list[RankedResult]:
    """One query: for each result, how many models did better on its benchmark and how
    many have a scored result there, as correlated counts."""
    better = (
        Result.objects.filter(benchmark=OuterRef("benchmark"), withdrawn_at__isnull=True)
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
        Result.objects.filter(
            benchmark_id__in=higher_is_better,
            normalized_score__isnull=False,
            withdrawn_at__isnull=True,
        )
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
