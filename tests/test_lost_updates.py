"""No lost updates: every curator write refuses to overwrite a change it has not seen.

The probe's case first: a curator opens a result's change form at 0.44, another applies
a report setting 0.45, and the first saves the old form having changed only the method.
"""

import html
from decimal import Decimal

import pytest
from django.db import connection

from benchmarks.models import Benchmark, Category, Conflict, Result
from benchmarks.services import ConflictOutdated, settle_conflict
from models_registry.models import AIModel, License, Organization, Provider
from sources.models import Source
from submissions import notifications, services
from submissions.models import DataReport, ResultSubmission
from tests.concurrency import second_during_first
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_license,
    make_organization,
    make_provider,
    make_result,
    make_source,
    save,
)
from tests.test_curators import (
    admin_url,
    form_data,
    log_in_curator,
    make_curator,
    make_data_report,
    make_result_submission,
)
from tests.test_history_admin import action, messages_of, version_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_mail(monkeypatch) -> None:
    monkeypatch.setattr(notifications, "notify_reporter", lambda ticket, *, base_url: True)


def apply(report: DataReport, value: str | None = None) -> None:
    """Another curator applies a report, outside the first curator's page."""
    services.apply_report(
        report=report,
        curator=make_curator(),
        public_reason="Corrected to the paper",
        base_url="https://benchboard.example/",
        value=value,
    )


def errors_of(response) -> str:
    return html.unescape(response.content.decode())


def test_a_stale_result_form_does_not_undo_an_applied_report(client):
    result = make_result(score=Decimal("0.44"), normalized_score=Decimal("0.44"))
    report = make_data_report(result=result, suggested_value="0.45")
    log_in_curator(client)
    url = admin_url(Result, "change", result.pk)
    opened = form_data(client.get(url))
    apply(report)
    history = result.history.count()

    refused = client.post(
        url, opened | {"analysis_method": "pass@1", "public_reason": "Clarified the method"}
    )

    assert refused.status_code == 200
    assert refused.context["original"].score == Decimal("0.45")  # the page's title
    text = errors_of(refused)
    assert "While you had this page open, this result was changed" in text
    assert "score: “0.44” then, “0.45” now" in text
    assert "Nothing was saved" in text
    result.refresh_from_db()
    assert (result.score, result.analysis_method) == (Decimal("0.45"), "")
    assert result.history.count() == history
    report.refresh_from_db()
    assert report.status == DataReport.Status.RESOLVED

    # The form shown again holds the new score and the curator's method: saving it again
    # keeps the correction and adds the method.
    again = form_data(refused)
    assert Decimal(again["score"]) == Decimal("0.45")
    assert again["analysis_method"] == "pass@1"
    saved = client.post(url, again)

    assert saved.status_code == 302
    result.refresh_from_db()
    assert (result.score, result.analysis_method) == (Decimal("0.45"), "pass@1")
    latest = result.history.first()
    assert latest.history_change_reason == "Clarified the method"
    assert latest.prev_record.score == Decimal("0.45")


def test_a_field_both_curators_changed_keeps_mine_marked_until_i_save_again(client):
    result = make_result(score=Decimal("0.44"), normalized_score=Decimal("0.44"))
    report = make_data_report(result=result, suggested_value="0.45")
    log_in_curator(client)
    url = admin_url(Result, "change", result.pk)
    opened = form_data(client.get(url))
    apply(report)

    refused = client.post(url, opened | {"score": "0.5", "normalized_score": "0.5"})

    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert "Changed meanwhile to “0.45”" in " ".join(form.errors["score"])
    result.refresh_from_db()
    assert result.score == Decimal("0.45")
    again = form_data(refused)
    assert again["score"] == "0.5"

    assert client.post(url, again).status_code == 302
    result.refresh_from_db()
    assert result.score == Decimal("0.5")


def test_an_import_that_changed_the_record_is_caught_too(client):
    # Imports write in bulk, without a save or a history record.
    result = make_result(score=Decimal("0.44"), normalized_score=Decimal("0.44"))
    log_in_curator(client)
    url = admin_url(Result, "change", result.pk)
    opened = form_data(client.get(url))
    Result.objects.filter(pk=result.pk).update(recorded_on="2025-01-02")

    refused = client.post(url, opened | {"notes": "Checked"})

    assert refused.status_code == 200
    text = errors_of(refused)
    assert "date recorded: “2025-01-01” then, “2025-01-02” now" in text
    assert "last change" not in text  # no history record says who: none is named
    result.refresh_from_db()
    assert (str(result.recorded_on), result.notes) == ("2025-01-02", "")


