"""Benchmark.model_count, scored_model_count and results_updated_at follow every write
of the results, through the one service every writer calls (benchmarks.services).

Besides these tests, an autouse fixture (tests/conftest.py) checks after every test
that writes to the database that each benchmark's stored figures are what its results
say, so every write path the suite takes (admin, triage, reverts, the import,
load_demo, loaddata) is checked too. The tests' own writes go through the factories'
save() and delete(), which call the service as the site's writers do.
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from benchmarks.models import Benchmark, Result, model_count
from benchmarks.services import benchmarks_touched
from ingest.demo import load_demo
from models_registry.models import AIModel
from tests.concurrency import HOLD_SECONDS, second_during_first
from tests.factories import delete, make_ai_model, make_benchmark, make_result, save
from tests.test_curators import admin_url

pytestmark = pytest.mark.django_db


def counts(benchmark: Benchmark) -> tuple[int, int]:
    benchmark.refresh_from_db()
    return benchmark.model_count, benchmark.scored_model_count


def live_counts(benchmark: Benchmark) -> tuple[int, int]:
    counted = Benchmark.objects.filter(pk=benchmark.pk).annotate(
        all=model_count("pk"), scored=model_count("pk", scored=True)
    )
    return counted.values_list("all", "scored").get()


def test_counts_follow_results_created_changed_moved_and_deleted():
    first, second = make_benchmark(), make_benchmark()
    gpt, claude = make_ai_model(), make_ai_model()
    assert counts(first) == (0, 0)

    make_result(benchmark=first, ai_model=gpt)
    make_result(benchmark=first, ai_model=gpt, analysis_method="5-shot")  # same model
    unscored = make_result(benchmark=first, ai_model=claude, normalized_score=None)
    assert counts(first) == (2, 1)

    unscored.normalized_score = Decimal("0.4")
    save(unscored)
    assert counts(first) == (2, 2)

    unscored.benchmark = second
    save(unscored)
    assert counts(first) == (1, 1)
    assert counts(second) == (1, 1)

    delete(unscored)
    assert counts(second) == (0, 0)


def test_results_updated_at_is_when_the_last_result_to_change_changed():
    benchmark = make_benchmark()
    assert Benchmark.objects.get(pk=benchmark.pk).results_updated_at is None
    older, newer = make_result(benchmark=benchmark), make_result(benchmark=benchmark)

    def noted():
        return Benchmark.objects.get(pk=benchmark.pk).results_updated_at

    assert noted() == newer.updated_at
    older.score = Decimal("0.7")
    save(older)
    assert noted() == older.updated_at > newer.updated_at
    delete(older)
    assert noted() == newer.updated_at
    benchmark.refresh_from_db()
    assert benchmark.last_updated == max(benchmark.updated_at, newer.updated_at)


def test_deleting_a_model_counts_its_benchmarks_again():
    benchmarks = [make_benchmark() for _ in range(3)]
    doomed, kept = make_ai_model(), make_ai_model()
    for benchmark in benchmarks:
        make_result(benchmark=benchmark, ai_model=doomed)
    make_result(benchmark=benchmarks[0], ai_model=kept)

    delete(doomed)

    assert [counts(benchmark) for benchmark in benchmarks] == [(1, 1), (0, 0), (0, 0)]


def test_saving_a_benchmark_loaded_before_its_results_keeps_their_counts():
    benchmark = make_benchmark()
    stale = Benchmark.objects.get(pk=benchmark.pk)  # counts 0, as an edit form loads it
    make_result(benchmark=benchmark)

    stale.description = "Edited."
    save(stale)

    assert counts(benchmark) == (1, 1)


def test_a_write_touches_the_benchmarks_it_can_change():
    first, second = make_benchmark(), make_benchmark()
    gpt, claude = make_ai_model(), make_ai_model()
    result = make_result(benchmark=first, ai_model=gpt)
    make_result(benchmark=second, ai_model=gpt)
    make_result(benchmark=second, ai_model=claude)

    result.benchmark = second  # not saved: where it is stored and where it would go
    assert benchmarks_touched([result]) == {first.pk, second.pk}
    assert benchmarks_touched([first]) == {first.pk}
    # Saving a model changes no counts; deleting it cascades to its results.
    assert benchmarks_touched([gpt]) == set()
    assert benchmarks_touched([gpt], deleting=True) == {first.pk, second.pk}
    assert benchmarks_touched([claude], deleting=True) == {second.pk}


def test_a_plain_save_leaves_the_stats_to_its_writer():
    """Signals only invalidate caches: the stats are the writers' to refresh (the conftest
    fixture then fails a writer that forgets)."""
    benchmark = make_benchmark()
    result = make_result(benchmark=benchmark, normalized_score=None)

    result.normalized_score = Decimal("0.5")
    result.save()
    assert counts(benchmark) == (1, 0)
    assert live_counts(benchmark) == (1, 1)

    save(result)
    assert counts(benchmark) == (1, 1)


def test_demo_data_comes_with_its_counts():
    load_demo(models=15, benchmarks=10, seed=1)

    benchmarks = list(Benchmark.objects.all())
    assert sum(benchmark.model_count for benchmark in benchmarks) > 0
    for benchmark in benchmarks:
        assert counts(benchmark) == live_counts(benchmark)


@pytest.mark.django_db(transaction=True)
def test_two_results_added_at_once_are_both_counted():
    """The second writer's count waits for the first's transaction, then sees its result.
    Counting in the UPDATE alone, the second would count from a snapshot taken before
    the first committed, and store one model where there are two."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "the in-memory SQLite test database has no row locks (its writers take turns "
            "with table locks), so the race runs on PostgreSQL only"
        )
    benchmark = make_benchmark()
    first_model, second_model = make_ai_model(), make_ai_model()

    def second() -> None:
        with transaction.atomic():
            make_result(benchmark=benchmark, ai_model=second_model)

    waited = second_during_first(
        lambda: make_result(benchmark=benchmark, ai_model=first_model), second
    )

    assert waited >= HOLD_SECONDS, "the second waited for the first"
    assert counts(benchmark) == live_counts(benchmark) == (2, 2)


