"""Site-wide pages: the home page and /search/."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from benchmarks.models import Benchmark, Category, Result
from benchmarks.ranking import (
    CategoryBenchmark,
    CategoryRanking,
    RankedModel,
    RankingRow,
    ResultScore,
    core_candidates,
    rank_category,
    ranking_rows,
)
from config.caching import cache_public_page
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
    benchmarks of every category with their scored model counts, the normalized scores
    on the benchmarks that can be in a core set, and the models at the top."""
    memberships = (
        Benchmark.categories.through.objects.filter(category__in=categories)
        .values(
            "category_id",
            "benchmark_id",
            "benchmark__name",
            "benchmark__higher_is_better",
            scored=F("benchmark__scored_model_count"),
        )
        .order_by()
    )
    counted: dict[int, list[tuple[CategoryBenchmark, int]]] = defaultdict(list)
    for row in memberships:
        benchmark = CategoryBenchmark(
            row["benchmark_id"], row["benchmark__name"], row["benchmark__higher_is_better"]
        )
        counted[row["category_id"]].append((benchmark, row["scored"]))
    candidates = {category_id: core_candidates(pairs) for category_id, pairs in counted.items()}

    scores: dict[int, list[ResultScore]] = defaultdict(list)
    wanted = {benchmark.id for benchmarks in candidates.values() for benchmark in benchmarks}
    for score in Result.objects.filter(
        benchmark__in=wanted, normalized_score__isnull=False
    ).category_scores():
        scores[score[1]].append(score)

    rankings = {}
    for category in categories:
        benchmarks = candidates.get(category.pk, [])
        rankings[category.pk] = rank_category(
            benchmarks, [score for benchmark in benchmarks for score in scores[benchmark.id]]
        )
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


@require_GET
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
        Result.objects.recently_changed()
        .select_related("ai_model", "benchmark")
        .only(
            "score",
            "normalized_score",
            "status",
            "updated_at",
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


@require_GET
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
