"""Curators in the admin: history with reasons and revert, and the triage actions."""

import html
from decimal import Decimal

import pytest
from django.contrib.admin import ActionLocation
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.models import Benchmark, Result
from models_registry.models import AIModel, Offering, Organization
from submissions import notifications
from submissions.models import DataReport, ResultSubmission
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_offering,
    make_organization,
    make_result,
    save,
)
from tests.test_curators import (
    admin_url,
    form_data,
    log_in_curator,
    make_data_report,
    make_result_submission,
    make_user,
    measure,
    result_form,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mailed(monkeypatch) -> list[tuple[int, str, str]]:
    calls: list[tuple[int, str, str]] = []

    def notify_reporter(ticket, *, base_url: str) -> bool:
        calls.append((ticket.pk, ticket.status, base_url))
        return True

    monkeypatch.setattr(notifications, "notify_reporter", notify_reporter)
    return calls


def history_url(model: type, pk: int) -> str:
    return admin_url(model, "history", pk)


def version_url(model: type, pk: int, history_id: int) -> str:
    opts = model._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[pk, history_id]
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# History and revert ---------------------------------------------------------------------------


def test_a_saved_change_carries_its_public_reason_and_curator(client):
    result = make_result(score=Decimal("0.5"))
    curator = log_in_curator(client)

    url = admin_url(Result, "change", result.pk)

    response = client.post(
        url,
        result_form(
            client,
            url,
            score="0.625",
            normalized_score="0.625",
            public_reason="  Corrected to   the paper ",
        ),
    )

    assert response.status_code == 302
    record = result.history.latest()
    assert (record.history_type, record.score) == ("~", Decimal("0.625"))
    assert record.history_change_reason == "Corrected to the paper"
    assert record.history_user == curator


def test_the_public_reason_is_optional_for_an_ordinary_save(client):
    result = make_result(score=Decimal("0.5"))
    log_in_curator(client)

    url = admin_url(Result, "change", result.pk)

    response = client.post(url, result_form(client, url, score="0.6"))

    assert response.status_code == 302
    assert result.history.latest().history_change_reason is None


def test_results_edited_on_a_model_page_carry_the_reason(client):
    ai_model = make_ai_model()
    result = make_result(ai_model=ai_model, score=Decimal("0.5"))
    log_in_curator(client)
    url = admin_url(AIModel, "change", ai_model.pk)
    data = form_data(client.get(url))

    response = client.post(
        url, data | {"results-0-score": "0.55", "public_reason": "Vendor's corrected table"}
    )

    assert response.status_code == 302
    assert result.history.latest().history_change_reason == "Vendor's corrected table"


def test_history_page_shows_who_when_what_and_why(client):
    result = make_result(score=Decimal("0.5"))
    report = make_data_report(result=result, suggested_value="0.7")
    curator = log_in_curator(client)
    action(
        client,
        DataReport,
        "apply_suggested_value",
        [report],
        public_reason="Corrected to the paper's table 2",
    )

    response = client.get(history_url(Result, result.pk))

    assert response.status_code == 200
    text = " ".join(html.unescape(response.text).split())
    for shown in [
        "Corrected to the paper's table 2",
        f"report {report.pk}",
        curator.username,
        "0.500000 → 0.700000",
    ]:
        assert shown in text


HISTORIES = [
    (Organization, lambda: make_organization()),
    (AIModel, lambda: make_ai_model()),
    (Offering, lambda: make_offering()),
    (Benchmark, lambda: make_benchmark()),
    (Result, lambda: make_result()),
]


@pytest.mark.parametrize(("model", "make"), HISTORIES)
def test_history_page_queries_do_not_grow_with_records(client, model, make):
    obj = make()
    log_in_curator(client)

    def add_records(count: int) -> None:
        for number in range(count):
            obj._change_reason = f"Change {number}"
            save(obj)

    few, many = measure(client, history_url(model, obj.pk), add_records)

    assert few == many, f"{few} queries with 3 records, {many} with 30"


def test_curator_reverts_a_result_with_a_reason(client):
    result = make_result(score=Decimal("0.5"), normalized_score=Decimal("0.5"))
    original = result.history.get()
    result.score, result.normalized_score = Decimal("0.9"), Decimal("0.9")
    save(result)
    curator = log_in_curator(client)
    url = version_url(Result, result.pk, original.history_id)

    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Revert"' in page.text
    assert page.context["adminform"].form.fields["public_reason"].required

    refused = client.post(url, result_form(client, url))
    assert refused.status_code == 200
    result.refresh_from_db()
    assert result.score == Decimal("0.9")

    response = client.post(url, result_form(client, url, public_reason="The correction was wrong"))

    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.score, result.normalized_score) == (Decimal("0.5"), Decimal("0.5"))
    latest = result.history.latest()
    assert latest.history_change_reason == "Reverted: The correction was wrong"
    assert latest.history_user == curator


