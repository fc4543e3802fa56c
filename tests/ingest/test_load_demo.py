import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.db.models import Avg, Count
from django.test.utils import CaptureQueriesContext

from benchmarks.changelog import DEMO_REASON
from benchmarks.models import Benchmark, Category, Result
from ingest.demo import build_demo
from models_registry.models import (
    DEMO_URL_PREFIX,
    AIModel,
    DatePrecision,
    License,
    Offering,
    Organization,
    Provider,
)
from submissions.models import ResultSubmission
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_license,
    make_offering,
    make_organization,
    make_provider,
    make_result,
)
from tests.test_curators import make_result_submission

pytestmark = pytest.mark.django_db

ALL_KINDS = (Organization, License, Provider, Category, AIModel, Offering, Benchmark, Result)


def load_demo(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def rows(model: type[models.Model]) -> list[tuple]:
    """Every stored value except keys and timestamps, with relations by slug."""
    names = [
        f"{field.name}__slug" if field.is_relation else field.name
        for field in model._meta.concrete_fields
        if field.name not in {"id", "created_at", "updated_at", "results_updated_at"}
    ]
    return list(model.objects.order_by(*names).values_list(*names))


def snapshot() -> dict[str, list[tuple]]:
    tables = {model.__name__: rows(model) for model in ALL_KINDS}
    tables["benchmark categories"] = list(
        Benchmark.categories.through.objects.order_by(
            "benchmark__slug", "category__slug"
        ).values_list("benchmark__slug", "category__slug")
    )
    return tables


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_KINDS}


def test_loads_as_many_models_and_benchmarks_as_asked():
    out = load_demo(models=25, benchmarks=15)

    assert AIModel.objects.count() == 25
    assert Benchmark.objects.count() == 15
    assert Organization.objects.count() == 12
    assert Provider.objects.count() == 6
    assert Result.objects.exists()
    assert Offering.objects.exists()
    assert len(out.splitlines()) == 1
    assert "25 models" in out
    assert "15 benchmarks" in out
    assert f"{Result.objects.count()} results" in out


def test_default_size():
    load_demo()

    assert AIModel.objects.count() == 60
    assert Benchmark.objects.count() == 40


def test_the_same_arguments_give_the_same_rows():
    load_demo(models=20, benchmarks=12, seed=7)
    first = snapshot()
    load_demo(delete=True)
    load_demo(models=20, benchmarks=12, seed=7)

    assert snapshot() == first


def test_another_seed_gives_other_rows():
    load_demo(models=20, benchmarks=12, seed=7)
    first = snapshot()
    load_demo(models=20, benchmarks=12, seed=8)

    assert snapshot()["AIModel"] != first["AIModel"]
    assert snapshot()["Result"] != first["Result"]


def test_building_is_repeatable_without_a_database():
    def summary(seed: int) -> tuple:
        data = build_demo(models=30, benchmarks=20, seed=seed)
        return (
            [(d.ai_model.slug, d.ai_model.release_date) for d in data.ai_models],
            [(o.ai_model.slug, o.provider.slug, o.input_usd_per_million) for o in data.offerings],
            [(r.ai_model.slug, r.benchmark.slug, r.score) for r in data.results],
        )

    assert summary(3) == summary(3)


def test_loading_again_replaces_the_demo_data():
    load_demo(models=20, benchmarks=12)
    first_counts, first_rows = counts(), snapshot()
    load_demo(models=20, benchmarks=12)

    assert counts() == first_counts
    assert snapshot() == first_rows


def test_if_empty_loads_into_an_empty_database():
    load_demo(models=10, benchmarks=8, if_empty=True)

    assert AIModel.objects.count() == 10


@pytest.mark.parametrize("make_existing", [make_ai_model, make_benchmark])
def test_if_empty_leaves_a_database_with_data_alone(make_existing):
    make_existing()
    before = counts()

    out = load_demo(models=10, benchmarks=8, if_empty=True)

    assert "not loaded" in out
    assert counts() == before


def make_real_rows() -> dict[str, models.Model]:
    """A small real catalogue; its "reasoning" category has the slug of a demo one."""
    organization = make_organization(website="https://example.org/")
    license = make_license(slug="real-open")
    ai_model = make_ai_model(organization=organization, license=license)
    provider = make_provider(website="https://example.com/")
    category = make_category(slug="reasoning", name="Reasoning")
    benchmark = make_benchmark(categories=[category], paper_url="https://example.org/paper")
    result = make_result(ai_model=ai_model, benchmark=benchmark)
    benchmark.refresh_from_db()  # its model counts now say one
    return {
        "organization": organization,
        "license": license,
        "ai_model": ai_model,
        "provider": provider,
        "offering": make_offering(ai_model=ai_model, provider=provider),
        "category": category,
        "benchmark": benchmark,
        "result": result,
    }


def assert_still_there(real: dict[str, models.Model]) -> None:
    for instance in real.values():
        stored = type(instance).objects.get(pk=instance.pk)
        assert rows_of(stored) == rows_of(instance)
    assert list(real["benchmark"].categories.all()) == [real["category"]]


def rows_of(instance: models.Model) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in {"created_at", "updated_at", "results_updated_at"}
    }


def test_loading_and_deleting_leave_real_rows_alone():
    real = make_real_rows()

    load_demo(models=15, benchmarks=10)
    assert_still_there(real)
    # The demo shares the real category instead of adding a second "reasoning".
    assert Category.objects.filter(slug="reasoning").count() == 1

    out = load_demo(delete=True)
    assert_still_there(real)
    assert "15 models" in out
    assert counts() == {model.__name__: 1 for model in ALL_KINDS}


