"""The catalogue pages: every benchmark, every category, and a category's ranking."""

from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, Lower
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from benchmarks.models import Benchmark, Category, Result
from benchmarks.ranking import (
    CategoryBenchmark,
    core_candidates,
    rank_category,
    ranking_rows,
)
from config.caching import cache_public_page
from models_registry.models import AIModel
from pages.listing import Column, column_headers, page_number, wants_partial

BENCHMARKS_PER_PAGE = 50
# Rows of a category ranking shown at a time; the ranks are the whole ranking's.
RANKING_PER_PAGE = 100
SEARCH_MAX_LENGTH = 200


# --- /benchmarks/: parameters ----------------------------------------------------------------


@dataclass(frozen=True)
class SortOption:
    key: str  # the ?sort= value; a leading "-" means descending
    label: str  # in the sort menu
    phrase: str  # after "sorted by" or "sort by"
    order_by: tuple


_BY_NAME = (Lower("name"), "pk")
SORT_OPTIONS = {
    option.key: option
    for option in (
        SortOption("name", "Name, A to Z", "name (A to Z)", _BY_NAME),
        SortOption("-name", "Name, Z to A", "name (Z to A)", (Lower("name").desc(), "-pk")),
        SortOption("-models", "Most models", "most models", ("-model_count", *_BY_NAME)),
        SortOption("models", "Fewest models", "fewest models", ("model_count", *_BY_NAME)),
        SortOption("-updated", "Recently updated", "latest update", ("-last_update", *_BY_NAME)),
        SortOption(
            "updated", "Least recently updated", "oldest update", ("last_update", *_BY_NAME)
        ),
    )
}
DEFAULT_SORT = "name"


COLUMNS = (
    Column("name", "Benchmark", first_direction=""),
    Column("categories", "Categories"),
    Column("modality", "Modality"),
    Column("models", "Models", numeric=True, first_direction="-"),
    Column("updated", "Last update", numeric=True, first_direction="-"),
)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class BenchmarkFilters:
    """The list's parameters once checked: anything unknown is the default."""

    q: str = ""
    category: str = ""
    modality: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_query(cls, query: QueryDict, category_slugs: set[str]) -> "BenchmarkFilters":
        q = " ".join(query.get("q", "").replace("\x00", "").split())[:SEARCH_MAX_LENGTH]
        category = query.get("category", "")
        modality = query.get("modality", "")
        sort = query.get("sort", "")
        return cls(
            q=q,
            category=category if category in category_slugs else "",
            modality=modality if modality in Benchmark.Modality.values else "",
            sort=sort if sort in SORT_OPTIONS else DEFAULT_SORT,
        )

    def params(self) -> dict[str, str]:
        """The non-default parameters: the base of every link on the page."""
        values = {
            "q": self.q,
            "category": self.category,
            "modality": self.modality,
            "sort": "" if self.sort == DEFAULT_SORT else self.sort,
        }
        return {key: value for key, value in values.items() if value}

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.category or self.modality)


def benchmark_rows(filters: BenchmarkFilters, category_ids: dict[str, int]) -> QuerySet:
    benchmarks = Benchmark.objects.all()
    if filters.q:
        benchmarks = benchmarks.matching_words(filters.q)
    if filters.category:
        benchmarks = benchmarks.filter(categories=category_ids[filters.category])
    if filters.modality:
        benchmarks = benchmarks.filter(modality=filters.modality)
    return (
        benchmarks.annotate(
            # A benchmark changes when it is edited or when any of its results is.
            last_update=Greatest("updated_at", Coalesce("results_updated_at", "updated_at")),
        )
        .only("slug", "name", "description", "modality", "updated_at", "model_count")
        .prefetch_related(Prefetch("categories", queryset=Category.objects.only("slug", "name")))
        .order_by(*SORT_OPTIONS[filters.sort].order_by)
    )