def test_the_command_refreshes_stats_changed_behind_the_orm():
    benchmark = make_benchmark()
    make_result(benchmark=benchmark)
    Benchmark.objects.filter(pk=benchmark.pk).update(model_count=7, results_updated_at=None)
    out = io.StringIO()

    call_command("refresh_result_stats", stdout=out)

    assert counts(benchmark) == live_counts(benchmark) == (1, 1)
    assert Benchmark.objects.get(pk=benchmark.pk).results_updated_at is not None
    assert "Refreshed the result stats of 1 benchmark." in out.getvalue()


def benchmark_updates(queries: CaptureQueriesContext) -> int:
    return sum(q["sql"].startswith('UPDATE "benchmarks_benchmark"') for q in queries)


def test_deleting_a_model_in_the_admin_refreshes_its_benchmarks_once(admin_client):
    benchmarks = [make_benchmark() for _ in range(3)]
    doomed, kept = make_ai_model(), make_ai_model()
    for benchmark in benchmarks:
        make_result(benchmark=benchmark, ai_model=doomed)
        make_result(benchmark=benchmark, ai_model=kept)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(admin_url(AIModel, "delete", doomed.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not AIModel.objects.filter(pk=doomed.pk).exists()
    assert benchmark_updates(queries) == 1
    assert [counts(benchmark) for benchmark in benchmarks] == [(1, 1)] * 3


def test_deleting_selected_results_in_the_admin_refreshes_their_benchmarks_once(admin_client):
    first, second = make_benchmark(), make_benchmark()
    doomed = [make_result(benchmark=first), make_result(benchmark=second)]
    make_result(benchmark=second)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(
            admin_url(Result, "changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [result.pk for result in doomed],
                "post": "yes",
            },
        )

    assert response.status_code == 302
    assert not Result.objects.filter(pk__in=[result.pk for result in doomed]).exists()
    assert benchmark_updates(queries) == 1
    assert (counts(first), counts(second)) == ((0, 0), (1, 1))
