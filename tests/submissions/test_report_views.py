"""/reports/new/ and /reports/<reference>/: the visitor's "report incorrect data"."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from models_registry.models import SLUG_MAX_LENGTH, URL_MAX_LENGTH
from submissions.forms import DataReportForm
from submissions.models import DataReport
from tests.factories import make_ai_model, make_benchmark, make_result
from tests.test_curators import make_curator, make_data_report, make_user

pytestmark = pytest.mark.django_db

CREATE = "/reports/new/"
HTMX = {"HX-Request": "true"}
XSS = '<script>alert("x")</script>'


@pytest.fixture
def gpqa():
    return make_benchmark(slug="gpqa", name="GPQA")


@pytest.fixture
def gpt5():
    return make_ai_model(slug="gpt-5", name="GPT-5")


@pytest.fixture
def result(gpqa, gpt5):
    return make_result(
        ai_model=gpt5, benchmark=gpqa, score=Decimal("0.857"), analysis_method="5-shot"
    )


@pytest.fixture(autouse=True)
def _count_in_the_database(settings):
    """The rate limit counts in the database here, whatever REDIS_URL says."""
    settings.REDIS_URL = ""


def valid_report(**fields) -> dict[str, str]:
    data = {
        "kind": DataReport.Kind.WRONG_VALUE,
        "description": "The paper's table 2 gives 0.875, not 0.857.",
        "suggested_value": "0.875",
        "evidence_url": "https://example.org/paper.pdf",
        "email": "",
        "website": "",
    }
    return data | fields


def post_report(client: Client, query: str, **fields):
    return client.post(f"{CREATE}?{query}", valid_report(**fields))


def text(response) -> str:
    return response.content.decode()


# The form, about its target


@pytest.mark.parametrize(
    ("query", "about"),
    [
        ("benchmark=gpqa", "Report about GPQA"),
        ("model=gpt-5", "Report about GPT-5"),
        ("benchmark=gpqa&model=gpt-5", "Report about GPT-5 on GPQA"),
        ("result={result}", "Report about GPT-5 on GPQA: 0.857 (5-shot)"),
    ],
)
def test_form_names_what_it_is_about(client, result, query, about):
    query = query.format(result=result.pk)

    response = client.get(f"{CREATE}?{query}")

    assert response.status_code == 200
    assert about in text(response)
    # The form posts back to the same target.
    assert f'action="{escape(f"{CREATE}?{query}")}"' in text(response)
    assert 'name="csrfmiddlewaretoken"' in text(response)


def test_result_without_method_is_named_without_parentheses(client, gpqa, gpt5):
    bare = make_result(
        ai_model=gpt5, benchmark=gpqa, score=Decimal("71.30"), normalized_score=Decimal("0.713")
    )

    response = client.get(f"{CREATE}?result={bare.pk}")

    assert "Report about GPT-5 on GPQA: 71.3</h2>" in text(response)


def test_a_result_wins_over_other_parameters(client, result):
    make_benchmark(slug="other")

    response = client.post(f"{CREATE}?result={result.pk}&benchmark=other", valid_report())

    assert response.status_code == 303
    report = DataReport.objects.get()
    assert (report.result, report.benchmark, report.ai_model) == (
        result,
        result.benchmark,
        result.ai_model,
    )


@pytest.mark.parametrize(
    "query",
    [
        "benchmark=nope",
        "model=nope",
        "result=999999",
        "result=0",
        "result=abc",
        "result=-1",
        "result=1.5",
        "result=1e3",
        "result=%20",
        "result=99999999999999999999999999",
        "result=%D9%A1",  # an Arabic-Indic digit one
        "benchmark=%00",
        "model=gp%00t",
        "benchmark=" + "a" * (SLUG_MAX_LENGTH + 1),
        "benchmark=a/b",
        "benchmark=%FF%FE",
        "model=%F0%9F%92%A9",
    ],
)
def test_unknown_or_malformed_target_is_404(client, result, query):
    assert client.get(f"{CREATE}?{query}").status_code == 404
    assert client.post(f"{CREATE}?{query}", valid_report()).status_code == 404
    assert not DataReport.objects.exists()


@pytest.mark.parametrize("query", ["", "?", "?benchmark=", "?model=&result=", "?other=gpqa"])
def test_no_target_is_a_friendly_400(client, gpqa, query):
    response = client.get(f"{CREATE}{query}")

    assert response.status_code == 400
    assert "What is the report about?" in text(response)
    assert reverse("submissions:submission-create") in text(response)


def test_post_without_target_is_400_and_saves_nothing(client):
    response = client.post(CREATE, valid_report())

    assert response.status_code == 400
    assert not DataReport.objects.exists()


def test_other_methods_are_refused(client, gpqa):
    assert client.put(f"{CREATE}?benchmark=gpqa").status_code == 405
    assert client.delete(f"{CREATE}?benchmark=gpqa").status_code == 405


# Sending it


def test_valid_report_is_saved_as_new_and_redirects_to_its_page(
    client, result, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(client, f"result={result.pk}", email="me@example.org")

    report = DataReport.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/reports/{report.reference}/"
    assert report.status == DataReport.Status.NEW
    assert (report.result, report.benchmark, report.ai_model) == (
        result,
        result.benchmark,
        result.ai_model,
    )
    assert report.kind == DataReport.Kind.WRONG_VALUE
    assert report.suggested_value == "0.875"
    assert report.evidence_url == "https://example.org/paper.pdf"
    assert report.email == "me@example.org"
    assert report.curator_notes == "" and report.public_reply == ""


def test_a_benchmark_report_names_only_the_benchmark(client, gpqa):
    post_report(client, "benchmark=gpqa", kind=DataReport.Kind.MISSING_RESULT)

    report = DataReport.objects.get()
    assert (report.benchmark, report.ai_model, report.result) == (gpqa, None, None)


def test_curators_with_an_address_get_one_mail(
    client, gpqa, mailoutbox, django_capture_on_commit_callbacks
):
    make_curator(email="ada@example.org")
    make_curator(email="grace@example.org")
    make_curator(email="")  # no address: skipped
    make_curator(email="gone@example.org", is_active=False)
    make_user(email="visitor@example.org")  # not a curator
    make_user(email="root@example.org", is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        post_report(client, "benchmark=gpqa", email="reporter@example.org")

    report = DataReport.objects.get()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert sorted(mail.to) == ["ada@example.org", "grace@example.org", "root@example.org"]
    assert mail.subject == "New report: wrong value on GPQA"
    assert "The paper's table 2 gives 0.875, not 0.857." in mail.body
    assert f"http://testserver/admin/submissions/datareport/{report.pk}/change/" in mail.body
    assert "reporter@example.org" not in mail.body


def test_mail_waits_for_the_commit(client, gpqa, mailoutbox, django_capture_on_commit_callbacks):
    make_curator(email="ada@example.org")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_report(client, "benchmark=gpqa")

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_failing_mail_server_does_not_break_the_request(
    client, gpqa, settings, django_capture_on_commit_callbacks, caplog
):
    make_curator(email="ada@example.org")
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(client, "benchmark=gpqa")

    assert response.status_code == 303
    assert DataReport.objects.count() == 1
    assert "Could not send the mail" in caplog.text


def test_honeypot_looks_accepted_but_saves_and_sends_nothing(
    client, gpqa, mailoutbox, django_capture_on_commit_callbacks
):
    make_curator(email="ada@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(client, "benchmark=gpqa", website="https://spam.example/")

    assert response.status_code == 303
    assert re.fullmatch(r"/reports/[A-Za-z0-9_-]{16}/", response["Location"])
    assert not DataReport.objects.exists()
    assert mailoutbox == []


def test_honeypot_is_hidden_from_people(client, gpqa):
    page = text(client.get(f"{CREATE}?benchmark=gpqa"))

    trap = re.search(r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap is not None
    assert 'name="website"' in trap.group(1)
    assert 'tabindex="-1"' in trap.group(1)
    assert 'autocomplete="off"' in trap.group(1)


# Validation


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        " javascript:alert(1)",
        "ftp://example.org/paper.pdf",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "http://",
        "not a url",
    ],
)
def test_evidence_must_be_a_web_link(client, gpqa, url):
    response = post_report(client, "benchmark=gpqa", evidence_url=url)

    assert response.status_code == 200
    assert response.context["form"].errors["evidence_url"]
    assert not DataReport.objects.exists()


@pytest.mark.parametrize("url", ["http://example.org/a", "HTTPS://Example.org/b?c=d#e"])
def test_evidence_accepts_http_and_https(client, gpqa, url):
    assert post_report(client, "benchmark=gpqa", evidence_url=url).status_code == 303


def test_form_and_model_agree_on_every_length():
    form = DataReportForm()
    for name in ("description", "suggested_value", "evidence_url", "email"):
        model_field = DataReport._meta.get_field(name)
        assert form.fields[name].max_length == model_field.max_length, name
        assert form.fields[name].widget.attrs["maxlength"] == str(model_field.max_length), name


@pytest.mark.parametrize(
    ("field", "too_long"),
    [
        ("description", "x" * 5001),
        ("suggested_value", "x" * 256),
        ("evidence_url", "https://example.org/" + "a" * URL_MAX_LENGTH),
        ("email", "a" * 250 + "@example.org"),
    ],
)
def test_every_field_has_a_length_limit(client, gpqa, field, too_long):
    response = post_report(client, "benchmark=gpqa", **{field: too_long})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DataReport.objects.exists()


def test_the_longest_allowed_values_are_saved(client, gpqa):
    response = post_report(
        client, "benchmark=gpqa", description="x" * 5000, suggested_value="y" * 255
    )

    assert response.status_code == 303
    report = DataReport.objects.get()
    assert (len(report.description), len(report.suggested_value)) == (5000, 255)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", ""),
        ("kind", "bogus"),
        ("kind", "wrong_value\x00"),
        ("description", ""),
        ("description", "   \n\t "),
        ("description", "bad\x00byte"),
        ("suggested_value", "\x00"),
        ("evidence_url", "https://exa\x00mple.org/"),
        ("email", "not-an-address"),
        ("email", "a@b"),
        ("email", "x@example.org\nBcc: victim@example.org"),
        ("email", XSS),
    ],
)
def test_garbage_in_a_field_is_a_form_error_never_a_500(client, gpqa, field, value):
    response = post_report(client, "benchmark=gpqa", **{field: value})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Please correct" in text(response)
    assert not DataReport.objects.exists()


def test_garbage_body_is_never_a_500(client, gpqa):
    # Repeated keys, unknown keys, a body of another content type.
    response = client.post(
        f"{CREATE}?benchmark=gpqa",
        "kind=other&kind=bogus&description=a&description=&unknown=1&website[]=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    response = client.post(
        f"{CREATE}?benchmark=gpqa", b"\xff\xfe\x00garbage", content_type="application/json"
    )
    assert response.status_code == 200
    assert not DataReport.objects.exists()


def test_unicode_text_is_kept_as_written(client, gpqa):
    post_report(client, "benchmark=gpqa", description="Score: 0,857 — 85,7 % ✓ 日本語 🙂")

    assert DataReport.objects.get().description == "Score: 0,857 — 85,7 % ✓ 日本語 🙂"


# The status page


def test_status_page_shows_reference_status_reply_and_private_link(client, result):
    report = make_data_report(
        result=result,
        benchmark=result.benchmark,
        ai_model=result.ai_model,
        status=DataReport.Status.RESOLVED,
        public_reply="Fixed, thank you: the score is now 0.875.",
    )

    response = client.get(f"/reports/{report.reference}/")

    page = text(response)
    assert response.status_code == 200
    assert report.reference in page
    assert "Keep this page's address private" in page
    assert f"http://testserver/reports/{report.reference}/" in page
    assert "Resolved" in page
    assert "Fixed, thank you: the score is now 0.875." in page
    assert "GPT-5 on GPQA: 0.857 (5-shot)" in page
    assert "no-cache" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in page


def test_status_page_of_a_report_whose_target_was_deleted(client, gpqa):
    report = make_data_report(benchmark=gpqa)
    gpqa.delete()

    response = client.get(f"/reports/{report.reference}/")

    assert response.status_code == 200
    assert "a record since removed" in text(response)


def test_status_page_never_shows_the_email_or_curator_notes(client, gpqa):
    report = make_data_report(
        benchmark=gpqa,
        email="secret-reporter@example.org",
        curator_notes="INTERNAL: the reporter works for a competitor",
        public_reply="Thanks!",
    )

    page = text(client.get(f"/reports/{report.reference}/"))

    assert "secret-reporter" not in page
    assert "INTERNAL" not in page
    assert "Thanks!" in page


def test_every_visitor_field_is_escaped_on_the_status_page(client, gpqa):
    post_report(
        client,
        "benchmark=gpqa",
        description=f"desc {XSS}",
        suggested_value=f"value {XSS}",
        evidence_url='https://example.org/?q="><script>alert(1)</script>',
    )
    report = DataReport.objects.get()
    report.public_reply = f"reply {XSS}"
    report.save()

    page = text(client.get(f"/reports/{report.reference}/"))

    assert "<script>alert" not in page
    assert 'href="https://example.org/?q="' not in page
    for label in ("desc", "value", "reply"):
        assert f"{label} &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_status_page_escapes_curated_names_too(client):
    benchmark = make_benchmark(name=f"Bench {XSS}")
    report = make_data_report(benchmark=benchmark)

    page = text(client.get(f"/reports/{report.reference}/"))

    assert "<script>alert" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/reports/doesnotexist1234/",
        "/reports/x/",
        "/reports/%00/",
        "/reports/abc%00def/",
        "/reports/" + "a" * 33 + "/",
        "/reports/abc.def/",
        "/reports/%F0%9F%92%A9/",
    ],
)
def test_unknown_reference_is_404(client, path):
    make_data_report()

    assert client.get(path).status_code == 404


# htmx


def test_htmx_get_returns_only_the_form_partial(client, gpqa):
    response = client.get(f"{CREATE}?benchmark=gpqa", headers=HTMX)

    page = text(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="report-form"')
    assert "<html" not in page and "<h1>" not in page
    assert "Report about GPQA" in page
    assert 'hx-post="/reports/new/?benchmark=gpqa"' in page
    assert 'hx-target="#report-form"' in page
    assert "autofocus" in page
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, gpqa):
    response = client.get(
        f"{CREATE}?benchmark=gpqa",
        headers=HTMX | {"HX-History-Restore-Request": "true"},
    )

    assert "<html" in text(response)


def test_htmx_post_returns_the_confirmation_in_place(client, gpqa):
    response = client.post(f"{CREATE}?benchmark=gpqa", valid_report(), headers=HTMX)

    report = DataReport.objects.get()
    page = text(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="report-form"')
    assert "<html" not in page
    assert report.reference in page
    assert f'href="/reports/{report.reference}/"' in page


def test_htmx_post_with_errors_returns_the_form_with_them(client, gpqa):
    response = client.post(
        f"{CREATE}?benchmark=gpqa", valid_report(description="", kind="bogus"), headers=HTMX
    )

    page = text(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert "Please correct the fields marked below." in page
    assert 'aria-invalid="true"' in page
    assert not DataReport.objects.exists()


def test_htmx_honeypot_shows_a_confirmation_too(client, gpqa):
    response = client.post(f"{CREATE}?benchmark=gpqa", valid_report(website="spam"), headers=HTMX)

    assert "Thank you: your report is in" in text(response)
    assert not DataReport.objects.exists()


def test_visitor_text_is_escaped_when_the_form_comes_back(client, gpqa):
    response = post_report(client, "benchmark=gpqa", kind="", description=XSS, suggested_value=XSS)

    page = text(response)
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


# CSRF


def test_post_without_csrf_token_is_refused():
    make_benchmark(slug="gpqa")
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"{CREATE}?benchmark=gpqa", valid_report())

    assert response.status_code == 403
    assert not DataReport.objects.exists()


def test_post_with_the_forms_csrf_token_is_accepted():
    make_benchmark(slug="gpqa")
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"{CREATE}?benchmark=gpqa")
    token = page.context["csrf_token"]

    response = client.post(f"{CREATE}?benchmark=gpqa", valid_report(csrfmiddlewaretoken=str(token)))

    assert response.status_code == 303


def test_htmx_post_with_the_csrf_header_is_accepted():
    make_benchmark(slug="gpqa")
    client = Client(enforce_csrf_checks=True)
    client.get(f"{CREATE}?benchmark=gpqa")
    token = client.cookies["csrftoken"].value

    response = client.post(
        f"{CREATE}?benchmark=gpqa", valid_report(), headers=HTMX | {"X-CSRFToken": token}
    )

    assert response.status_code == 200
    assert DataReport.objects.count() == 1


@pytest.mark.parametrize(
    "address",
    ['"<b>x</b>"@example.org', '"<script>alert(1)</script>"@example.org', '"o\'brien"@ex.org'],
)
def test_an_address_holding_markup_or_quotes_is_refused(client, gpqa, address):
    """Valid by the RFC (a quoted local part), but no visitor needs one, and it would
    carry markup into curators' pages and mail (escaped, still unwelcome)."""
    response = post_report(client, "benchmark=gpqa", email=address)

    assert response.status_code == 200
    assert "Enter a plain email address, without quotes or angle brackets." in text(response)
    assert not DataReport.objects.exists()
    assert post_report(client, "benchmark=gpqa", email="ada@example.org").status_code == 303
