"""Shaping one model's data for its page (/models/<slug>/): pure functions, no database.

The view loads the model, its offerings, its results (ranked with
benchmarks.ranks.ranked_best_results) and which categories their benchmarks are in,
each in a fixed number of queries; everything the page shows is computed here from
those rows:

- the offerings, the cheapest current one marked (the rule of
  models_registry.models.cheapest_price: the lowest input plus output price among
  offerings that are not deprecated and have both prices);
- one row per benchmark with the model's best result there and the benchmark's
  categories, and the categories with their numbers of rows, which filter the rows;
- the model's mean score on each category's benchmarks, for the chart and its table;
- how it ranks overall, the page's lead sentence and its schema.org description.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.contrib.humanize.templatetags.humanize import ordinal

from benchmarks.ranking import RankedResult, better, merit
from models_registry.models import DatePrecision
from pages.formatting import format_score

PODIUM = 3
PERCENT_PLACES = Decimal("0.1")
# Chart frame heights (model.css) by number of bars: room for each bar, no inline style.
BAR_FRAME_SIZES = ((3, "bars-s"), (6, "bars-m"), (10, "bars-l"), (16, "bars-xl"))
BAR_FRAME_LARGEST = "bars-xxl"
CHART_AXIS_LABEL = "Mean normalized score, % (higher is better)"


# --- Offerings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferingRow:
    offering: Any  # an Offering with its provider
    is_cheapest: bool = False

    @property
    def is_deprecated(self) -> bool:
        return self.offering.deprecated_at is not None


def _total(offering: Any) -> Decimal | None:
    if offering.input_usd_per_million is None or offering.output_usd_per_million is None:
        return None
    return offering.input_usd_per_million + offering.output_usd_per_million


def cheapest_offering(offerings: Iterable[Any]) -> Any | None:
    """The cheapest current offering, by the rule of cheapest_price (ties: the lower
    input price, then the older offering); None when no current offering has both prices."""
    priced = [o for o in offerings if o.deprecated_at is None and _total(o) is not None]
    if not priced:
        return None
    return min(priced, key=lambda o: (_total(o), o.input_usd_per_million, o.pk))


def offering_rows(offerings: Iterable[Any]) -> list[OfferingRow]:
    """Current offerings first, cheapest first by the same rule (unpriced after), then
    deprecated ones."""
    offerings = list(offerings)
    cheapest = cheapest_offering(offerings)

    def order(offering: Any) -> tuple:
        total = _total(offering)
        price_in = offering.input_usd_per_million
        return (
            offering.deprecated_at is not None,
            total is None,
            total or 0,
            price_in is None,
            price_in or 0,
            offering.pk,
        )

    return [
        OfferingRow(offering, is_cheapest=offering is cheapest)
        for offering in sorted(offerings, key=order)
    ]


# --- Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """The model's best result on one benchmark, with its rank when it has one."""

    result: Any  # a Result with its benchmark
    rank: int | None = None  # None: no normalized score, so no rank
    model_count: int | None = None  # models ranked on the benchmark
    categories: tuple[Any, ...] = ()  # its benchmark's categories, by name (with_categories)

    @property
    def benchmark(self) -> Any:
        return self.result.benchmark

    @property
    def merit(self) -> Decimal | None:
        """0 to 1, higher is better whatever the benchmark's direction; None for a result
        that does not rank (no normalized score, or withdrawn by its source)."""
        if self.result.normalized_score is None or self.result.withdrawn_at is not None:
            return None
        return merit(self.result.normalized_score, higher_is_better=self.benchmark.higher_is_better)


def result_rows(ranked: Iterable[RankedResult], unranked: Iterable[Any]) -> list[ResultRow]:
    """One row per benchmark, by benchmark name.

    ranked: ranked_best_results() of the model's results (its best ranked result on
    each benchmark). unranked: its results that do not rank (without a normalized score,
    or withdrawn by their source); one shows only where the benchmark has no ranked
    result, the best raw score of them.
    """
    rows: dict[int, ResultRow] = {
        item.result.benchmark_id: ResultRow(item.result, item.rank, item.model_count)
        for item in ranked
    }
    for result in unranked:
        current = rows.get(result.benchmark_id)
        if current is not None and current.rank is not None:
            continue
        if current is None or better(
            result.benchmark.higher_is_better, result.score, current.result.score
        ):
            rows[result.benchmark_id] = ResultRow(result)
    return sorted(rows.values(), key=lambda row: (row.benchmark.name.casefold(), row.benchmark.pk))


