"""Site-wide pages: the home page and /search/."""

from collections import defaultdict
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from benchmarks.models import Benchmark, Category, Result
from benchmarks.ranking import (
    CategoryBenchmark,
    CategoryRanking,
    RankedModel,
    RankingRow,
    rank_category,
    ranking_rows,
    standings,
)
from config.caching import cache_public_page
from config.http import read_only
from models_registry.models import AIModel
from pages.listing import wants_partial
from pages.search import QUERY_MAX_LENGTH, clean_query, search_groups

HOME_LIST_LENGTH = 8
# The home page's main categories: the ones with the most models measured.
HOME_CATEGORIES = 6
HOME_LEADERS = 3


@dataclass(frozen=True)
class CategoryLeaders:
    """A category's card on the home page: the top of its ranking."""

    category: Category
    ranking: CategoryRanking
    rows: list[RankingRow[AIModel]]


def podium(ranking: CategoryRanking, places: int = HOME_LEADERS) -> list[RankedModel]:
    """The entries that can be among the first `places` rows: everyone tied with the last."""
    if not ranking.entries:
        return []
    last_rank = ranking.entries[min(places, len(ranking.entries)) - 1].rank
    return [entry for entry in ranking.entries if entry.rank <= last_rank]


def _category_leaders(categories: list[Category]) -> list[CategoryLeaders]:
    """Each category's ranking, as on its page, in three queries for all of them: the
    benchmarks of every category, the normalized scores on them, and the models at the
    top. A benchmark in several categories has its standings worked out once."""
    memberships = (
        Benchmark.categories.through.objects.filter(category__in=categories)
        .values(
            "category_id",
            "benchmark_id",
            "benchmark__name",
            "benchmark__higher_is_better",
        )
        .order_by()
    )
    benchmarks: dict[int, list[CategoryBenchmark]] = defaultdict(list)
    for row in memberships:
        benchmarks[row["category_id"]].append(
            CategoryBenchmark(
                row["benchmark_id"], row["benchmark__name"], row["benchmark__higher_is_better"]
            )
        )
    every = {benchmark.id: benchmark for listed in benchmarks.values() for benchmark in listed}
    scores = Result.objects.filter(
        benchmark__in=list(every), normalized_score__isnull=False
    ).category_scores()
    standing = standings(every.values(), scores)
    rankings = {
        category.pk: rank_category(benchmarks.get(category.pk, []), standing)
        for category in categories
    }
    ai_models = AIModel.objects.filter(
        pk__in={entry.ai_model_id for ranking in rankings.values() for entry in podium(ranking)}
    ).select_related("organization")
    by_id = {
        ai_model.pk: ai_model
        for ai_model in ai_models.only("slug", "name", "organization__slug", "organization__name")
    }
    return [
        CategoryLeaders(
            category,
            rankings[category.pk],
            ranking_rows(rankings[category.pk], by_id)[:HOME_LEADERS],
        )
        for category in categories
    ]


@read_only
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    """The leaders of the main categories, the newest models, the most-used benchmarks and
    the latest results: ten queries (with the demo banner's), whatever the data size."""
    categories = list(Category.objects.most_measured().only("slug", "name")[:HOME_CATEGORIES])
    benchmarks = Benchmark.objects.order_by("-model_count", "name").only(
        "slug", "name", "model_count"
    )
    ai_models = (
        AIModel.objects.newest()
        .select_related("organization")
        .only(
            "slug",
            "name",
            "release_date",
            "release_date_precision",
            "organization__slug",
            "organization__name",
        )
    )
    results = (
        Result.objects.newest()
        .select_related("ai_model", "benchmark")
        .only(
            "score",
            "normalized_score",
            "status",
            "recorded_on",
            "ai_model__slug",
            "ai_model__name",
            "benchmark__slug",
            "benchmark__name",
            "benchmark__max_score",
        )
    )
    return render(
        request,
        "pages/home.html",
        {
            "leaders": _category_leaders(categories),
            "benchmarks": benchmarks[:HOME_LIST_LENGTH],
            "benchmark_count": Benchmark.objects.count(),
            "ai_models": ai_models[:HOME_LIST_LENGTH],
            "ai_model_count": AIModel.objects.count(),
            "results": results[:HOME_LIST_LENGTH],
        },
    )


@read_only
# A history restore also says HX-Request but gets the whole page: vary on both.
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def search(request: HttpRequest) -> HttpResponse:
    q = clean_query(request.GET.get("q", ""))
    groups = search_groups(q) if q else []
    partial = wants_partial(request)
    context = {
        "q": q,
        "groups": groups,
        "total": sum(len(g.hits) for g in groups),
        "more": any(g.more for g in groups),
        "max_length": QUERY_MAX_LENGTH,
        # An htmx swap also refreshes the status line outside the results (out of band).
        "swap_status": partial,
    }
    template = "pages/search.html"
    return render(request, f"{template}#search-results" if partial else template, context)
