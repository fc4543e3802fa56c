"""Mail about tickets: to curators when one arrives, to the reporter when it is settled."""

import smtplib
from decimal import Decimal

import pytest
from django.core.mail import EmailMessage

from submissions.models import DataReport, ResultSubmission
from submissions.notifications import curator_emails, notify_curators, notify_reporter
from tests.factories import make_ai_model, make_benchmark, make_result
from tests.test_curators import (
    make_curator,
    make_data_report,
    make_result_submission,
    make_user,
)

pytestmark = pytest.mark.django_db

BASE_URL = "https://bench.example.org/"
XSS = "<script>alert(1)</script> & <b>bold</b>"


@pytest.fixture
def gpqa():
    return make_benchmark(slug="gpqa", name="GPQA")


@pytest.fixture
def gpt5():
    return make_ai_model(slug="gpt-5", name="GPT-5")


@pytest.fixture
def curators():
    make_curator(email="ada@example.org")
    make_curator(email="grace@example.org")


# Who hears of new tickets


def test_curator_emails_are_active_curators_and_superusers_with_an_address():
    make_curator(email="ada@example.org")
    make_curator(email="")
    make_curator(email="left@example.org", is_active=False)
    make_user(email="root@example.org", is_superuser=True)
    make_user(email="old-root@example.org", is_superuser=True, is_active=False)
    make_user(email="staff@example.org", is_staff=True)  # staff but not a curator
    make_user(email="visitor@example.org")
    make_user(email="both@example.org", is_superuser=True, is_staff=True, groups=("Curators",))

    assert curator_emails() == ["ada@example.org", "both@example.org", "root@example.org"]


def test_nobody_to_tell_sends_nothing(gpqa, mailoutbox):
    make_curator(email="")

    assert notify_curators(make_data_report(benchmark=gpqa), base_url=BASE_URL) is False
    assert mailoutbox == []


# The mail about a new report


def test_report_mail_names_what_and_links_the_admin(gpqa, curators, mailoutbox):
    report = make_data_report(
        benchmark=gpqa,
        kind=DataReport.Kind.WRONG_VALUE,
        description="Table 2 says 0.875.",
        suggested_value="0.875",
        evidence_url="https://example.org/paper",
        email="reporter@example.org",
    )

    assert notify_curators(report, base_url=BASE_URL) is True

    (mail,) = mailoutbox
    assert mail.to == ["ada@example.org", "grace@example.org"]
    assert mail.subject == "New report: wrong value on GPQA"
    assert "Table 2 says 0.875." in mail.body
    assert "Suggested value: 0.875" in mail.body
    assert "Evidence: https://example.org/paper" in mail.body
    assert f"Reference: {report.reference}" in mail.body
    assert (
        f"https://bench.example.org/admin/submissions/datareport/{report.pk}/change/" in mail.body
    )
    assert "reporter@example.org" not in mail.body
    assert "reporter@example.org" not in str(mail.message())


def test_report_about_a_result_names_the_result(curators, mailoutbox, gpqa, gpt5):
    result = make_result(
        ai_model=gpt5, benchmark=gpqa, score=Decimal("0.857"), analysis_method="5-shot"
    )
    report = make_data_report(
        result=result, benchmark=gpqa, ai_model=gpt5, kind=DataReport.Kind.DUPLICATE
    )

    notify_curators(report, base_url=BASE_URL)

    assert mailoutbox[0].subject == "New report: duplicate on GPT-5 on GPQA: 0.857 (5-shot)"


def test_mail_is_plain_text_with_the_visitors_words_as_written(gpqa, curators, mailoutbox):
    report = make_data_report(benchmark=gpqa, description=XSS, suggested_value=XSS)

    notify_curators(report, base_url=BASE_URL)

    (mail,) = mailoutbox
    assert mail.content_subtype == "plain"
    assert not getattr(mail, "alternatives", [])
    assert mail.body.count(XSS) == 2  # not HTML-escaped: nothing renders it as HTML


def test_subject_is_one_line_and_bounded(curators, mailoutbox):
    benchmark = make_benchmark(name="Evil\r\nBcc: victim@example.org\n" + "x" * 160)
    report = make_data_report(benchmark=benchmark)

    assert notify_curators(report, base_url=BASE_URL) is True

    subject = mailoutbox[0].subject
    assert "\n" not in subject and "\r" not in subject
    assert len(subject) <= 150
    assert mailoutbox[0].to == ["ada@example.org", "grace@example.org"]


def test_submission_mail(gpqa, gpt5, curators, mailoutbox):
    submission = make_result_submission(
        ai_model=gpt5,
        benchmark=gpqa,
        score=Decimal("0.857000"),
        analysis_method="5-shot",
        source_url="https://example.org/card",
        comment=XSS,
        email="reporter@example.org",
    )

    assert notify_curators(submission, base_url=BASE_URL) is True

    (mail,) = mailoutbox
    assert mail.subject == "New submission: GPT-5 on GPQA"
    assert "Score: 0.857\n" in mail.body
    assert "Analysis method: 5-shot" in mail.body
    assert "Source: https://example.org/card" in mail.body
    assert XSS in mail.body
    assert (
        f"https://bench.example.org/admin/submissions/resultsubmission/{submission.pk}/change/"
        in mail.body
    )
    assert "reporter@example.org" not in mail.body


def test_a_failing_mail_server_is_logged_not_raised(gpqa, curators, monkeypatch, caplog):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    report = make_data_report(benchmark=gpqa, email="reporter@example.org")

    assert notify_curators(report, base_url=BASE_URL) is False
    assert notify_reporter(report, base_url=BASE_URL) is False
    assert "Could not send the mail about data report" in caplog.text
    assert report.reference not in caplog.text


def test_an_unreachable_mail_server_is_logged_not_raised(gpqa, curators, settings, caplog):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }

    assert notify_curators(make_data_report(benchmark=gpqa), base_url=BASE_URL) is False
    assert "Could not send the mail" in caplog.text


# The mail to the reporter


def test_reporter_without_an_address_gets_nothing(gpqa, mailoutbox):
    report = make_data_report(benchmark=gpqa, status=DataReport.Status.RESOLVED)

    assert notify_reporter(report, base_url=BASE_URL) is False
    assert mailoutbox == []


def test_reporter_hears_the_outcome_and_gets_the_link(gpqa, mailoutbox):
    report = make_data_report(
        benchmark=gpqa,
        email="reporter@example.org",
        status=DataReport.Status.RESOLVED,
        public_reply=f"Fixed. {XSS}",
        curator_notes="INTERNAL: the reporter was right",
    )

    assert notify_reporter(report, base_url=BASE_URL) is True

    (mail,) = mailoutbox
    assert mail.to == ["reporter@example.org"]
    assert mail.subject == "Your Benchboard report about GPQA: resolved"
    assert "Its status is now: resolved." in mail.body
    assert f"Fixed. {XSS}" in mail.body
    assert f"https://bench.example.org/reports/{report.reference}/" in mail.body
    assert "INTERNAL" not in mail.body


def test_submitter_hears_the_outcome(gpqa, gpt5, mailoutbox):
    submission = make_result_submission(
        ai_model=gpt5,
        benchmark=gpqa,
        email="reporter@example.org",
        status=ResultSubmission.Status.ACCEPTED,
    )

    assert notify_reporter(submission, base_url="http://localhost:8000/") is True

    (mail,) = mailoutbox
    assert mail.subject == "Your Benchboard submission about GPT-5 on GPQA: accepted"
    assert f"http://localhost:8000/submissions/{submission.reference}/" in mail.body
    assert "The curators' reply" not in mail.body