def test_delete_removes_every_demo_row():
    load_demo(models=15, benchmarks=10)

    load_demo(delete=True)

    assert counts() == {model.__name__: 0 for model in ALL_KINDS}


def test_delete_takes_the_submissions_about_demo_models_with_them():
    """A model a submission names cannot be deleted; a demo model's go with it."""
    load_demo(models=15, benchmarks=10)
    make_result_submission(ai_model=AIModel.objects.first(), benchmark=Benchmark.objects.first())

    load_demo(delete=True)

    assert not ResultSubmission.objects.exists()
    assert counts() == {model.__name__: 0 for model in ALL_KINDS}


def test_refuses_to_take_over_a_real_slug():
    real = make_organization(slug="lumenvale-ai", website="https://example.org/")

    with pytest.raises(CommandError, match="lumenvale-ai"):
        load_demo(models=10, benchmarks=8)

    assert list(Organization.objects.all()) == [real]
    assert not AIModel.objects.exists()


def test_every_demo_row_carries_the_demo_marker():
    load_demo()

    assert not Organization.objects.exclude(website__startswith=DEMO_URL_PREFIX).exists()
    assert not Provider.objects.exclude(website__startswith=DEMO_URL_PREFIX).exists()
    assert not Benchmark.objects.exclude(paper_url__startswith=DEMO_URL_PREFIX).exists()
    assert not Result.objects.exclude(source_url__startswith=DEMO_URL_PREFIX).exists()
    assert not License.objects.exclude(slug__startswith="demo-").exists()


def test_rows_are_valid():
    load_demo()

    for model in (Organization, License, Provider, Category, AIModel, Offering, Benchmark):
        for instance in model.objects.all():
            instance.full_clean(validate_unique=False, validate_constraints=False)
    for result in Result.objects.all()[:300]:
        result.full_clean(validate_unique=False, validate_constraints=False)


def test_scores_are_normalized_and_verified_results_name_a_verifier():
    load_demo()
    results = list(Result.objects.select_related("benchmark"))

    for result in results:
        assert Decimal(0) <= result.normalized_score <= Decimal(1)
        expected = (result.score / result.benchmark.max_score).quantize(Decimal("0.000001"))
        assert result.normalized_score == expected
        if result.status == Result.Status.VERIFIED:
            assert result.verified_by
            assert result.verified_on >= result.recorded_on
    statuses = {status: sum(r.status == status for r in results) for status in Result.Status}
    assert 0.05 < statuses[Result.Status.VERIFIED] / len(results) < 0.15
    assert statuses[Result.Status.THIRD_PARTY] > 0
    assert statuses[Result.Status.SELF_REPORTED] > len(results) / 2


def test_the_catalogue_looks_like_the_real_thing():
    load_demo()

    assert not Benchmark.objects.filter(categories__isnull=True).exists()
    assert Benchmark.objects.filter(parent__isnull=False).exists()
    assert Benchmark.objects.filter(max_score=100).exists()
    assert Benchmark.objects.filter(max_score=1).count() > Benchmark.objects.count() / 2
    assert any(len(b.author_list) > 4 for b in Benchmark.objects.all())
    assert Benchmark.objects.exclude(paper_title="").count() > Benchmark.objects.count() / 2
    assert AIModel.objects.filter(fine_tuned_from__isnull=False).exists()
    assert AIModel.objects.filter(knowledge_cutoff_precision=DatePrecision.MONTH).exists()
    assert AIModel.objects.filter(announcement_date__isnull=False).exists()
    assert AIModel.objects.proprietary().filter(parameter_count__isnull=True).exists()
    for ai_model in AIModel.objects.open_weights():
        assert 10**9 <= ai_model.parameter_count <= 7 * 10**11
    served = AIModel.objects.filter(offerings__isnull=False).distinct().count()
    assert served > AIModel.objects.count() / 2
    # A few models report one benchmark under two methods.
    assert (
        Result.objects.values("ai_model", "benchmark").annotate(n=Count("id")).filter(n=2).exists()
    )


def test_each_model_reports_a_subset_of_the_benchmarks():
    load_demo()

    per_model = AIModel.objects.annotate(n=Count("results__benchmark", distinct=True))
    shares = [ai_model.n / Benchmark.objects.count() for ai_model in per_model]
    assert 0.15 < sum(shares) / len(shares) < 0.6
    assert max(shares) < 1


def test_scores_improve_over_time():
    load_demo(models=120)

    def mean_score(year: int) -> Decimal:
        results = Result.objects.filter(ai_model__release_date__year=year)
        return results.aggregate(mean=Avg("normalized_score"))["mean"]

    assert mean_score(2026) > mean_score(2023) + Decimal("0.1")


def test_every_demo_row_that_keeps_history_has_a_creation_record():
    load_demo(models=10, benchmarks=8)

    for model in (Organization, AIModel, Benchmark, Offering, Result):
        records = model.history.all()
        assert records.count() == model.objects.count() > 0, model.__name__
        assert set(records.values_list("history_type", "history_change_reason")) == {
            ("+", DEMO_REASON)
        }


def test_the_number_of_queries_does_not_grow_with_the_size():
    with CaptureQueriesContext(connection) as small:
        load_demo(models=10, benchmarks=8)
    load_demo(delete=True)
    with CaptureQueriesContext(connection) as large:
        load_demo(models=40, benchmarks=30)

    # One INSERT per kind, and one for the history records of the kinds that keep history
    # (both stay under a batch of results), plus those two per generation of fine-tunes and
    # of benchmark variants, which the smaller set may lack.
    assert len(large) <= len(small) + 6
