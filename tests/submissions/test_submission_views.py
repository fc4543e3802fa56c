"""/submit/ and /submissions/<reference>/: the visitor proposes a missing result."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from benchmarks.models import Result
from models_registry.models import URL_MAX_LENGTH
from submissions.forms import ResultSubmissionForm
from submissions.models import ResultSubmission
from tests.factories import make_ai_model, make_benchmark, make_result
from tests.test_curators import make_curator, make_data_report, make_result_submission

pytestmark = pytest.mark.django_db

SUBMIT = "/submit/"
XSS = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _count_in_the_database(settings):
    """The rate limit counts in the database here, whatever REDIS_URL says."""
    settings.REDIS_URL = ""


@pytest.fixture
def gpqa():
    return make_benchmark(slug="gpqa", name="GPQA")


@pytest.fixture
def gpt5():
    return make_ai_model(slug="gpt-5", name="GPT-5")


def valid_submission(**fields) -> dict[str, str]:
    data = {
        "ai_model": "gpt-5",
        "benchmark": "gpqa",
        "score": "0.857",
        "analysis_method": "5-shot",
        "source_url": "https://example.org/model-card",
        "recorded_on": "2025-08-07",
        "comment": "Table 3 of the model card.",
        "email": "",
        "website": "",
    }
    return data | fields


def submit(client: Client, **fields):
    return client.post(SUBMIT, valid_submission(**fields))


def text(response) -> str:
    return response.content.decode()


# The form


def test_form_offers_every_model_and_benchmark_by_slug(client, gpqa, gpt5):
    make_ai_model(slug="claude", name="Claude")

    page = text(client.get(SUBMIT))

    assert '<datalist id="ai-model-slugs">' in page
    assert '<option value="gpt-5">GPT-5</option>' in page
    assert '<option value="claude">Claude</option>' in page
    assert '<option value="gpqa">GPQA</option>' in page
    assert 'list="ai-model-slugs"' in page and 'list="benchmark-slugs"' in page


def test_form_is_prefilled_from_the_address(client, gpqa, gpt5):
    response = client.get(f"{SUBMIT}?benchmark=gpqa&model=gpt-5")

    page = text(response)
    assert response.status_code == 200
    assert re.search(r'<input type="text" name="benchmark" value="gpqa"', page)
    assert re.search(r'<input type="text" name="ai_model" value="gpt-5"', page)


@pytest.mark.parametrize(
    "query",
    ["benchmark=nope", "model=nope", "benchmark=%00", "model=" + "x" * 201, "benchmark=a/b"],
)
def test_prefill_naming_nothing_known_is_404(client, gpqa, gpt5, query):
    assert client.get(f"{SUBMIT}?{query}").status_code == 404


def test_datalists_escape_curated_names(client):
    make_ai_model(slug="odd", name=f"Odd {XSS}")

    assert "<script>alert" not in text(client.get(SUBMIT))


# Sending it


def test_valid_submission_is_saved_as_new_and_redirects(client, gpqa, gpt5):
    response = submit(client, email="me@example.org")

    submission = ResultSubmission.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/submissions/{submission.reference}/"
    assert submission.status == ResultSubmission.Status.NEW
    assert (submission.ai_model, submission.benchmark) == (gpt5, gpqa)
    assert submission.score == Decimal("0.857")
    assert submission.analysis_method == "5-shot"
    assert submission.source_url == "https://example.org/model-card"
    assert submission.recorded_on == datetime.date(2025, 8, 7)
    assert submission.email == "me@example.org"
    assert submission.result is None


def test_only_the_required_fields(client, gpqa, gpt5):
    response = submit(client, analysis_method="", recorded_on="", comment="")

    assert response.status_code == 303
    assert ResultSubmission.objects.get().recorded_on is None


def test_submission_never_creates_or_changes_a_result(client, gpqa, gpt5):
    existing = make_result(ai_model=gpt5, benchmark=gpqa, score=Decimal("0.5"))

    submit(client, score="0.999", analysis_method="")
    submit(client, score="0.123456", analysis_method="new method")

    assert ResultSubmission.objects.count() == 2
    assert list(Result.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.score == Decimal("0.5")


def test_nothing_submitted_shows_on_public_pages(client, gpqa, gpt5):
    submit(client, score="0.4242", comment="UNIQUE-COMMENT-TEXT", analysis_method="magic-shot")

    for url in ("/", gpqa.get_absolute_url(), gpt5.get_absolute_url()):
        page = text(client.get(url))
        assert "0.4242" not in page
        assert "UNIQUE-COMMENT-TEXT" not in page
        assert "magic-shot" not in page


def test_curators_get_a_mail(client, gpqa, gpt5, mailoutbox, django_capture_on_commit_callbacks):
    make_curator(email="ada@example.org")
    make_curator(email="")

    with django_capture_on_commit_callbacks(execute=True):
        submit(client, email="reporter@example.org")

    submission = ResultSubmission.objects.get()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ada@example.org"]
    assert mail.subject == "New submission: GPT-5 on GPQA"
    assert "Score: 0.857" in mail.body
    assert "Table 3 of the model card." in mail.body
    assert (
        f"http://testserver/admin/submissions/resultsubmission/{submission.pk}/change/" in mail.body
    )
    assert "reporter@example.org" not in mail.body


def test_honeypot_looks_accepted_but_saves_nothing(
    client, gpqa, gpt5, mailoutbox, django_capture_on_commit_callbacks
):
    make_curator(email="ada@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, website="http://spam.example/")

    assert response.status_code == 303
    assert re.fullmatch(r"/submissions/[A-Za-z0-9_-]{16}/", response["Location"])
    assert not ResultSubmission.objects.exists()
    assert mailoutbox == []


# Validation


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ai_model", ""),
        ("ai_model", "nope"),
        ("ai_model", "gpt-5\x00"),
        ("ai_model", "x" * 300),
        ("ai_model", "1"),  # a primary key is not a slug
        ("benchmark", "nope"),
        ("benchmark", "GPQA"),
        ("benchmark", "%"),
        ("score", ""),
        ("score", "-0.1"),
        ("score", "abc"),
        ("score", "NaN"),
        ("score", "Infinity"),
        ("score", "-inf"),
        ("score", "1e400"),
        ("score", "1e-400"),
        ("score", "0.1234567"),  # seven decimals
        ("score", "123456789012345"),  # fifteen digits before the point
        ("score", "99999999999999.999999"),  # twenty digits, but SQLite could not load it
        ("score", "1000000000000"),
        ("score", "0x10"),
        ("score", "1,5"),
        ("analysis_method", "x" * 256),
        ("analysis_method", "a\x00b"),
        ("source_url", ""),
        ("source_url", "javascript:alert(1)"),
        ("source_url", "ftp://example.org/x"),
        ("source_url", "data:text/html,hi"),
        ("source_url", "https://example.org/" + "a" * URL_MAX_LENGTH),
        ("recorded_on", "yesterday"),
        ("recorded_on", "2025-13-40"),
        ("recorded_on", "99999-01-01"),
        ("recorded_on", "0000-01-01"),
        ("comment", "x" * 5001),
        ("comment", "\x00"),
        ("email", "nope"),
        ("email", XSS),
    ],
)
def test_garbage_in_a_field_is_a_form_error_never_a_500(client, gpqa, gpt5, field, value):
    response = submit(client, **{field: value})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ResultSubmission.objects.exists()


def test_a_result_cannot_be_from_the_future(client, gpqa, gpt5):
    later = timezone.now().date() + datetime.timedelta(days=10)

    response = submit(client, recorded_on=later.isoformat())

    assert "cannot be in the future" in str(response.context["form"].errors["recorded_on"])


@pytest.mark.parametrize("score", ["0", "0.000001", "999999999.5", "1E+2", " 85.7 "])
def test_scores_within_the_limits_are_saved(client, gpqa, gpt5, score):
    assert submit(client, score=score).status_code == 303
    assert ResultSubmission.objects.get().score == Decimal(score.strip())


def test_slugs_are_matched_exactly_after_trimming_spaces(client, gpqa, gpt5):
    assert submit(client, ai_model="  gpt-5 ", benchmark="gpqa\t").status_code == 303


def test_form_and_model_agree_on_every_length():
    form = ResultSubmissionForm()
    for name in ("analysis_method", "source_url", "comment", "email"):
        model_field = ResultSubmission._meta.get_field(name)
        assert form.fields[name].max_length == model_field.max_length, name
    score = ResultSubmission._meta.get_field("score")
    assert form.fields["score"].max_digits == score.max_digits
    assert form.fields["score"].decimal_places == score.decimal_places


def test_garbage_body_is_never_a_500(client, gpqa, gpt5):
    response = client.post(
        SUBMIT,
        "ai_model=gpt-5&ai_model=&score=1&score=x&score[]=2&source_url=https://x.org",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not ResultSubmission.objects.exists()


# The status page


def test_status_page_shows_what_was_sent_and_the_reply(client, gpqa, gpt5):
    submission = make_result_submission(
        ai_model=gpt5,
        benchmark=gpqa,
        score=Decimal("0.857000"),
        status=ResultSubmission.Status.REJECTED,
        public_reply="The source gives 0.75.",
    )

    response = client.get(f"/submissions/{submission.reference}/")

    page = text(response)
    assert response.status_code == 200
    assert submission.reference in page
    assert "Keep this page's address private" in page
    assert "Rejected" in page
    assert "The source gives 0.75." in page
    assert "0.857<" in page
    assert "GPT-5" in page and "GPQA" in page


def test_status_page_never_shows_the_email_or_curator_notes(client):
    submission = make_result_submission(
        email="secret-reporter@example.org", curator_notes="INTERNAL: looks like spam"
    )

    page = text(client.get(f"/submissions/{submission.reference}/"))

    assert "secret-reporter" not in page
    assert "INTERNAL" not in page


def test_every_visitor_field_is_escaped_on_the_status_page(client, gpqa, gpt5):
    submit(
        client,
        analysis_method=f"method {XSS}",
        comment=f"comment {XSS}",
        source_url='https://example.org/?q="><script>alert(1)</script>',
    )
    submission = ResultSubmission.objects.get()
    submission.public_reply = f"reply {XSS}"
    submission.save()

    page = text(client.get(f"/submissions/{submission.reference}/"))

    assert "<script>alert" not in page
    for label in ("method", "comment", "reply"):
        assert f"{label} &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_visitor_text_is_escaped_when_the_form_comes_back(client, gpqa, gpt5):
    response = submit(client, score="", ai_model=XSS, analysis_method=XSS, comment=XSS)

    page = text(response)
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(
    "path", ["/submissions/doesnotexist1234/", "/submissions/%00/", "/submissions/a%20b/"]
)
def test_unknown_reference_is_404(client, path):
    make_result_submission()

    assert client.get(path).status_code == 404


def test_a_reports_reference_is_not_a_submissions(client):
    report = make_data_report()

    assert client.get(f"/submissions/{report.reference}/").status_code == 404


# CSRF


def test_post_without_csrf_token_is_refused(gpqa, gpt5):
    client = Client(enforce_csrf_checks=True)

    response = client.post(SUBMIT, valid_submission())

    assert response.status_code == 403
    assert not ResultSubmission.objects.exists()
