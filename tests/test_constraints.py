"""The database itself refuses bad rows, whatever code writes them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from benchmarks.models import Benchmark, Result
from models_registry.models import AIModel, Offering, Organization
from sources.models import SUBMISSIONS, standard_source
from submissions.models import DataReport, ResultSubmission
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_offering,
    make_organization,
    make_result,
)

pytestmark = pytest.mark.django_db


def refused(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_slugs_are_unique_and_valid():
    make_organization(slug="openai")
    refused(lambda: Organization.objects.create(slug="openai", name="Again"))
    refused(lambda: Organization.objects.create(slug="", name="Empty"))
    refused(lambda: Organization.objects.create(slug="a/b", name="Slash"))
    make_benchmark(slug="gpqa")
    refused(lambda: Benchmark.objects.create(slug="gpqa", name="Again"))


def test_source_ids_with_punctuation_are_valid_slugs():
    for slug in ["mbpp+", "graphwalks-bfs-<128k", "humanity's-last-exam", "translation-en→set1"]:
        make_benchmark(slug=slug).full_clean()


def test_one_result_per_model_benchmark_method_and_source():
    result = make_result(analysis_method="5-shot")
    refused(
        lambda: Result.objects.create(
            ai_model=result.ai_model,
            benchmark=result.benchmark,
            analysis_method="5-shot",
            score=Decimal("0.7"),
            source=result.source,
        )
    )
    # Another method is another result; so is another source's report of the same one.
    make_result(ai_model=result.ai_model, benchmark=result.benchmark, analysis_method="0-shot")
    make_result(
        ai_model=result.ai_model,
        benchmark=result.benchmark,
        analysis_method="5-shot",
        source=standard_source(SUBMISSIONS),
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"score": Decimal("-0.1")},
        {"normalized_score": Decimal("1.2")},
        {"normalized_score": Decimal("-0.01")},
        {"status": Result.Status.VERIFIED, "verified_by": ""},
    ],
)
def test_bad_results_are_refused(fields):
    refused(lambda: make_result(**fields))


def test_verified_result_names_its_verifier():
    make_result(status=Result.Status.VERIFIED, verified_by="Benchboard curators")


def test_benchmark_scale_is_positive_and_not_its_own_parent():
    refused(lambda: make_benchmark(max_score=Decimal(0)))
    benchmark = make_benchmark()
    benchmark.parent = benchmark
    refused(benchmark.save)


def test_model_counts_are_positive_and_not_fine_tuned_from_itself():
    refused(lambda: make_ai_model(parameter_count=0))
    refused(lambda: make_ai_model(training_tokens=-5))
    ai_model = make_ai_model()
    refused(lambda: AIModel.objects.filter(pk=ai_model.pk).update(fine_tuned_from=ai_model.pk))


def test_offerings_are_unique_and_not_negative():
    offering = make_offering()
    refused(lambda: Offering.objects.create(provider=offering.provider, ai_model=offering.ai_model))
    refused(lambda: make_offering(input_usd_per_million=Decimal("-1")))
    refused(lambda: make_offering(output_usd_per_million=Decimal("-1")))
    refused(lambda: make_offering(throughput=-3.0))
    refused(lambda: make_offering(latency=-0.5))


def test_tickets():
    benchmark = make_benchmark()
    report = DataReport.objects.create(
        kind=DataReport.Kind.WRONG_VALUE, description="The score is 0.88", benchmark=benchmark
    )
    assert len(report.reference) >= 16
    refused(
        lambda: DataReport.objects.create(
            kind=DataReport.Kind.OTHER, description="x", reference=report.reference
        )
    )
    refused(lambda: DataReport.objects.create(kind=DataReport.Kind.OTHER, description=""))
    ai_model = make_ai_model()
    refused(
        lambda: ResultSubmission.objects.create(
            ai_model=ai_model, benchmark=benchmark, score=Decimal(-1), source_url="https://a.b/"
        )
    )
    refused(
        lambda: ResultSubmission.objects.create(
            ai_model=ai_model, benchmark=benchmark, score=Decimal(1), source_url=""
        )
    )


def test_scores_stay_below_a_billion_so_sqlite_reads_them_back_exactly():
    refused(lambda: make_result(score=Decimal(10**9), normalized_score=None))
    result = make_result(score=Decimal("999999999.999999"), normalized_score=None)
    result.refresh_from_db()
    assert result.score == Decimal("999999999.999999")
