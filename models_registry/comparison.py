"""Shaping a comparison of two to four models: pure functions, no database access.

The view (models_registry/views_compare.py) reads the chosen models, their best
results ranked among every model's (benchmarks.ranks) and their current offerings
in a fixed number of queries; everything the page shows is computed here from
those rows: which slugs of the address name models, the benchmarks the models
share and the best score on each, the chart and the price lists.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from benchmarks.ranking import better
from models_registry.models import SLUG_MAX_LENGTH, validate_slug
from pages.formatting import format_result

MAX_MODELS = 4
# Input beyond these limits is cut before it reaches the database: the slugs of a
# real comparison fit many times over.
MODELS_PARAM_MAX_LENGTH = 1000
MAX_CANDIDATES = 12
# The chart shows at most this many benchmarks (the table has them all).
CHART_MAX_BENCHMARKS = 12
SHOWN_TEXT_MAX_LENGTH = 60


# --- the address: ?models=a,b,c -------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    slugs: list[str]  # distinct, stripped, in the order given
    cut: bool  # the value named more than could be read; the rest was ignored


def parse_models(values: Iterable[str]) -> Selection:
    """The slugs ?models= names, in order: split on commas, stripped, without empty
    names or repeats; at most MAX_CANDIDATES of them, read from at most
    MODELS_PARAM_MAX_LENGTH characters. Several ?models= values count as one list."""
    text = ",".join(values)
    cut = len(text) > MODELS_PARAM_MAX_LENGTH
    slugs: list[str] = []
    for part in text[:MODELS_PARAM_MAX_LENGTH].split(","):
        slug = part.strip()
        if not slug or slug in slugs:
            continue
        if len(slugs) == MAX_CANDIDATES:
            cut = True
            break
        slugs.append(slug)
    return Selection(slugs, cut)


def could_be_slug(text: str) -> bool:
    """Whether some model could have this slug; only such text is looked up."""
    return (
        len(text) <= SLUG_MAX_LENGTH
        and text.isprintable()
        and validate_slug.regex.match(text) is not None
    )


def shown(text: str) -> str:
    """Text from the address as the page may repeat it: unprintable characters
    replaced, at most SHOWN_TEXT_MAX_LENGTH characters (HTML escaping is the template's)."""
    printable = "".join(c if c.isprintable() else "\ufffd" for c in text)
    if len(printable) > SHOWN_TEXT_MAX_LENGTH:
        return printable[: SHOWN_TEXT_MAX_LENGTH - 1] + "…"
    return printable


@dataclass(frozen=True)
class Choice:
    chosen: list[str]  # slugs of existing models, in the order asked, at most MAX_MODELS
    unknown: list[str]  # slugs no model has, in the order asked
    left_out: list[str]  # slugs of existing models beyond the first MAX_MODELS


def choose(slugs: Sequence[str], known: Collection[str]) -> Choice:
    """Split the asked slugs into the compared models, the unknown and the left out."""
    existing = [slug for slug in slugs if slug in known]
    return Choice(
        chosen=existing[:MAX_MODELS],
        unknown=[slug for slug in slugs if slug not in known],
        left_out=existing[MAX_MODELS:],
    )


# --- adding a model by name: ?add= ------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    slug: str
    name: str
    detail: str  # shown beside the name: the organization


@dataclass(frozen=True)
class Addition:
    found: Match | None = None  # the one model the text names: add it
    already: Match | None = None  # the text names a model already compared
    candidates: list[Match] = field(default_factory=list)  # several match: the visitor picks
    more: bool = False  # more candidates than listed


def resolve_addition(
    q: str, matches: Sequence[Match], chosen: Collection[str], *, limit: int
) -> Addition:
    """Which model the text q names: the model whose slug it is, else the model whose
    name it is (ignoring case), else the only model whose name or slug contains it.

    matches are the models whose name or slug contains q, best first; models already
    chosen are not candidates. Neither found, already nor candidates: no other model
    matches.
    """
    exact = [m for m in matches if m.slug == q]
    if exact:
        return Addition(already=exact[0]) if exact[0].slug in chosen else Addition(found=exact[0])
    named = [m for m in matches if m.name.casefold() == q.casefold()]
    if named:
        open_named = [m for m in named if m.slug not in chosen]
        if not open_named:
            return Addition(already=named[0])
        if len(open_named) == 1:
            return Addition(found=open_named[0])
        return Addition(candidates=open_named[:limit], more=len(open_named) > limit)
    others = [m for m in matches if m.slug not in chosen]
    if len(others) == 1:
        return Addition(found=others[0])
    return Addition(candidates=others[:limit], more=len(others) > limit)


# --- benchmarks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BestScore:
    """A model's best result on a benchmark, ranked among every model's best there."""

    ai_model_id: int
    benchmark_id: int
    benchmark_slug: str
    benchmark_name: str
    higher_is_better: bool
    max_score: Decimal
    score: Decimal  # as reported
    normalized_score: Decimal  # 0 to 1
    rank: int  # 1 for the best; equal scores share a rank
    model_count: int  # models with a scored result on the benchmark
    # The family the benchmark belongs to: its parent when it is a variant, else itself;
    # and, for a variant, how the family's row labels it ("Agentless").
    family_id: int | None = None
    family_slug: str = ""
    family_name: str = ""
    variant: str = ""

    @property
    def family(self) -> tuple[int, str, str]:
        if self.family_id is None:
            return (self.benchmark_id, self.benchmark_slug, self.benchmark_name)
        return (self.family_id, self.family_slug, self.family_name)


@dataclass(frozen=True)
class Cell:
    best_score: BestScore
    best: bool  # the best of the compared models here (all of them on a tie)


@dataclass(frozen=True)
class BenchmarkRow:
    slug: str
    name: str
    higher_is_better: bool
    max_score: Decimal
    model_count: int  # every model with a scored result on it, not only the compared
    cells: list[Cell | None]  # one per compared model, in their order; None: no result

    @property
    def with_results(self) -> int:
        return sum(cell is not None for cell in self.cells)

    @property
    def has_variants(self) -> bool:
        """Some of its cells are results on a variant of the benchmark: each cell's rank
        then says on which board it is."""
        return any(cell is not None and cell.best_score.variant for cell in self.cells)


@dataclass(frozen=True)
class Benchmarks:
    shared: list[BenchmarkRow]  # at least two of the models have a result
    only: list[list[BenchmarkRow]]  # per model, in their order: benchmarks only it has


def best_marks(scores: Sequence[Decimal | None], higher_is_better: bool) -> list[bool]:
    """Which scores are the best of the row: the highest, or the lowest where lower
    is better; every one of them on a tie; none when no score is known."""
    known = [score for score in scores if score is not None]
    if not known:
        return [False] * len(scores)
    top = max(known) if higher_is_better else min(known)
    return [score is not None and score == top for score in scores]


def compare_benchmarks(model_ids: Sequence[int], scores: Iterable[BestScore]) -> Benchmarks:
    """One row per benchmark family any of the models has a scored result on.

    A family is a benchmark with its variants (SWE-bench Verified and its "Agentless"
    set-up): a model's cell holds its best result in the family, labelled with the
    variant it was measured on. A family is shared when at least two of the models have
    a result there; the shared come with the most models first, then by name, and their
    best score (normalized, so across analysis methods alike) is marked. The others are
    listed per model, by name.
    """
    column = {ai_model_id: index for index, ai_model_id in enumerate(model_ids)}
    by_benchmark: dict[int, list[BestScore | None]] = {}
    first: dict[int, BestScore] = {}
    for best_score in scores:
        if best_score.ai_model_id not in column:
            continue
        family_id = best_score.family[0]
        row = by_benchmark.setdefault(family_id, [None] * len(model_ids))
        current = row[column[best_score.ai_model_id]]
        if current is None or better(
            best_score.higher_is_better, best_score.normalized_score, current.normalized_score
        ):
            row[column[best_score.ai_model_id]] = best_score
        if best_score.family_id is None or family_id not in first:
            first[family_id] = best_score

    shared: list[BenchmarkRow] = []
    only: list[list[BenchmarkRow]] = [[] for _ in model_ids]
    for benchmark_id, row_scores in by_benchmark.items():
        info = first[benchmark_id]
        present = [s for s in row_scores if s is not None]
        is_shared = len(present) >= 2
        marks = (
            best_marks(
                [s.normalized_score if s else None for s in row_scores], info.higher_is_better
            )
            if is_shared
            else [False] * len(row_scores)
        )
        _, family_slug, family_name = info.family
        row = BenchmarkRow(
            slug=family_slug,
            name=family_name,
            higher_is_better=info.higher_is_better,
            max_score=info.max_score,
            model_count=max(s.model_count for s in present),
            cells=[
                Cell(s, mark) if s is not None else None
                for s, mark in zip(row_scores, marks, strict=True)
            ],
        )
        if is_shared:
            shared.append(row)
        else:
            only[next(i for i, s in enumerate(row_scores) if s is not None)].append(row)

    def by_name(row: BenchmarkRow) -> tuple:
        return (row.name.casefold(), row.slug)

    shared.sort(key=lambda row: (-row.with_results, *by_name(row)))
    return Benchmarks(shared, [sorted(rows, key=by_name) for rows in only])


def chart_rows(
    rows: Sequence[BenchmarkRow], limit: int = CHART_MAX_BENCHMARKS
) -> list[BenchmarkRow]:
    """The benchmarks the chart shows, in the order of rows (the table's): at most
    limit of them, those most of the compared models have a result on, then the
    most-used across every model."""
    used = sorted(rows, key=lambda row: (-row.with_results, -row.model_count, row.name.casefold()))
    kept = {id(row) for row in used[:limit]}
    return [row for row in rows if id(row) in kept]


def _percent(cell: Cell | None, higher_is_better: bool) -> float | None:
    """A bar's length: the normalized score in percent, counted as 100 minus it where
    lower is better, so that a longer bar is always a better score."""
    if cell is None:
        return None
    normalized = cell.best_score.normalized_score
    return round(float(normalized if higher_is_better else 1 - normalized) * 100, 1)


def bars_chart(model_names: Sequence[str], rows: Sequence[BenchmarkRow]) -> dict:
    """The "bars" chart of static/js/charts.js: one series per model, one bar group per
    benchmark (those chart_rows picks, in its order)."""
    return {
        "labels": [
            row.name if row.higher_is_better else f"{row.name} (lower is better)" for row in rows
        ],
        "axisLabel": "Best score, % of the maximum (longer is better)",
        "series": [
            {
                "label": name,
                "values": [_percent(row.cells[index], row.higher_is_better) for row in rows],
                "scores": [
                    format_result(
                        row.cells[index].best_score.score,
                        row.cells[index].best_score.normalized_score,
                        row.max_score,
                    )
                    if row.cells[index]
                    else None
                    for row in rows
                ],
            }
            for index, name in enumerate(model_names)
        ],
    }


# --- prices -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    """A current offering of a model at one provider."""

    ai_model_id: int
    provider_name: str
    input_usd_per_million: Decimal | None
    output_usd_per_million: Decimal | None
    throughput: float | None  # tokens per second
    latency: float | None  # seconds to the first token
    cheapest: bool = False

    @property
    def total(self) -> Decimal | None:
        if self.input_usd_per_million is None or self.output_usd_per_million is None:
            return None
        return self.input_usd_per_million + self.output_usd_per_million


def price_lists(model_ids: Sequence[int], prices: Iterable[Price]) -> list[list[Price]]:
    """Each model's offerings (in the order of model_ids), cheapest first, then by
    provider; offerings without both prices last.

    The cheapest are marked, by the rule of models_registry.models.cheapest_price: the
    lowest input plus output price; on a tie every offering at that price is marked.
    """
    lists: dict[int, list[Price]] = {ai_model_id: [] for ai_model_id in model_ids}
    for price in prices:
        if price.ai_model_id in lists:
            lists[price.ai_model_id].append(price)
    result = []
    for ai_model_id in model_ids:
        offers = lists[ai_model_id]
        totals = [offer.total for offer in offers if offer.total is not None]
        lowest = min(totals) if totals else None
        marked = [
            replace(offer, cheapest=lowest is not None and offer.total == lowest)
            for offer in offers
        ]
        marked.sort(
            key=lambda offer: (
                offer.total is None,
                offer.total or 0,
                offer.provider_name.casefold(),
            )
        )
        result.append(marked)
    return result


def chart_size(label_count: int, series_count: int) -> str:
    """A CSS class for the chart's height, from how many bars it draws (no inline styles)."""
    bars = label_count * series_count
    for limit, size in ((8, "small"), (16, "medium"), (28, "large")):
        if bars <= limit:
            return f"compare-chart-{size}"
    return "compare-chart-huge"