def test_a_form_without_its_version_saves_nothing(client):
    result = make_result(score=Decimal("0.44"))
    log_in_curator(client)
    url = admin_url(Result, "change", result.pk)
    data = form_data(client.get(url))
    del data["record_version"]

    refused = client.post(url, data | {"notes": "Checked"})

    assert refused.status_code == 200
    assert "does not say which version of the record" in errors_of(refused)
    result.refresh_from_db()
    assert result.notes == ""
    assert client.post(url, form_data(refused)).status_code == 302


def test_a_stale_inline_row_on_a_model_page_is_refused(client):
    ai_model = make_ai_model()
    result = make_result(ai_model=ai_model, score=Decimal("0.44"))
    report = make_data_report(result=result, suggested_value="0.45")
    log_in_curator(client)
    url = admin_url(AIModel, "change", ai_model.pk)
    opened = form_data(client.get(url))
    apply(report)

    refused = client.post(url, opened | {"description": "A model."})

    assert refused.status_code == 200
    assert "score: “0.44” then, “0.45” now" in errors_of(refused)
    result.refresh_from_db()
    ai_model.refresh_from_db()
    assert (result.score, ai_model.description) == (Decimal("0.45"), "")
    assert client.post(url, form_data(refused)).status_code == 302
    result.refresh_from_db()
    ai_model.refresh_from_db()
    assert (result.score, ai_model.description) == (Decimal("0.45"), "A model.")


def test_a_stale_revert_is_refused(client):
    result = make_result(score=Decimal("0.3"), normalized_score=Decimal("0.3"))
    old = result.history.get()
    result.score = result.normalized_score = Decimal("0.44")
    save(result)
    report = make_data_report(result=result, suggested_value="0.45")
    log_in_curator(client)
    url = version_url(Result, result.pk, old.history_id)
    opened = form_data(client.get(url)) | {"public_reason": "The correction was wrong"}
    apply(report)

    refused = client.post(url, opened)

    assert refused.status_code == 200
    assert "score: “0.44” then, “0.45” now" in errors_of(refused)
    result.refresh_from_db()
    assert result.score == Decimal("0.45")
    # Having seen it, the curator may still revert.
    assert client.post(url, form_data(refused)).status_code == 302
    result.refresh_from_db()
    assert result.score == Decimal("0.3")


@pytest.mark.parametrize(
    ("model", "make", "field"),
    [
        (Organization, make_organization, "description"),
        (License, make_license, "description"),
        (Provider, make_provider, "website"),
        (Category, make_category, "description"),
        (Benchmark, make_benchmark, "description"),
        (Source, make_source, "description"),
    ],
)
def test_every_record_form_is_versioned(client, model, make, field):
    record = make()
    client.force_login(make_curator(is_superuser=True))
    url = admin_url(model, "change", record.pk)
    opened = form_data(client.get(url))
    model.objects.filter(pk=record.pk).update(**{field: "https://example.org/theirs"})

    refused = client.post(url, opened | {"name": "Mine"})

    assert refused.status_code == 200
    assert "https://example.org/theirs" in errors_of(refused)
    record.refresh_from_db()
    assert record.name != "Mine"


def test_a_stale_ticket_form_does_not_replace_a_reply(client):
    report = make_data_report()
    log_in_curator(client)
    url = admin_url(DataReport, "change", report.pk)
    opened = form_data(client.get(url))
    DataReport.objects.filter(pk=report.pk).update(public_reply="Fixed, thank you.")

    refused = client.post(url, opened | {"public_reply": "We are looking into it."})

    assert refused.status_code == 200
    report.refresh_from_db()
    assert report.public_reply == "Fixed, thank you."


# Triage steps ----------------------------------------------------------------------------------


def test_applying_a_report_refuses_a_score_changed_since_the_confirmation(client):
    result = make_result(score=Decimal("0.44"), normalized_score=Decimal("0.44"))
    report = make_data_report(result=result, suggested_value="0.45")
    other = make_data_report(result=result, suggested_value="0.46")
    log_in_curator(client)
    page = action(client, DataReport, "apply_suggested_value", [report])
    assert ", now 0.44; suggested value “0.45”" in page.text
    apply(other)

    response = action(
        client,
        DataReport,
        "apply_suggested_value",
        [report],
        public_reason="Corrected to the paper",
        confirming=page,
    )

    notes = " ".join(messages_of(response))
    assert "changed after you looked at it (score: “0.44” then, “0.46” now;" in notes
    result.refresh_from_db()
    assert result.score == Decimal("0.46")
    report.refresh_from_db()
    assert report.status == DataReport.Status.NEW


