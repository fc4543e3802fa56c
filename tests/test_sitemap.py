"""/sitemap.xml and /robots.txt."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sources.models import CURATORS, Source, standard_source
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_organization,
    make_provider,
)

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC)


def entries(content: str) -> dict[str, str | None]:
    """Each <loc> with its <lastmod>, if it has one."""
    found = {}
    for block in re.findall(r"<url>(.*?)</url>", content, re.S):
        loc = re.search(r"<loc>([^<]+)</loc>", block)[1]
        lastmod = re.search(r"<lastmod>([^<]+)</lastmod>", block)
        found[loc] = lastmod[1] if lastmod else None
    return found


def test_sitemap_lists_every_kind_of_page_with_absolute_urls(client):
    benchmark = make_benchmark(slug="mbpp+", name="MBPP+")
    category = make_category(slug="coding")
    organization = make_organization(slug="acme")
    ai_model = make_ai_model(slug="acme-1", organization=organization)
    provider = make_provider(slug="groq")
    for instance in (benchmark, category, ai_model, organization, provider):
        type(instance).objects.filter(pk=instance.pk).update(updated_at=WHEN)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    found = entries(response.content.decode())
    assert found == {
        "http://testserver/": None,
        "http://testserver/benchmarks/": None,
        "http://testserver/categories/": None,
        "http://testserver/models/": None,
        "http://testserver/organizations/": None,
        "http://testserver/providers/": None,
        "http://testserver/sources/": None,
        "http://testserver/benchmarks/mbpp+/": "2025-03-04",
        "http://testserver/categories/coding/": "2025-03-04",
        "http://testserver/models/acme-1/": "2025-03-04",
        "http://testserver/organizations/acme/": "2025-03-04",
        "http://testserver/providers/groq/": "2025-03-04",
    } | {
        # The sources there are (curators' may have been made already).
        f"http://testserver/sources/{source.slug}/": source.updated_at.date().isoformat()
        for source in Source.objects.all()
    }


def test_sitemap_uses_the_request_scheme(client):
    response = client.get("/sitemap.xml", secure=True)
    assert "<loc>https://testserver/</loc>" in response.content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_sitemap_query_count_does_not_grow_with_data(client):
    def add(count: int) -> None:
        for _ in range(count):
            category = make_category()
            make_benchmark(categories=[category])
            make_ai_model(organization=make_organization())
            make_provider()

    add(3)
    standard_source(CURATORS)  # (a section without rows skips its select)
    small = _queries(client, "/sitemap.xml")
    add(27)
    # Per section a count and a select (no demo-data check: the sitemap shows no banner).
    assert _queries(client, "/sitemap.xml") == small == 6 * 2
    assert len(entries(client.get("/sitemap.xml").content.decode())) == (
        7 + 30 * 5 + Source.objects.count()
    )


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ["/admin/", "/reports/", "/submissions/", "/submit/"]:
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_needs_no_database_and_only_answers_get(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get("/robots.txt")
    assert client.post("/robots.txt").status_code == 405


def test_favicon_ico_leads_to_the_site_icon_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    assert finders.find("favicon.svg")
