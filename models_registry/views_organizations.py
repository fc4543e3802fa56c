"""/organizations/: every organization, and one organization's models and best results."""

import bisect
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from benchmarks.models import Result
from models_registry.models import AIModel, Organization

BEST_RESULTS_SHOWN = 20


@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    newest = AIModel.objects.filter(
        organization=OuterRef("pk"), release_date__isnull=False
    ).newest()
    organizations = (
        Organization.objects.only("slug", "name", "country")
        .annotate(
            model_count=Count("ai_models"),
            newest_release=Subquery(newest.values("release_date")[:1]),
            newest_release_precision=Subquery(newest.values("release_date_precision")[:1]),
        )
        .order_by(Lower("name"), "pk")
    )
    return render(
        request, "models_registry/organization_list.html", {"organizations": organizations}
    )


@dataclass(frozen=True)
class BestResult:
    result: Result
    rank: int  # 1 for the best; equal scores share a rank
    model_count: int  # models with a result on the benchmark


def _better(higher_is_better: bool, a: Decimal, b: Decimal) -> bool:
    return a > b if higher_is_better else a < b


def rank_of(scores: list[Decimal], score: Decimal, higher_is_better: bool) -> int:
    """The rank of score among scores (each model's best, sorted ascending): one more
    than the number of strictly better scores, so equal scores share a rank."""
    if higher_is_better:
        return len(scores) - bisect.bisect_right(scores, score) + 1
    return bisect.bisect_left(scores, score) + 1


def best_scores(
    rows: list[tuple[int, int, Decimal]], higher_is_better: dict[int, bool]
) -> dict[int, list[Decimal]]:
    """For each benchmark, every model's best normalized score, sorted ascending.

    rows are (benchmark_id, ai_model_id, normalized_score); a model may have several
    results on one benchmark (different analysis methods): only its best counts.
    """
    best: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for benchmark_id, ai_model_id, score in rows:
        models = best[benchmark_id]
        current = models.get(ai_model_id)
        if current is None or _better(higher_is_better[benchmark_id], score, current):
            models[ai_model_id] = score
    return {benchmark_id: sorted(models.values()) for benchmark_id, models in best.items()}


def best_results(organization: Organization) -> list[BestResult]:
    """The organization's best result on each benchmark its models have a result on,
    ranked among every model's; the benchmarks with the most models first.

    Two queries: the organization's results, then every result on their benchmarks.
    """
    own = list(
        Result.objects.filter(ai_model__organization=organization, normalized_score__isnull=False)
        .select_related("ai_model", "benchmark")
        .only(
            "score",
            "normalized_score",
            "ai_model__slug",
            "ai_model__name",
            "benchmark__slug",
            "benchmark__name",
            "benchmark__higher_is_better",
        )
        .order_by("pk")
    )
    if not own:
        return []
    higher_is_better = {r.benchmark_id: r.benchmark.higher_is_better for r in own}
    best_own: dict[int, Result] = {}
    for result in own:
        current = best_own.get(result.benchmark_id)
        if current is None or _better(
            higher_is_better[result.benchmark_id], result.normalized_score, current.normalized_score
        ):
            best_own[result.benchmark_id] = result
    rows = (
        Result.objects.filter(benchmark_id__in=higher_is_better, normalized_score__isnull=False)
        .order_by("benchmark_id", F("normalized_score").desc())
        .values_list("benchmark_id", "ai_model_id", "normalized_score")
    )
    scores = best_scores(list(rows), higher_is_better)
    ranked = [
        BestResult(
            result,
            rank_of(scores[benchmark_id], result.normalized_score, higher_is_better[benchmark_id]),
            len(scores[benchmark_id]),
        )
        for benchmark_id, result in best_own.items()
    ]
    ranked.sort(key=lambda best: (-best.model_count, best.result.benchmark.name.lower()))
    return ranked[:BEST_RESULTS_SHOWN]


@require_GET
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    ai_models = (
        AIModel.objects.filter(organization=organization)
        .with_result_count()
        .select_related("license")
        .only(
            "slug",
            "name",
            "release_date",
            "release_date_precision",
            "parameter_count",
            "input_context_length",
            "license__open_weights",
        )
        .newest()
    )
    return render(
        request,
        "models_registry/organization_detail.html",
        {
            "organization": organization,
            "ai_models": ai_models,
            "best_results": best_results(organization),
        },
    )