def test_staff_outside_the_group_cannot_see_history_or_revert(client):
    result = make_result()
    client.force_login(make_user(is_staff=True))

    assert client.get(history_url(Result, result.pk)).status_code == 403
    record = result.history.get()
    assert client.get(version_url(Result, result.pk, record.history_id)).status_code == 403


# Triage actions ---------------------------------------------------------------------------------


OPEN_IT = object()


def action(
    client, model: type, name: str, tickets: list, *, confirming: object = OPEN_IT, **answers
) -> object:
    """Choose an action on the list; with answers, confirm it. Follows the redirect.

    The confirmation posts back what its page showed ("triage-seen"): of the page given
    as confirming, of a page opened just before by default, of none when None."""
    data = {"action": name, ACTION_CHECKBOX_NAME: [ticket.pk for ticket in tickets]}
    if answers:
        if confirming is OPEN_IT:
            confirming = client.post(admin_url(model, "changelist"), data)
        if confirming is not None:
            data["triage-seen"] = confirming.context["seen"]
        data |= {"triage-confirm": "yes", **answers}
    return client.post(admin_url(model, "changelist"), data, follow=True)


def test_accept_asks_for_the_public_reason_then_publishes(
    client, mailed, django_capture_on_commit_callbacks
):
    benchmark = make_benchmark(name="GPQA", max_score=Decimal(100))
    submission = make_result_submission(
        ai_model=make_ai_model(name="Claude"), benchmark=benchmark, score=Decimal("71.3")
    )
    curator = log_in_curator(client)

    page = action(client, ResultSubmission, "accept", [submission])

    assert page.status_code == 200
    assert "Claude on GPQA, 71.3 (maximum 100)" in page.text
    assert 'name="public_reason"' in page.text
    assert 'name="verified"' in page.text

    missing = action(client, ResultSubmission, "accept", [submission], public_reason="")
    assert "This field is required" in missing.text
    assert not Result.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = action(
            client,
            ResultSubmission,
            "accept",
            [submission],
            public_reason="From the system card",
            public_reply="Thank you, it is on the leaderboard now.",
        )

    assert response.status_code == 200
    assert messages_of(response) == ["1 result submission accepted."]
    result = Result.objects.get()
    assert result.score == Decimal("71.3")
    record = result.history.get()
    assert (record.history_change_reason, record.history_user) == ("From the system card", curator)
    submission.refresh_from_db()
    assert submission.status == ResultSubmission.Status.ACCEPTED
    assert submission.public_reply == "Thank you, it is on the leaderboard now."
    assert mailed == [(submission.pk, "accepted", "http://testserver/")]


def test_refused_steps_become_messages_and_the_rest_go_through(client):
    fine = make_result_submission(score=Decimal("0.5"))
    too_high = make_result_submission(score=Decimal("85"))
    closed = make_result_submission(status=ResultSubmission.Status.REJECTED)
    log_in_curator(client)

    response = action(
        client, ResultSubmission, "accept", [fine, too_high, closed], public_reason="Added"
    )

    assert response.status_code == 200
    notes = messages_of(response)
    assert f"Result submission {too_high.reference}: The score 85 is above" in " ".join(notes)
    assert any(f"{closed.reference}: The submission is rejected" in note for note in notes)
    assert "1 result submission accepted." in notes
    assert Result.objects.count() == 1


