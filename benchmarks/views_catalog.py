"""The catalogue pages: every benchmark, every category, and a category's ranking."""

from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from benchmarks.forms import BENCHMARK_DEFAULT_SORT, BENCHMARK_SORT_OPTIONS, benchmark_filters
from benchmarks.models import Benchmark, Category, Result
from benchmarks.ranking import CategoryBenchmark, rank_category, ranking_rows, standings
from config.caching import cache_public_page
from config.http import read_only
from models_registry.models import AIModel
from pages.listing import Column, Option, column_headers, page_number, wants_partial

BENCHMARKS_PER_PAGE = 50
# Rows of a category ranking shown at a time; the ranks are the whole ranking's.
RANKING_PER_PAGE = 100


# --- /benchmarks/ ---------------------------------------------------------------------------


COLUMNS = (
    Column("name", "Benchmark", first_direction=""),
    Column("categories", "Categories"),
    Column("modality", "Modality"),
    Column("models", "Models", numeric=True, first_direction="-"),
    Column("updated", "Last update", numeric=True, first_direction="-"),
)


@read_only
@cache_public_page
# A history restore also says HX-Request but gets the whole page: vary on both.
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def benchmark_list(request: HttpRequest) -> HttpResponse:
    categories = list(Category.objects.only("slug", "name"))
    filters = benchmark_filters(request.GET, categories=categories)
    category_ids = {category.slug: category.pk for category in categories}
    benchmarks = Benchmark.objects.for_list(
        q=filters.q,
        category_id=category_ids.get(filters.category),
        modality=filters.modality,
        sort=filters.sort,
    )
    paginator = Paginator(benchmarks, BENCHMARKS_PER_PAGE)
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
            default_sort=BENCHMARK_DEFAULT_SORT,
            phrase=lambda key: BENCHMARK_SORT_OPTIONS[key].phrase,
        ),
        "sort_phrase": BENCHMARK_SORT_OPTIONS[filters.sort].phrase,
        "sort_options": [
            Option(key, option.label, key == filters.sort)
            for key, option in BENCHMARK_SORT_OPTIONS.items()
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


@read_only
@cache_public_page
def category_list(request: HttpRequest) -> HttpResponse:
    categories = (
        Category.objects.with_model_count()
        .annotate(benchmark_count=Count("benchmarks", distinct=True))
        .order_by(Lower("name"), "pk")
    )
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


@read_only
@cache_public_page
# A history restore also says HX-Request but gets the whole page: vary on both.
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # With how many models have a result anywhere in the category, scored or not, for
    # the ranking's "N more models measured".
    category = get_object_or_404(Category.objects.with_measured_model_count(), slug=slug)
    benchmarks = list(
        category.benchmarks.only("slug", "name", "higher_is_better", "model_count").order_by(
            "-model_count", Lower("name"), "pk"
        )
    )
    ranked = [CategoryBenchmark(b.pk, b.name, b.higher_is_better) for b in benchmarks]
    scores = Result.objects.filter(
        benchmark__in=[b.id for b in ranked], normalized_score__isnull=False
    ).category_scores()
    ranking = rank_category(
        ranked, standings(ranked, scores), measured_model_count=category.measured
    )
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
    ranked_ids = ranking.benchmark_ids
    template = "benchmarks/category_detail.html"
    return render(
        request,
        f"{template}#category-ranking" if wants_partial(request) else template,
        {
            "category": category,
            "benchmarks": [(benchmark, benchmark.pk in ranked_ids) for benchmark in benchmarks],
            "ranking": ranking,
            "ranked_count": len(rows),
            "page_obj": page,
            "rows": page.object_list,
        },
    )
