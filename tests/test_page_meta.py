"""Every public page has its own title, meta description, canonical link and OpenGraph tags."""

import datetime
from html.parser import HTMLParser

import pytest

from submissions.models import DataReport
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_offering,
    make_organization,
    make_result,
)

DEFAULT_DESCRIPTION = (
    "Open leaderboards for AI model benchmarks: every score with its source, its history "
    "and whether it was verified."
)


class HeadParser(HTMLParser):
    """The <title>, <meta> and <link rel=canonical> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = attributes.get("name") or attributes.get("property")
            if key:
                self.meta.setdefault(key, []).append(attributes.get("content", ""))
        elif tag == "link" and attributes.get("rel") == "canonical":
            self.canonical.append(attributes.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def head(client, url: str) -> HeadParser:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = HeadParser()
    parser.feed(response.text)
    return parser


@pytest.fixture
def site():
    acme = make_organization(slug="acme", name="Acme AI")
    coding = make_category(slug="coding", name="Coding")
    gpqa = make_benchmark(slug="gpqa", name="GPQA", categories=[coding])
    one = make_ai_model(slug="acme-one", name="Acme One", organization=acme)
    two = make_ai_model(
        slug="acme-two", name="Acme Two", organization=acme, release_date=datetime.date(2025, 1, 2)
    )
    make_offering(ai_model=one)
    result = make_result(ai_model=one, benchmark=gpqa, score="0.7", normalized_score="0.7")
    make_result(ai_model=two, benchmark=gpqa, score="0.6", normalized_score="0.6")
    report = DataReport.objects.create(
        kind=DataReport.Kind.WRONG_VALUE, description="The score is 0.71.", result=result
    )
    return {"report": report}


PUBLIC_PAGES = [
    "/",
    "/benchmarks/",
    "/benchmarks/gpqa/",
    "/categories/",
    "/categories/coding/",
    "/models/",
    "/models/acme-one/",
    "/organizations/",
    "/organizations/acme/",
    "/compare/?models=acme-one,acme-two",
    "/search/?q=acme",
]


@pytest.mark.django_db
def test_every_public_page_has_its_own_title_description_canonical_and_opengraph(client, site):
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for url in PUBLIC_PAGES:
        page = head(client, url)
        title = page.title.strip()
        [description] = page.meta["description"]
        [canonical] = page.canonical
        assert title, url
        assert description.strip(), url
        assert canonical.startswith("http://testserver/"), url
        assert page.meta["og:url"] == [canonical], url
        assert page.meta["og:title"][0].strip(), url
        assert page.meta["og:description"][0].strip(), url
        assert page.meta["og:site_name"] == ["Benchboard"], url
        titles[url] = title
        descriptions[url] = description
    # No two pages share a title; only the home page may use the site's own description.
    assert len(set(titles.values())) == len(titles), titles
    assert [url for url, text in descriptions.items() if text == DEFAULT_DESCRIPTION] in (
        [],
        ["/"],
    )


@pytest.mark.django_db
def test_a_comparison_is_its_own_canonical_page(client, site):
    [canonical] = head(client, "/compare/?models=acme-one,acme-two").canonical
    assert canonical.startswith("http://testserver/compare/?models=acme-one")
    assert "acme-two" in canonical


@pytest.mark.django_db
def test_private_and_form_pages_are_not_indexed(client, site):
    reference = site["report"].reference
    for url in ["/reports/new/?model=acme-one", "/submit/", f"/reports/{reference}/"]:
        page = head(client, url)
        assert page.meta.get("robots") == ["noindex"], url
        assert page.title.strip(), url
