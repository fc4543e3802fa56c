"""/organizations/: every organization, and one organization's models and best results."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from benchmarks.models import Benchmark, Result
from benchmarks.ranking import RankedResult, best_per_model_and_benchmark, better, ranked_in_sql
from config.caching import cache_public_page
from config.http import read_only
from models_registry.models import AIModel, Organization

BEST_RESULTS_SHOWN = 20


@read_only
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

    Three queries: the benchmarks that can be among the first BEST_RESULTS_SHOWN (those
    with as many models as the last of them, ties kept), the organization's results on
    them, and the ranks of its best result on each. Reading every result of every
    benchmark the organization is on took a second for one of 170 models.
    """
    scored = Result.objects.filter(
        ai_model__organization=organization, normalized_score__isnull=False
    )
    counted = list(
        Benchmark.objects.filter(pk__in=scored.values("benchmark_id"))
        .order_by("-scored_model_count")
        .values_list("pk", "scored_model_count")
    )
    if not counted:
        return []
    floor = counted[min(BEST_RESULTS_SHOWN, len(counted)) - 1][1]
    own = (
        scored.filter(benchmark__in=[pk for pk, count in counted if count >= floor])
        .select_related("ai_model", "benchmark")
        .only(
            "score",
            "normalized_score",
            "ai_model__slug",
            "ai_model__name",
            "benchmark__slug",
            "benchmark__name",
            "benchmark__higher_is_better",
            "benchmark__max_score",
        )
        .order_by("pk")
    )
    # The best of the organization's results on each benchmark, the first of equals: the
    # one with the best rank there, so it is the only one that needs ranking.
    best: dict[int, Result] = {}
    for result in best_per_model_and_benchmark(own):
        current = best.get(result.benchmark_id)
        if current is None or better(
            result.benchmark.higher_is_better, result.normalized_score, current.normalized_score
        ):
            best[result.benchmark_id] = result
    ordered = sorted(
        ranked_in_sql(list(best.values())),
        key=lambda best: (-best.model_count, best.result.benchmark.name.lower()),
    )
    return ordered[:BEST_RESULTS_SHOWN]


@read_only
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
