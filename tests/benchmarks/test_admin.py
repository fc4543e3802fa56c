import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from benchmarks.models import Benchmark, Category, Result
from benchmarks.services import refresh_result_stats
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_organization,
    make_result,
)
from tests.test_curators import admin_url, form_data, log_in_curator, measure

pytestmark = pytest.mark.django_db


def add_benchmarks(count: int) -> None:
    parent = make_benchmark()
    categories = [make_category(), make_category()]
    for _ in range(count):
        make_benchmark(parent=parent, categories=categories)


def add_results(count: int) -> None:
    benchmark = make_benchmark(categories=[make_category()])
    for _ in range(count):
        make_result(benchmark=benchmark)


CHANGELISTS = [
    (Category, lambda count: [make_category() for _ in range(count)]),
    (Benchmark, add_benchmarks),
    (Result, add_results),
]


@pytest.mark.parametrize(("model", "add_rows"), CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(client, model, add_rows):
    log_in_curator(client)

    few, many = measure(client, admin_url(model, "changelist"), add_rows)

    assert few == many, f"{few} queries with 3 rows, {many} with 30"


def test_benchmark_page_queries_do_not_grow_with_results(client):
    benchmark = make_benchmark(parent=make_benchmark(), categories=[make_category()])
    log_in_curator(client)

    def add_rows(count: int) -> None:
        for _ in range(count):
            make_result(benchmark=benchmark)

    few, many = measure(client, admin_url(Benchmark, "change", benchmark.pk), add_rows)

    assert few == many, f"{few} queries with 3 results, {many} with 30"


def test_benchmark_page_lists_results_with_an_add_link(client):
    benchmark = make_benchmark()
    result = make_result(benchmark=benchmark, ai_model=make_ai_model(name="Claude"))
    log_in_curator(client)

    response = client.get(admin_url(Benchmark, "change", benchmark.pk))

    # Read-only rows: a popular benchmark's page must not post hundreds of fields.
    assert 'name="results-0-score"' not in response.text
    assert 'name="results-0-ai_model"' not in response.text
    assert "Claude" in response.text
    assert f'href="{admin_url(Result, "change", result.pk)}"' in response.text
    assert f'href="{admin_url(Result, "add")}?benchmark={benchmark.pk}"' in response.text
    assert "Add a result for this benchmark" in response.text


def test_curator_saves_a_benchmark_page_and_its_results_stay_as_they_were(client):
    benchmark = make_benchmark(max_score=Decimal(100), categories=[make_category()])
    results = [make_result(benchmark=benchmark, score=Decimal(score)) for score in (40, 60)]
    log_in_curator(client)
    url = admin_url(Benchmark, "change", benchmark.pk)
    data = form_data(client.get(url))

    response = client.post(url, data | {"name": "Renamed", "paper_title": "A new paper"})

    assert response.status_code == 302
    benchmark.refresh_from_db()
    assert (benchmark.name, benchmark.paper_title) == ("Renamed", "A new paper")
    assert [result.score for result in Result.objects.order_by("pk")] == [40, 60]
    assert [r.pk for r in results] == list(
        Result.objects.order_by("pk").values_list("pk", flat=True)
    )


def test_result_add_form_opened_from_a_benchmark_page_is_prefilled(client):
    benchmark = make_benchmark(name="GPQA")
    log_in_curator(client)

    response = client.get(f"{admin_url(Result, 'add')}?benchmark={benchmark.pk}")

    assert f'<option value="{benchmark.pk}" selected>GPQA</option>' in response.text


def listed(client, model: type, query: dict[str, object]) -> set:
    response = client.get(admin_url(model, "changelist"), query)
    assert response.status_code == 200, "an unknown filter redirects with ?e=1"
    return set(response.context["cl"].result_list)


def test_result_search(client):
    gpqa = make_benchmark(slug="gpqa", name="GPQA Diamond")
    claude = make_result(ai_model=make_ai_model(name="Claude"), benchmark=gpqa)
    llama = make_result(ai_model=make_ai_model(slug="llama-3"), analysis_method="5-shot CoT")
    log_in_curator(client)

    assert listed(client, Result, {"q": "claude"}) == {claude}
    assert listed(client, Result, {"q": "llama-3"}) == {llama}
    assert listed(client, Result, {"q": "diamond"}) == {claude}
    assert listed(client, Result, {"q": "gpqa"}) == {claude}
    assert listed(client, Result, {"q": "5-shot"}) == {llama}


def test_result_filters(client):
    math = make_category(name="Math")
    anthropic = make_organization(name="Anthropic")
    verified = make_result(
        benchmark=make_benchmark(categories=[math]),
        ai_model=make_ai_model(organization=anthropic),
        status=Result.Status.VERIFIED,
        verified_by="A curator",
        recorded_on=datetime.date(2024, 6, 1),
    )
    other = make_result(status=Result.Status.THIRD_PARTY)
    Result.objects.filter(pk=other.pk).update(updated_at=timezone.now() - datetime.timedelta(90))
    refresh_result_stats([other.benchmark_id])  # what a write through the ORM does
    log_in_curator(client)

    assert listed(client, Result, {"status__exact": "verified"}) == {verified}
    assert listed(client, Result, {"status__exact": "third_party"}) == {other}
    assert listed(client, Result, {"benchmark__categories__id__exact": math.pk}) == {verified}
    assert listed(client, Result, {"ai_model__organization__id__exact": anthropic.pk}) == {verified}
    specs = client.get(admin_url(Result, "changelist")).context["cl"].filter_specs
    updated_at = next(spec for spec in specs if getattr(spec, "field_path", None) == "updated_at")
    last_week = dict(updated_at.links)["Past 7 days"]
    assert listed(client, Result, last_week) == {verified}
    assert listed(client, Result, {"recorded_on__year": "2024"}) == {verified}


def test_benchmark_search_and_filters(client):
    math = make_category(name="Math")
    gpqa = make_benchmark(name="GPQA", paper_title="A graduate-level Google-proof Q&A")
    mmmu = make_benchmark(
        name="MMMU", modality=Benchmark.Modality.MULTIMODAL, multilingual=True, categories=[math]
    )
    log_in_curator(client)

    assert listed(client, Benchmark, {"q": "google-proof"}) == {gpqa}
    assert listed(client, Benchmark, {"q": mmmu.slug}) == {mmmu}
    assert listed(client, Benchmark, {"categories__id__exact": math.pk}) == {mmmu}
    assert listed(client, Benchmark, {"modality__exact": "multimodal"}) == {mmmu}
    assert listed(client, Benchmark, {"multilingual__exact": "0"}) == {gpqa}
    assert listed(client, Benchmark, {"higher_is_better__exact": "1"}) == {gpqa, mmmu}
