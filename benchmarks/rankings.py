"""A category's ranking of models across its benchmarks: pure arithmetic, no database.

The method, as the category page states it:

1. The category's core set is its benchmarks with the most models (at most
   CORE_SET_SIZE), counting only models with a normalized score there.
2. On each core benchmark a model counts with its best normalized score, flipped
   to 1 - score where lower is better, so that higher always means better.
3. A model is ranked when it has scores on at least half of the core set
   (rounded up, and at least one benchmark).
4. Its score is the mean of those per-benchmark scores; equal scores share a
   rank (1, 2, 2, 4).

The view fetches the category's benchmarks and its result rows in one query
each; everything else happens here.

Scores are whole millionths (a normalized score has six decimal places, so 0.857143
is 857143): exact, as Decimals were, and cheap. A home page ranks some 40,000 scores
a request; as Decimals, reading them (on SQLite, Django makes each one from a float)
and adding them up took most of its time.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

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


def merit(normalized_score: Decimal, *, higher_is_better: bool) -> Decimal:
    """A 0-to-1 value where higher is better, whatever the benchmark's direction."""
    return normalized_score if higher_is_better else 1 - normalized_score


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
        # Its merit, as merit() makes it, in millionths.
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

    entries: list[RankedModel] = []
    for position, (millionths, coverage, ai_model_id) in enumerate(scored, start=1):
        tied = entries and entries[-1].millionths == millionths
        entries.append(
            RankedModel(
                ai_model_id=ai_model_id,
                rank=entries[-1].rank if tied else position,
                millionths=millionths,
                coverage=coverage,
            )
        )

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
