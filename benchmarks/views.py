from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from benchmarks.models import Benchmark
from models_registry.models import AIModel

HOME_LIST_LENGTH = 100


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    benchmarks = (
        Benchmark.objects.annotate(model_count=Count("results__ai_model", distinct=True))
        .order_by("-model_count", "name")
        .only("slug", "name")
    )
    ai_models = (
        AIModel.objects.newest()
        .select_related("organization")
        .only("slug", "name", "release_date", "release_date_precision", "organization__name")
    )
    return render(
        request,
        "benchmarks/home.html",
        {
            "benchmarks": benchmarks[:HOME_LIST_LENGTH],
            "benchmark_count": Benchmark.objects.count(),
            "ai_models": ai_models[:HOME_LIST_LENGTH],
            "ai_model_count": AIModel.objects.count(),
        },
    )


@require_GET
def benchmark_detail(request: HttpRequest, slug: str) -> HttpResponse:
    benchmark = get_object_or_404(Benchmark, slug=slug)
    return render(request, "benchmarks/benchmark_detail.html", {"benchmark": benchmark})
