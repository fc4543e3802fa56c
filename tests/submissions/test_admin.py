import pytest

from submissions.models import DataReport, ResultSubmission
from tests.factories import make_ai_model, make_benchmark, make_result
from tests.test_curators import (
    admin_url,
    form_data,
    log_in_curator,
    make_curator,
    make_data_report,
    make_result_submission,
    make_user,
    measure,
)

pytestmark = pytest.mark.django_db


def add_reports(count: int) -> None:
    curator = make_curator()
    for _ in range(count):
        result = make_result()
        make_data_report(result=result, ai_model=result.ai_model, assigned_to=curator)


def add_submissions(count: int) -> None:
    curator = make_curator()
    for _ in range(count):
        make_result_submission(result=make_result(), assigned_to=curator)


@pytest.mark.parametrize(
    ("model", "add_rows"), [(DataReport, add_reports), (ResultSubmission, add_submissions)]
)
def test_changelist_queries_do_not_grow_with_rows(client, model, add_rows):
    log_in_curator(client)

    few, many = measure(client, admin_url(model, "changelist"), add_rows)

    assert few == many, f"{few} queries with 3 rows, {many} with 30"


def test_report_queue_shows_what_triage_needs(client):
    curator = log_in_curator(client)
    result = make_result(
        ai_model=make_ai_model(name="Claude"), benchmark=make_benchmark(name="GPQA")
    )
    report = make_data_report(result=result, assigned_to=curator)

    response = client.get(admin_url(DataReport, "changelist"))

    row = response.text[response.text.index(report.reference) :]
    for text in ["Wrong value", "Claude on GPQA", "New", curator.username]:
        assert text in row


def test_report_page_links_to_the_public_and_admin_pages(client):
    benchmark = make_benchmark()
    ai_model = make_ai_model()
    report = make_data_report(benchmark=benchmark, ai_model=ai_model)
    log_in_curator(client)

    html = client.get(admin_url(DataReport, "change", report.pk)).text

    assert f'href="{benchmark.get_absolute_url()}"' in html
    assert f'href="{admin_url(type(benchmark), "change", benchmark.pk)}"' in html
    assert f'href="{ai_model.get_absolute_url()}"' in html
    assert f'href="{admin_url(type(ai_model), "change", ai_model.pk)}"' in html


def test_submission_page_links_to_the_model_and_benchmark(client):
    submission = make_result_submission()
    log_in_curator(client)

    html = client.get(admin_url(ResultSubmission, "change", submission.pk)).text

    assert f'href="{submission.benchmark.get_absolute_url()}"' in html
    assert f'href="{submission.ai_model.get_absolute_url()}"' in html


def listed(client, model: type, query: dict[str, object]) -> set:
    response = client.get(admin_url(model, "changelist"), query)
    assert response.status_code == 200, "an unknown filter redirects with ?e=1"
    return set(response.context["cl"].result_list)


def test_report_filters_and_search(client):
    curator = log_in_curator(client)
    mine = make_data_report(
        kind=DataReport.Kind.DUPLICATE,
        status=DataReport.Status.IN_REVIEW,
        assigned_to=curator,
        email="visitor@example.org",
    )
    other = make_data_report(description="The paper link is dead.")

    assert listed(client, DataReport, {"status__exact": "in_review"}) == {mine}
    assert listed(client, DataReport, {"kind__exact": "duplicate"}) == {mine}
    assert listed(client, DataReport, {"assigned_to__id__exact": curator.pk}) == {mine}
    assert listed(client, DataReport, {"assigned_to__isnull": "True"}) == {other}
    assert listed(client, DataReport, {"q": mine.reference}) == {mine}
    assert listed(client, DataReport, {"q": "visitor@example"}) == {mine}
    assert listed(client, DataReport, {"q": "link is dead"}) == {other}


def test_submission_filters_and_search(client):
    curator = log_in_curator(client)
    mine = make_result_submission(
        status=ResultSubmission.Status.IN_REVIEW, assigned_to=curator, comment="From table 3."
    )
    other = make_result_submission(email="visitor@example.org")

    assert listed(client, ResultSubmission, {"status__exact": "in_review"}) == {mine}
    assert listed(client, ResultSubmission, {"assigned_to__id__exact": curator.pk}) == {mine}
    assert listed(client, ResultSubmission, {"q": other.reference}) == {other}
    assert listed(client, ResultSubmission, {"q": "visitor@"}) == {other}
    assert listed(client, ResultSubmission, {"q": "table 3"}) == {mine}


def test_only_curators_can_be_assigned(client):
    curator = log_in_curator(client)
    make_user(is_staff=True, username="staff-not-curator")
    make_user(username="visitor")
    report = make_data_report()

    response = client.get(admin_url(DataReport, "change", report.pk))

    assignees = response.context["adminform"].form.fields["assigned_to"].queryset
    assert list(assignees) == [curator]


def test_curator_triages_a_report_without_changing_what_the_visitor_wrote(client):
    curator = log_in_curator(client)
    report = make_data_report(description="Wrong score.", suggested_value="71.3")

    url = admin_url(DataReport, "change", report.pk)

    response = client.post(
        url,
        form_data(client.get(url))
        | {
            "kind": "wrong_value",
            "description": "Rewritten by someone.",
            # The status moves only through the triage actions (tests/test_history_admin.py).
            "status": "resolved",
            "closed_at": "2026-01-01 00:00:00",
            "assigned_to": curator.pk,
            "curator_notes": "Checking the paper.",
            "public_reply": "Thanks, we are looking into it.",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == DataReport.Status.NEW
    assert report.closed_at is None
    assert report.assigned_to == curator
    assert report.curator_notes == "Checking the paper."
    assert report.public_reply == "Thanks, we are looking into it."
    assert report.description == "Wrong score."
