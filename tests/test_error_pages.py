"""Benchboard's own error pages (config/errors.py), with DEBUG off as in production.

The views that raise live in this module's urlconf, which adds them to the site's
and names the site's error handlers (Django reads handlers from the root urlconf).
"""

import logging

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from config import urls as site_urls
from submissions.models import DataReport
from tests.factories import make_benchmark


def _raise(exception: Exception):
    def view(request: HttpRequest) -> HttpResponse:
        raise exception

    return view


urlpatterns = [
    path("test-errors/denied/", _raise(PermissionDenied("no"))),
    path("test-errors/suspicious/", _raise(SuspiciousOperation("odd"))),
    path("test-errors/crash/", _raise(RuntimeError("a bug"))),
    path("test-errors/db-down/", _raise(OperationalError("connection refused"))),
    path("test-errors/db-gone/", _raise(InterfaceError("connection already closed"))),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.fixture
def client(client, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    # Answer as a browser would see it, instead of re-raising in the test.
    client.raise_request_exception = False
    return client


def page(response) -> str:
    return response.content.decode()


def links_home(response) -> bool:
    return 'href="/"' in page(response)


@pytest.mark.django_db
def test_unknown_address_is_our_404_page_with_the_path_escaped(client):
    response = client.get("/no-such-page/<script>alert(1)</script>/")

    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    assert "Page not found" in page(response)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(response)
    assert "<script>alert(1)" not in page(response)
    assert links_home(response)
    assert 'href="/search/"' in page(response)


@pytest.mark.django_db
def test_unknown_benchmark_is_our_404_page_in_the_site_layout(client):
    make_benchmark(slug="gpqa")

    response = client.get("/benchmarks/not-gpqa/")

    assert response.status_code == 404
    assert "Page not found" in page(response)
    assert 'class="site-header"' in page(response)
    assert 'href="/benchmarks/"' in page(response)


@pytest.mark.django_db
def test_permission_denied_is_our_403_page(client):
    response = client.get("/test-errors/denied/")

    assert response.status_code == 403
    assert "Not allowed" in page(response)
    assert "You do not have permission" in page(response)
    assert links_home(response)


@pytest.mark.django_db
def test_suspicious_request_is_our_400_page(client):
    response = client.get("/test-errors/suspicious/")

    assert response.status_code == 400
    assert "Bad request" in page(response)
    assert links_home(response)


def test_disallowed_host_is_our_400_page_without_the_database(client):
    # No database fixture: the page must not need it. It is rendered without the
    # request, whose Host would fail again when the canonical address is built.
    response = client.get("/", headers={"host": "evil.example"})

    assert response.status_code == 400
    assert "Bad request" in page(response)
    assert links_home(response)


def test_crash_is_our_500_page_without_the_database(client, caplog):
    # No database fixture: pytest-django fails any query, so this proves the page
    # renders while the database is unreachable.
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/test-errors/crash/")

    assert response.status_code == 500
    assert "Something went wrong" in page(response)
    assert "a bug" not in page(response)  # no exception details leak
    assert "Traceback" not in page(response)
    assert links_home(response)
    assert 'href="/static/css/site.css"' in page(response)
    assert "no-store" in response["Cache-Control"]
    assert [r.getMessage() for r in caplog.records] == [
        "Internal Server Error: /test-errors/crash/"
    ]


@pytest.mark.parametrize("url", ["/test-errors/db-down/", "/test-errors/db-gone/"])
def test_database_error_is_503_with_retry_after_logged_once(client, caplog, url):
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "temporarily unavailable" in page(response)
    assert "Traceback" not in page(response)
    assert links_home(response)
    records = [r for r in caplog.records if r.name == "django.request"]
    # The first failure of an outage, with its cause (config.errors.DatabaseOutageLog).
    assert [(r.levelname, r.getMessage()) for r in records] == [
        (
            "ERROR",
            f"The database cannot be reached ({type(records[0].exc_info[1]).__name__}); "
            f"failed requests are counted, not logged, until it is back. "
            f"Service Unavailable: {url}",
        )
    ]
    assert isinstance(records[0].exc_info[1], OperationalError | InterfaceError)


def test_error_page_falls_back_to_plain_html_when_its_template_fails(client, settings, caplog):
    # Production's hashed static storage raises for a file missing from the
    # manifest (collectstatic not run): the 503 must still be a page.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent-benchboard-static"

    response = client.get("/test-errors/db-down/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in page(response)
    assert links_home(response)
    assert "The error page 503.html failed to render" in caplog.text


@pytest.mark.django_db
def test_rate_limited_report_is_our_429_page(client, settings):
    settings.REDIS_URL = ""
    settings.BENCHBOARD_TICKET_RATE_LIMIT = 1
    make_benchmark(slug="gpqa")
    report = {"kind": "other", "description": "Something is off.", "website": ""}

    assert client.post("/reports/new/?benchmark=gpqa", report).status_code == 303
    response = client.post("/reports/new/?benchmark=gpqa", report)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Please wait a little" in page(response)
    assert "Nothing was saved" in page(response)
    assert links_home(response)


@pytest.mark.django_db
def test_a_post_without_its_csrf_token_is_our_403_page(settings):
    """The report form posted without the token its page carries (an expired or forged
    form) gets our page, not Django's, and nothing is stored."""
    settings.DEBUG = False
    make_benchmark(slug="gpqa")
    response = Client(enforce_csrf_checks=True).post(
        "/reports/new/?benchmark=gpqa", {"kind": "other", "description": "No token."}
    )

    assert response.status_code == 403
    assert "This form has expired" in page(response)
    assert "reload the page" in page(response)
    assert links_home(response)
    assert not DataReport.objects.exists()