@require_GET
@cache_public_page
# A history restore also says HX-Request but gets the whole page: vary on both.
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def benchmark_list(request: HttpRequest) -> HttpResponse:
    categories = list(Category.objects.only("slug", "name"))
    filters = BenchmarkFilters.from_query(request.GET, {c.slug for c in categories})
    paginator = Paginator(
        benchmark_rows(filters, {c.slug: c.pk for c in categories}), BENCHMARKS_PER_PAGE
    )
    page: Page = paginator.page(page_number(request.GET.get("page"), paginator.num_pages))
    partial = wants_partial(request)
    context = {
        "filters": filters,
        "params": filters.params(),
        "page_obj": page,
        "benchmarks": page.object_list,
        "headers": column_headers(
            COLUMNS,
            sort=filters.sort,
            default_sort=DEFAULT_SORT,
            phrase=lambda key: SORT_OPTIONS[key].phrase,
        ),
        "sort_phrase": SORT_OPTIONS[filters.sort].phrase,
        "sort_options": [
            Option(key, option.label, key == filters.sort) for key, option in SORT_OPTIONS.items()
        ],
        "category_options": [
            Option(c.slug, c.name, c.slug == filters.category) for c in categories
        ],
        "modality_options": [
            Option(value, label, value == filters.modality)
            for value, label in Benchmark.Modality.choices
        ],
        # An htmx swap also refreshes the controls outside the table (out of band).
        "swap_controls": partial,
    }
    template = "benchmarks/benchmark_list.html"
    return render(request, f"{template}#benchmark-table" if partial else template, context)


# --- /categories/ ----------------------------------------------------------------------------


@require_GET
@cache_public_page
def category_list(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.annotate(
        benchmark_count=Count("benchmarks", distinct=True),
        model_count=Count("benchmarks__results__ai_model", distinct=True),
    ).order_by(Lower("name"), "pk")
    return render(
        request,
        "benchmarks/category_list.html",
        {"categories": categories},
    )


# --- /categories/<slug>/ ---------------------------------------------------------------------


class RankedModelLink(NamedTuple):
    """What a category ranking's row shows of its model. Plain values: the ranking names
    every ranked model (ties are ordered by name), and model instances of them all, with
    their organizations and licences, took a third of the page's time."""

    slug: str
    name: str
    organization_name: str
    is_open: bool

    def get_absolute_url(self) -> str:
        return reverse("models_registry:detail", args=[self.slug])


@require_GET
@cache_public_page
# A history restore also says HX-Request but gets the whole page: vary on both.
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # With how many models have a result anywhere in the category, for the ranking's
    # "N more models measured" (the scores below are only the core candidates').
    measured = (
        Result.objects.filter(benchmark__categories=OuterRef("pk"))
        .order_by()
        .values("benchmark__categories")
        .annotate(count=Count("ai_model", distinct=True))
        .values("count")
    )
    category = get_object_or_404(
        Category.objects.annotate(measured=Coalesce(Subquery(measured), 0)), slug=slug
    )
    benchmarks = list(
        category.benchmarks.only(
            "slug", "name", "higher_is_better", "model_count", "scored_model_count"
        ).order_by("-model_count", Lower("name"), "pk")
    )
    # Only the benchmarks that can be in the core set: a category of 168 benchmarks
    # has 70,000 scores, its ten most measured a tenth of them.
    candidates = core_candidates(
        (CategoryBenchmark(b.pk, b.name, b.higher_is_better), b.scored_model_count)
        for b in benchmarks
    )
    scores = Result.objects.filter(benchmark__in=[b.id for b in candidates]).category_scores()
    ranking = rank_category(candidates, scores, measured_model_count=category.measured)
    ranked_models = AIModel.objects.filter(
        pk__in=[entry.ai_model_id for entry in ranking.entries]
    ).values_list("pk", "slug", "name", "organization__name", "license__open_weights")
    rows = ranking_rows(
        ranking,
        {
            pk: RankedModelLink(slug, name, organization_name, bool(open_weights))
            for pk, slug, name, organization_name, open_weights in ranked_models
        },
    )
    # The ranks are the whole ranking's; only the table is paged.
    paginator = Paginator(rows, RANKING_PER_PAGE)
    page: Page = paginator.page(page_number(request.GET.get("page"), paginator.num_pages))
    core_ids = ranking.core_ids
    template = "benchmarks/category_detail.html"
    return render(
        request,
        f"{template}#category-ranking" if wants_partial(request) else template,
        {
            "category": category,
            "benchmarks": [(benchmark, benchmark.pk in core_ids) for benchmark in benchmarks],
            "ranking": ranking,
            "ranked_count": len(rows),
            "page_obj": page,
            "rows": page.object_list,
        },
    )