def test_accepting_refuses_to_replace_a_result_accepted_since_the_confirmation(client):
    benchmark = make_benchmark(max_score=Decimal(100))
    ai_model = make_ai_model()
    mine = make_result_submission(ai_model=ai_model, benchmark=benchmark, score=Decimal(70))
    theirs = make_result_submission(ai_model=ai_model, benchmark=benchmark, score=Decimal(71))
    log_in_curator(client)
    page = action(client, ResultSubmission, "accept", [mine])
    services.accept_submission(
        submission=theirs,
        curator=make_curator(),
        public_reason="From the paper",
        base_url="https://benchboard.example/",
    )

    response = action(
        client, ResultSubmission, "accept", [mine], public_reason="Added", confirming=page
    )

    assert "it was created" in " ".join(messages_of(response))
    assert Result.objects.get().score == Decimal(71)
    mine.refresh_from_db()
    assert mine.status == ResultSubmission.Status.NEW


def test_a_triage_step_without_its_version_is_refused(client):
    result = make_result(score=Decimal("0.44"), normalized_score=Decimal("0.44"))
    report = make_data_report(result=result, suggested_value="0.45")
    log_in_curator(client)

    response = action(
        client,
        DataReport,
        "apply_suggested_value",
        [report],
        public_reason="Corrected to the paper",
        confirming=None,
    )

    assert "open the step again" in " ".join(messages_of(response))
    result.refresh_from_db()
    assert result.score == Decimal("0.44")


def score_conflict(result: Result, *, ours: str, theirs: str) -> Conflict:
    """What an import leaves when curators and the source both changed a score."""
    return Conflict.objects.create(
        result=result,
        ai_model=result.ai_model,
        benchmark=result.benchmark,
        source=result.source,
        kind=Conflict.Kind.CHANGED,
        field="score",
        ours=ours,
        theirs=theirs,
        theirs_normalized=Decimal(theirs),
    )


def test_taking_the_source_value_refuses_a_record_changed_since_the_conflict():
    result = make_result(score=Decimal("0.44"), normalized_score=Decimal("0.44"))
    conflict = score_conflict(result, ours="0.44", theirs="0.5")
    Result.objects.filter(pk=result.pk).update(score=Decimal("0.45"))

    with pytest.raises(ConflictOutdated, match=r"is “0\.45” now, not “0\.44”"):
        settle_conflict(conflict, take_source=True, curator=make_curator(), reason="Source")

    result.refresh_from_db()
    conflict.refresh_from_db()
    assert (result.score, conflict.status) == (Decimal("0.45"), Conflict.Status.OPEN)
    settle_conflict(conflict, take_source=False, curator=make_curator(), reason="Ours")
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.KEPT_OURS


# The comparison holds under a concurrent write --------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_a_save_waits_for_a_concurrent_correction_then_refuses(client, curators_group):
    result = make_result(score=Decimal("0.44"), normalized_score=Decimal("0.44"))
    report = make_data_report(result=result, suggested_value="0.45")
    log_in_curator(client)
    url = admin_url(Result, "change", result.pk)
    opened = form_data(client.get(url))
    responses = []

    waited = second_during_first(
        lambda: apply(report),
        lambda: responses.append(client.post(url, opened | {"notes": "Checked"})),
    )

    assert waited >= 0.5
    assert responses[0].status_code == 200
    result.refresh_from_db()
    assert (result.score, result.notes) == (Decimal("0.45"), "")


def test_the_conflict_page_refuses_to_take_the_source_over_a_later_change(client):
    result = make_result(score=Decimal("0.44"), normalized_score=Decimal("0.44"))
    conflict = score_conflict(result, ours="0.44", theirs="0.5")
    Result.objects.filter(pk=result.pk).update(score=Decimal("0.45"))
    log_in_curator(client)

    refused = client.post(
        admin_url(Conflict, "change", conflict.pk),
        {"decision": "take", "settle_reason": "The source is right"},
    )

    assert refused.status_code == 200
    assert "is “0.45” now, not “0.44” as when this conflict was raised" in errors_of(refused)
    result.refresh_from_db()
    conflict.refresh_from_db()
    assert (result.score, conflict.status) == (Decimal("0.45"), Conflict.Status.OPEN)
