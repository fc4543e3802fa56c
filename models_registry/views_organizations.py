"""/organizations/: every organization, and one organization's models and best results."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from benchmarks.models import Result
from benchmarks.ranks import RankedResult, ranked_best_results
from config.caching import cache_public_page
from models_registry.models import AIModel, Organization

BEST_RESULTS_SHOWN = 20


@require_GET
@cache_public_page
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


def best_results(organization: Organization) -> list[RankedResult]:
    """The organization's best result on each benchmark its models have a result on,
    ranked among every model's; the benchmarks with the most models first.

    Two queries: the organization's results, then every result on their benchmarks.
    """
    own = (
        Result.objects.filter(ai_model__organization=organization)
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
    best: dict[int, RankedResult] = {}
    for ranked in ranked_best_results(own):
        current = best.get(ranked.result.benchmark_id)
        if current is None or ranked.rank < current.rank:
            best[ranked.result.benchmark_id] = ranked
    ordered = sorted(
        best.values(), key=lambda best: (-best.model_count, best.result.benchmark.name.lower())
    )
    return ordered[:BEST_RESULTS_SHOWN]


@require_GET
@cache_public_page
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