def test_apply_the_suggested_value_and_resolve(client):
    result = make_result(
        ai_model=make_ai_model(name="Claude"), benchmark=make_benchmark(), score=Decimal("0.5")
    )
    report = make_data_report(result=result, suggested_value="0.713")
    about_a_model = make_data_report(ai_model=make_ai_model(), suggested_value="0.7")
    log_in_curator(client)

    page = action(client, DataReport, "apply_suggested_value", [report])
    assert "Claude on Benchmark" in page.text
    assert ", now 0.5; suggested value “0.713”" in page.text

    response = action(
        client,
        DataReport,
        "apply_suggested_value",
        [report, about_a_model],
        public_reason="Corrected to the paper's table 2",
    )

    notes = messages_of(response)
    assert "1 data report applied and resolved." in notes
    assert any("not about one result" in note for note in notes)
    result.refresh_from_db()
    assert result.score == Decimal("0.713")
    report.refresh_from_db()
    assert report.status == DataReport.Status.RESOLVED
    about_a_model.refresh_from_db()
    assert about_a_model.status == DataReport.Status.NEW


def test_mark_in_review_needs_no_confirmation(client):
    reports = [make_data_report(), make_data_report(status=DataReport.Status.IN_REVIEW)]
    curator = log_in_curator(client)

    response = action(client, DataReport, "mark_in_review", reports)

    assert "1 data report marked in review." in messages_of(response)
    assert any("already in review" in note for note in messages_of(response))
    reports[0].refresh_from_db()
    assert (reports[0].status, reports[0].assigned_to) == (DataReport.Status.IN_REVIEW, curator)


@pytest.mark.parametrize(
    ("model", "make", "name", "status"),
    [
        (DataReport, make_data_report, "reject", "rejected"),
        (DataReport, make_data_report, "mark_duplicate", "duplicate"),
        (DataReport, make_data_report, "mark_resolved", "resolved"),
        (ResultSubmission, make_result_submission, "reject", "rejected"),
        (ResultSubmission, make_result_submission, "mark_duplicate", "duplicate"),
    ],
)
def test_closing_steps_ask_for_a_reply(client, mailed, model, make, name, status):
    ticket = make()
    log_in_curator(client)

    page = action(client, model, name, [ticket])
    assert 'name="public_reply"' in page.text
    assert 'name="public_reason"' not in page.text

    action(client, model, name, [ticket], public_reply="Already listed under GPQA Diamond.")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.public_reply) == (status, "Already listed under GPQA Diamond.")
    assert ticket.closed_at is not None


def test_a_ticket_page_offers_the_triage_actions(client):
    submission = make_result_submission(score=Decimal("0.5"))
    log_in_curator(client)
    url = admin_url(ResultSubmission, "change", submission.pk)
    field = f"{ActionLocation.CHANGE_FORM.value}-action"

    page = client.get(url)
    assert f'name="{field}"' in page.text
    assert '<option value="accept">Accept</option>' in page.text
    # The status moves only through the actions.
    assert "status" not in page.context["adminform"].form.fields

    confirm = client.post(url, {field: "accept", ACTION_CHECKBOX_NAME: [submission.pk]})
    assert confirm.status_code == 200
    assert f'name="{field}" value="accept"' in confirm.text

    response = client.post(
        url,
        {
            field: "accept",
            ACTION_CHECKBOX_NAME: [submission.pk],
            "triage-confirm": "yes",
            "triage-seen": confirm.context["seen"],
            "public_reason": "From the system card",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url
    submission.refresh_from_db()
    assert submission.status == ResultSubmission.Status.ACCEPTED


def test_confirmation_page_queries_do_not_grow_with_tickets(client):
    log_in_curator(client)
    reports: list[DataReport] = []

    def add_rows(count: int) -> None:
        for _ in range(count):
            reports.append(make_data_report(result=make_result(), suggested_value="0.6"))

    def count(count_rows: int) -> int:
        add_rows(count_rows)
        with CaptureQueriesContext(connection) as queries:
            response = action(client, DataReport, "apply_suggested_value", reports)
        assert response.status_code == 200
        return len(queries)

    few, many = count(3), count(27)

    assert few == many, f"{few} queries for 3 tickets, {many} for 30"


def test_staff_outside_the_group_cannot_triage(client):
    report = make_data_report()
    client.force_login(make_user(is_staff=True))

    response = client.post(
        admin_url(DataReport, "changelist"),
        {"action": "mark_in_review", ACTION_CHECKBOX_NAME: [report.pk]},
    )

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == DataReport.Status.NEW