@dataclass(frozen=True)
class CategoryCount:
    """A category of the model's benchmarks, with how many of its rows are in it."""

    category: Any
    count: int


def with_categories(rows: Iterable[ResultRow], links: Iterable[tuple[int, Any]]) -> list[ResultRow]:
    """The rows, each with its benchmark's categories by name.

    links: (benchmark_id, category) pairs.
    """
    categories_of: dict[int, list[Any]] = defaultdict(list)
    for benchmark_id, category in links:
        categories_of[benchmark_id].append(category)
    return [
        replace(
            row,
            categories=tuple(
                sorted(
                    categories_of.get(row.result.benchmark_id, ()),
                    key=lambda category: (category.name.casefold(), category.pk),
                )
            ),
        )
        for row in rows
    ]


def category_counts(rows: Iterable[ResultRow]) -> list[CategoryCount]:
    """Each category of the rows' benchmarks with its number of rows (a benchmark in
    several categories counts in each), the most first, then by name."""
    categories: dict[int, Any] = {}
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        for category in row.categories:
            categories[category.pk] = category
            counts[category.pk] += 1
    found = [CategoryCount(categories[pk], count) for pk, count in counts.items()]
    found.sort(key=lambda item: (-item.count, item.category.name.casefold(), item.category.pk))
    return found


def chosen_category(counts: Iterable[CategoryCount], slug: str | None) -> Any | None:
    """The category ?category= names among the model's; None (every row) for any other
    value."""
    return next((item.category for item in counts if slug and item.category.slug == slug), None)


def in_category(rows: Iterable[ResultRow], category: Any | None) -> list[ResultRow]:
    """The rows whose benchmark is in the category; every row when it is None."""
    if category is None:
        return list(rows)
    return [row for row in rows if any(c.pk == category.pk for c in row.categories)]


# --- Categories chart ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryScore:
    """The mean of the model's best normalized scores on a category's benchmarks."""

    category: Any
    score: Decimal  # 0 to 1, higher is better (lower-is-better benchmarks flipped)
    benchmark_count: int  # benchmarks the mean is over

    @property
    def percent(self) -> Decimal:
        return (self.score * 100).quantize(PERCENT_PLACES, ROUND_HALF_EVEN)


def category_scores(rows: Sequence[ResultRow]) -> list[CategoryScore]:
    """Each category with at least one scored result, in category_counts' order.

    Benchmarks without a category are left out: they have nothing in common to average.
    """
    merits: dict[int, list[Decimal]] = defaultdict(list)
    for row in rows:
        if row.merit is not None:
            for category in row.categories:
                merits[category.pk].append(row.merit)
    return [
        CategoryScore(
            item.category,
            sum(merits[item.category.pk]) / len(merits[item.category.pk]),
            len(merits[item.category.pk]),
        )
        for item in category_counts(rows)
        if merits[item.category.pk]
    ]


def bar_frame_size(bar_count: int) -> str:
    for most, size in BAR_FRAME_SIZES:
        if bar_count <= most:
            return size
    return BAR_FRAME_LARGEST


def category_chart(scores: Sequence[CategoryScore], model_name: str) -> dict:
    """Data for charts.js's "bars" builder: one bar per category."""
    return {
        "labels": [score.category.name for score in scores],
        "axisLabel": CHART_AXIS_LABEL,
        "series": [
            {
                "label": model_name,
                "values": [float(score.percent) for score in scores],
                "scores": [
                    f"{score.percent}% (mean of {score.benchmark_count} benchmark"
                    f"{'' if score.benchmark_count == 1 else 's'})"
                    for score in scores
                ],
            }
        ],
    }


