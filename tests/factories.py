"""Plain builders for test data: make_<thing>(**fields) with sensible defaults."""

import datetime
import itertools
from decimal import Decimal

from django.db.models import Model

from benchmarks.models import Benchmark, Category, Result
from benchmarks.services import refresh_result_stats, result_stats_refreshed
from models_registry.models import AIModel, License, Offering, Organization, Provider
from sources.models import CURATORS, standard_source

_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


def make_organization(**fields) -> Organization:
    n = _next()
    fields.setdefault("slug", f"org-{n}")
    fields.setdefault("name", f"Organization {n}")
    return Organization.objects.create(**fields)


def make_license(**fields) -> License:
    n = _next()
    fields.setdefault("slug", f"license-{n}")
    fields.setdefault("name", f"License {n}")
    fields.setdefault("allows_commercial_use", True)
    fields.setdefault("open_weights", True)
    return License.objects.create(**fields)


def make_ai_model(**fields) -> AIModel:
    n = _next()
    fields.setdefault("slug", f"model-{n}")
    fields.setdefault("name", f"Model {n}")
    if "organization" not in fields:
        fields["organization"] = make_organization()
    fields.setdefault("release_date", datetime.date(2025, 1, 1))
    return AIModel.objects.create(**fields)


def make_provider(**fields) -> Provider:
    n = _next()
    fields.setdefault("slug", f"provider-{n}")
    fields.setdefault("name", f"Provider {n}")
    return Provider.objects.create(**fields)


def make_offering(**fields) -> Offering:
    if "provider" not in fields:
        fields["provider"] = make_provider()
    if "ai_model" not in fields:
        fields["ai_model"] = make_ai_model()
    fields.setdefault("input_usd_per_million", Decimal("1.00"))
    fields.setdefault("output_usd_per_million", Decimal("3.00"))
    return Offering.objects.create(**fields)


def make_category(**fields) -> Category:
    n = _next()
    fields.setdefault("slug", f"category-{n}")
    fields.setdefault("name", f"Category {n}")
    return Category.objects.create(**fields)


def make_benchmark(*, categories=(), **fields) -> Benchmark:
    n = _next()
    fields.setdefault("slug", f"benchmark-{n}")
    fields.setdefault("name", f"Benchmark {n}")
    benchmark = Benchmark.objects.create(**fields)
    if categories:
        benchmark.categories.set(categories)
    return benchmark


def make_result(**fields) -> Result:
    if "ai_model" not in fields:
        fields["ai_model"] = make_ai_model()
    if "benchmark" not in fields:
        fields["benchmark"] = make_benchmark()
    fields.setdefault("score", Decimal("0.5"))
    fields.setdefault("normalized_score", Decimal(fields["score"]) / fields["benchmark"].max_score)
    fields.setdefault("source_url", "https://example.org/paper")
    fields.setdefault("recorded_on", datetime.date(2025, 1, 1))
    if "source" not in fields and "source_id" not in fields:
        fields["source"] = standard_source(CURATORS)
    result = Result.objects.create(**fields)
    refresh_result_stats([result.benchmark_id])
    return result


def make_ranked_results(benchmark: Benchmark, count: int, **model_fields) -> None:
    """count models with a result each on the benchmark: "Model 001" best (0.999), then
    "Model 002" and on, one thousandth lower each."""
    for n in range(1, count + 1):
        make_result(
            benchmark=benchmark,
            ai_model=make_ai_model(name=f"Model {n:03}", **model_fields),
            score=Decimal(1000 - n) / 1000,
        )


def save(instance: Model) -> None:
    """Save as the site's writers do: the result stats of the benchmarks the save touched
    (benchmarks.services) refreshed with it."""
    with result_stats_refreshed([instance]):
        instance.save()


def delete(instance: Model) -> None:
    """Delete as the site's writers do, refreshing the result stats it changed."""
    with result_stats_refreshed([instance], deleting=True):
        instance.delete()


def make_source(**fields):
    from sources.models import Source

    n = _next()
    fields.setdefault("slug", f"source-{n}")
    fields.setdefault("name", f"Source {n}")
    return Source.objects.create(**fields)


def make_import_run(*, anomalies=(), **fields):
    """An import run; anomalies are (kind, file, message) triples, recorded with it."""
    from django.utils import timezone

    from sources.models import ImportRun, RunAnomaly

    if "source" not in fields:
        fields["source"] = make_source()
    fields.setdefault("command", "import_llmstats")
    fields.setdefault("location", "data/llmstats.tar.xz")
    fields.setdefault("started_at", timezone.now())
    fields.setdefault("finished_at", fields["started_at"] + datetime.timedelta(seconds=2))
    fields.setdefault("anomaly_count", len(anomalies))
    run = ImportRun.objects.create(**fields)
    RunAnomaly.objects.bulk_create(
        RunAnomaly(run=run, kind=kind, file=file, message=message)
        for kind, file, message in anomalies
    )
    return run
