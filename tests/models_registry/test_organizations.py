"""/organizations/ and /organizations/<slug>/: who makes the models, and how they rank."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_license,
    make_organization,
    make_result,
)

LIST_URL = "/organizations/"
BILLION = 10**9


def rows(content: str, section: str) -> list[list[str]]:
    """A section's table as text cells, row by row."""
    table = content.split(f'aria-labelledby="{section}"', 1)[1].split("</section>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    ]


# --- the list ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_each_organization(client):
    acme = make_organization(slug="acme", name="Acme AI", country="US")
    make_ai_model(organization=acme, release_date=datetime.date(2024, 9, 1))
    make_ai_model(
        organization=acme, release_date=datetime.date(2025, 3, 1), release_date_precision="month"
    )
    make_ai_model(organization=acme, release_date=None)
    make_organization(slug="empty", name="Empty Lab")

    response = client.get(LIST_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Organizations</h1>" in content
    table = content.split("<tbody>", 1)[1]
    assert re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a>', table) == [
        ("/organizations/acme/", "Acme AI"),
        ("/organizations/empty/", "Empty Lab"),
    ]
    assert "<td>US</td>" in content
    assert '<td class="num">3</td>' in content
    assert '<td class="num">0</td>' in content
    assert '<time datetime="2025-03-01">Mar 2025</time>' in content
    assert "<title>Organizations — Benchboard</title>" in content
    assert 'href="/static/css/catalog.css"' in content


@pytest.mark.django_db
def test_empty_list(client):
    assert "No organizations yet." in client.get(LIST_URL).content.decode()


# --- the detail page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_the_organization_and_its_models_newest_first(client):
    acme = make_organization(
        slug="acme",
        name="Acme AI",
        country="FR",
        website="https://acme.example/",
        description="Makers of large models.",
    )
    old = make_ai_model(
        slug="acme-old",
        name="Acme Old",
        organization=acme,
        release_date=datetime.date(2023, 5, 2),
        license=make_license(open_weights=True),
        parameter_count=7 * BILLION,
        input_context_length=8_192,
    )
    make_ai_model(
        slug="acme-new",
        name="Acme New",
        organization=acme,
        release_date=datetime.date(2025, 1, 1),
        release_date_precision="year",
    )
    make_ai_model(name="Acme Undated", organization=acme, release_date=None)
    make_ai_model(name="Someone Else's")
    make_result(ai_model=old)
    make_result(ai_model=old)

    response = client.get(acme.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert acme.get_absolute_url() == "/organizations/acme/"
    assert "<h1>Acme AI</h1>" in content
    assert "Makers of large models." in content
    assert '<a href="https://acme.example/" rel="external noopener">' in content
    assert "<dd>FR</dd>" in content
    models = rows(content, "organization-models")
    assert [row[0] for row in models] == ["Acme New", "Acme Old", "Acme Undated"]
    assert models[0][1:4] == ["2025", "Proprietary", ""]
    assert models[1][1:6] == ["2 May 2023", "Open", "7B", "8.2K", "2"]
    assert '<a href="/models/acme-old/">Acme Old</a>' in content
    assert '<a href="/reports/new/?model=acme-old">Report' in content
    assert "Notice missing or incorrect data? Use the report link on the model concerned." in (
        content
    )
    assert "<title>Acme AI — Benchboard</title>" in content
    assert '<meta name="description" content="Makers of large models.">' in content
    assert '<meta property="og:title" content="Acme AI">' in content
    assert '<meta property="og:description" content="Acme AI\'s AI models' in content


@pytest.mark.django_db
def test_best_results_rank_with_ties_and_direction(client):
    acme = make_organization(slug="acme")
    small = make_ai_model(name="Acme Small", organization=acme)
    large = make_ai_model(name="Acme Large", organization=acme)
    rival = make_ai_model(name="Rival")
    tied = make_benchmark(slug="tied", name="Tied Bench")
    make_result(ai_model=small, benchmark=tied, score=Decimal("0.8"))
    make_result(ai_model=rival, benchmark=tied, score=Decimal("0.8"))
    errors = make_benchmark(slug="errors", name="Error Rate", higher_is_better=False)
    make_result(ai_model=small, benchmark=errors, score=Decimal("0.3"))
    make_result(ai_model=large, benchmark=errors, score=Decimal("0.2"))
    make_result(ai_model=rival, benchmark=errors, score=Decimal("0.1"))
    # The rival's second, worse method on the same benchmark does not count twice.
    make_result(ai_model=rival, benchmark=errors, score=Decimal("0.9"), analysis_method="0-shot")
    make_result(ai_model=make_ai_model(), benchmark=errors, score=Decimal("0.25"))
    make_result(ai_model=rival, benchmark=make_benchmark(name="Not Acme's"))

    content = client.get("/organizations/acme/").content.decode()

    assert rows(content, "organization-results") == [
        # Most models first; on Error Rate lower is better, so Acme Large is best.
        ["Error Rate", "Acme Large", "20.0%", "2nd of 4"],
        ["Tied Bench", "Acme Small", "80.0%", "1st of 2"],
    ]
    assert '<a href="/benchmarks/errors/">Error Rate</a>' in content


@pytest.mark.django_db
def test_at_most_twenty_best_results_the_most_contested_first(client):
    acme = make_organization(slug="acme")
    ai_model = make_ai_model(organization=acme)
    others = [make_ai_model() for _ in range(2)]
    for n in range(22):
        benchmark = make_benchmark(name=f"Bench {n:02}")
        make_result(ai_model=ai_model, benchmark=benchmark)
        if n >= 20:
            for other in others:
                make_result(ai_model=other, benchmark=benchmark)

    best = rows(client.get("/organizations/acme/").content.decode(), "organization-results")

    assert len(best) == 20
    assert [row[0] for row in best[:3]] == ["Bench 20", "Bench 21", "Bench 00"]
    assert best[0][3] == "1st of 3"


@pytest.mark.django_db
def test_an_organization_without_models(client):
    make_organization(slug="quiet", name="Quiet Lab")
    content = client.get("/organizations/quiet/").content.decode()
    assert "No models from Quiet Lab yet." in content
    assert "No benchmark results for Quiet Lab" in content


@pytest.mark.django_db
def test_unknown_organization_is_not_found(client):
    assert client.get("/organizations/no-such-lab/").status_code == 404


@pytest.mark.django_db
def test_pages_only_answer_get(client):
    make_organization(slug="acme")
    assert client.post(LIST_URL).status_code == 405
    assert client.post("/organizations/acme/").status_code == 405


@pytest.mark.django_db
def test_names_are_escaped(client):
    evil = make_organization(
        slug="evil", name="<script>alert(1)</script>", description="<b>bold</b>"
    )
    make_ai_model(name="<script>model</script>", organization=evil)

    for url in [LIST_URL, "/organizations/evil/"]:
        content = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "<script>model</script>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<b>bold</b>" not in content


@pytest.mark.django_db
def test_search_links_to_the_organization_page(client):
    make_organization(slug="acme", name="Acme Labs")
    assert 'href="/organizations/acme/"' in client.get("/search/", {"q": "acme"}).content.decode()


# --- query counts --------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_models(organization, benchmarks, count: int) -> None:
    for n in range(count):
        ai_model = make_ai_model(
            organization=organization,
            license=make_license(open_weights=n % 2 == 0),
            parameter_count=(n + 1) * BILLION,
        )
        rival = make_ai_model(organization=make_organization())
        for benchmark in benchmarks:
            make_result(ai_model=ai_model, benchmark=benchmark, score=Decimal(n % 10) / 10)
            make_result(ai_model=rival, benchmark=benchmark)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_data(client, uncached_pages):
    acme = make_organization(slug="acme")
    benchmarks = [make_benchmark() for _ in range(3)]
    _add_models(acme, benchmarks, 3)
    small = (_queries(client, LIST_URL), _queries(client, "/organizations/acme/"))
    benchmarks += [make_benchmark() for _ in range(3)]
    _add_models(acme, benchmarks, 27)
    assert (_queries(client, LIST_URL), _queries(client, "/organizations/acme/")) == small
    # The list: its rows and the site-wide demo-data check. The page: the organization,
    # its models, the benchmarks its best results can be on, its results there, their
    # ranks and the demo-data check.
    assert small == (2, 6)