# --- Ranks overall -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankSummary:
    ranked_count: int  # benchmarks where the model has a rank
    first_count: int  # ... where it ranks first (ties included)
    podium_count: int  # ... where it ranks in the top three
    best: ResultRow | None  # its best rank: the lowest, then among the most models

    @property
    def sentence(self) -> str:
        """What the counts say, without an average rank: ranks out of fields of different
        sizes do not average into anything meaningful."""
        if self.best is None:
            return ""
        ranked = f"Ranked on {self.ranked_count} benchmark{'' if self.ranked_count == 1 else 's'}"
        counts = []
        if self.first_count:
            counts.append(f"first on {self.first_count}")
        if self.podium_count:
            counts.append(f"in the top three on {self.podium_count}")
        if counts:
            return f"{ranked}: {' and '.join(counts)}."
        return f"{ranked}; its best rank is {rank_text(self.best)}, on {self.best.benchmark.name}."


def rank_summary(rows: Iterable[ResultRow]) -> RankSummary:
    ranked = [row for row in rows if row.rank is not None]
    best = min(
        ranked,
        key=lambda row: (row.rank, -row.model_count, row.benchmark.name.casefold()),
        default=None,
    )
    return RankSummary(
        ranked_count=len(ranked),
        first_count=sum(1 for row in ranked if row.rank == 1),
        podium_count=sum(1 for row in ranked if row.rank <= PODIUM),
        best=best,
    )


# --- Page facts ----------------------------------------------------------------------------------


def last_updated(*stamps: datetime.datetime | None) -> datetime.datetime | None:
    """The latest of the given times (the model's, its results', its offerings')."""
    known = [stamp for stamp in stamps if stamp is not None]
    return max(known) if known else None


def rank_text(row: ResultRow) -> str:
    return f"{ordinal(row.rank)} of {row.model_count}"


def lead_sentence(
    *,
    model_name: str,
    organization_name: str,
    benchmark_count: int,
    best: ResultRow | None,
    cheapest: Any | None,
) -> str:
    """One sentence for the page's lead and its meta description, from the data."""
    parts = [f"results on {benchmark_count} benchmark{'' if benchmark_count == 1 else 's'}"]
    if not benchmark_count:
        parts = ["no benchmark results yet"]
    if best is not None:
        parts.append(f"best rank {rank_text(best)} on {best.benchmark.name}")
    if cheapest is not None:
        parts.append(
            f"from ${format_score(cheapest.input_usd_per_million)} per million input tokens"
        )
    return f"{model_name} by {organization_name}: {', '.join(parts)}."


def partial_date(value: datetime.date, precision: str) -> str:
    """An ISO 8601 date only as precise as it is known: 2025-03-14, 2025-03 or 2025."""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def structured_data(
    ai_model: Any,
    *,
    url: str,
    organization_url: str,
    models_url: str,
    description: str,
    cheapest: Any | None,
    offering_count: int,
) -> list[dict]:
    """schema.org SoftwareApplication and BreadcrumbList descriptions of the page."""
    organization = {
        "@type": "Organization",
        "name": ai_model.organization.name,
        "url": organization_url,
    }
    if ai_model.organization.website:
        organization["sameAs"] = ai_model.organization.website
    application = {
        "@context": "https://schema.org",
        "@type": "SoftwareApplication",
        "name": ai_model.name,
        "description": ai_model.description or description,
        "url": url,
        "applicationCategory": "AI model",
        "author": organization,
        "creator": organization,
    }
    if ai_model.release_date:
        application["datePublished"] = partial_date(
            ai_model.release_date, ai_model.release_date_precision
        )
    if ai_model.license:
        application["license"] = {"@type": "CreativeWork", "name": ai_model.license.name}
    if cheapest is not None:
        application["offers"] = {
            "@type": "AggregateOffer",
            "lowPrice": format_score(cheapest.input_usd_per_million),
            "priceCurrency": "USD",
            "offerCount": offering_count,
            "description": "USD per million input tokens at the cheapest current provider",
        }
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Models", "item": models_url},
            {"@type": "ListItem", "position": 2, "name": ai_model.name, "item": url},
        ],
    }
    return [application, breadcrumbs]
