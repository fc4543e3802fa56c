"""Restoring a deleted result brings its tickets back with it (issue 15: its 27 reports
stayed unlinked), and a model or benchmark a visitor's submission names cannot be
deleted from under it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from benchmarks.models import Result
from benchmarks.services import refresh_result_stats
from submissions import services
from submissions.models import DataReport, ResultSubmission
from tests.factories import delete, make_ai_model, make_benchmark, make_result
from tests.test_curators import (
    log_in_curator,
    make_curator,
    make_data_report,
    make_result_submission,
)

pytestmark = pytest.mark.django_db


def test_restoring_a_deleted_result_links_its_tickets_again(monkeypatch):
    monkeypatch.setattr(services.notifications, "notify_reporter", lambda *a, **k: True)
    result = make_result(score=Decimal("0.42"))
    reports = [make_data_report(result=result) for _ in range(27)]
    other = make_data_report(benchmark=result.benchmark)  # about the benchmark only
    submission = make_result_submission(ai_model=result.ai_model, benchmark=result.benchmark)
    ResultSubmission.objects.filter(pk=submission.pk).update(result=result)
    pk = result.pk

    delete(result)

    assert DataReport.objects.filter(result__isnull=True).count() == 28
    assert ResultSubmission.objects.get(pk=submission.pk).result_id is None
    deleted = Result.history.get(id=pk, history_type="-")
    services.revert_change(
        historical_record=deleted, curator=make_curator(), public_reason="Deleted by mistake"
    )

    assert Result.objects.filter(pk=pk).exists()
    assert DataReport.objects.filter(result_id=pk).count() == 27
    assert {report.pk for report in DataReport.objects.filter(result_id=pk)} == {
        report.pk for report in reports
    }
    assert DataReport.objects.get(pk=other.pk).result_id is None
    assert ResultSubmission.objects.get(pk=submission.pk).result_id == pk
    assert not DataReport.objects.exclude(removed_links={}).exists()


def test_a_model_a_submission_names_cannot_be_deleted(client):
    submission = make_result_submission()
    with pytest.raises(ProtectedError):
        submission.ai_model.delete()
    with pytest.raises(ProtectedError):
        submission.benchmark.delete()

    # In the admin, the deletion page says what stands in the way instead of deleting.
    curator = log_in_curator(client)
    curator.is_superuser = True
    curator.save()
    url = f"/admin/models_registry/aimodel/{submission.ai_model.pk}/delete/"
    page = client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    assert client.post(url, {"post": "yes"}).status_code == 200
    assert ResultSubmission.objects.filter(pk=submission.pk).exists()


def test_a_large_deletion_reads_the_tickets_once():
    """pre_delete runs for each of a benchmark's results: the tickets are read once for
    the whole deletion, not once a result."""
    benchmark = make_benchmark()
    results = [make_result(benchmark=benchmark, ai_model=make_ai_model()) for _ in range(30)]
    report = make_data_report(result=results[7])

    with CaptureQueriesContext(connection) as queries:
        Result.objects.filter(benchmark=benchmark).delete()
    refresh_result_stats([benchmark.pk])  # as every writer of results does

    ticket_queries = [q for q in queries if "submissions_" in q["sql"]]
    # The reports and the submissions read once each, the one report noted, and the
    # deletion's own emptying of the links.
    assert len(ticket_queries) <= 5, [q["sql"][:80] for q in ticket_queries]
    report.refresh_from_db()
    assert (report.result_id, report.removed_links) == (None, {"result": results[7].pk})
