"""/models/: every model, with filters, sorting, search, pages and downloads."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    make_ai_model,
    make_license,
    make_offering,
    make_organization,
    make_result,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/models/"
CSV_URL = "/models/download.csv"
JSON_URL = "/models/download.json"
HTMX = {"HX-Request": "true"}
BILLION = 10**9


def names_in_order(response) -> list[str]:
    """Model names as the table lists them, top to bottom."""
    table = response.content.decode().split('id="model-table"', 1)[1]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table)


def names(params: dict | None = None, client=None) -> list[str]:
    return names_in_order(client.get(LIST_URL, params or {}))


def csv_names(response) -> list[str]:
    return [row["model"] for row in csv.DictReader(io.StringIO(response.content.decode()))]


# --- the page ----------------------------------------------------------------------------------


def test_list_shows_each_model_with_its_facts(client):
    org = make_organization(slug="acme", name="Acme AI")
    ai_model = make_ai_model(
        slug="acme-large",
        name="Acme Large",
        organization=org,
        release_date=datetime.date(2024, 9, 1),
        release_date_precision="month",
        license=make_license(open_weights=True),
        parameter_count=70 * BILLION,
        input_context_length=128_000,
        multimodal=True,
    )
    make_offering(ai_model=ai_model, input_usd_per_million="2", output_usd_per_million="6")
    make_offering(ai_model=ai_model, input_usd_per_million="0.5", output_usd_per_million="1.5")
    make_offering(
        ai_model=ai_model,
        input_usd_per_million="0.1",
        output_usd_per_million="0.1",
        deprecated_at=timezone.now(),
    )
    make_result(ai_model=ai_model)
    make_result(ai_model=ai_model)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Models</h1>" in content
    assert '<a href="/models/acme-large/">Acme Large</a>' in content
    assert "<td>Acme AI</td>" in content
    assert '<time datetime="2024-09-01">Sep 2024</time>' in content
    assert '<span class="badge badge-open">Open</span>' in content
    assert '<td class="num">70B</td>' in content
    assert '<td class="num">128K</td>' in content
    # The cheapest current offering; the deprecated one does not count.
    assert '<td class="num">$0.5</td>' in content
    assert '<td class="num">$1.5</td>' in content
    assert '<td class="num">2</td>' in content
    assert 'href="/static/css/catalog.css"' in content
    assert 'href="/static/css/models.css"' in content


def test_a_model_without_an_open_licence_is_proprietary(client):
    make_ai_model(license=None)
    make_ai_model(license=make_license(open_weights=None))
    make_ai_model(license=make_license(open_weights=False))

    content = client.get(LIST_URL).content.decode()

    assert content.count('<span class="badge">Proprietary</span>') == 3


def test_nav_links_to_the_list(client):
    assert '<a href="/models/">Models</a>' in client.get("/").content.decode()


# --- filters -----------------------------------------------------------------------------------


def test_filter_by_organization(client):
    acme = make_organization(slug="acme")
    make_ai_model(name="Acme One", organization=acme)
    make_ai_model(name="Other")
    assert names({"org": "acme"}, client) == ["Acme One"]


def test_filter_open_or_proprietary(client):
    make_ai_model(name="Open", license=make_license(open_weights=True))
    make_ai_model(name="Closed", license=make_license(open_weights=False))
    make_ai_model(name="Unknown", license=None)
    sort = {"sort": "name"}
    assert names({"licence": "open", **sort}, client) == ["Open"]
    assert names({"licence": "proprietary", **sort}, client) == ["Closed", "Unknown"]


def test_filter_multimodal(client):
    make_ai_model(name="Vision", multimodal=True)
    make_ai_model(name="Text", multimodal=False)
    assert names({"multimodal": "yes"}, client) == ["Vision"]
    assert names({"multimodal": "no"}, client) == ["Text"]


def test_filter_minimum_context(client):
    make_ai_model(name="Long", input_context_length=200_000)
    make_ai_model(name="Exact", input_context_length=128_000)
    make_ai_model(name="Short", input_context_length=8_192)
    make_ai_model(name="Unknown", input_context_length=None)
    assert names({"min_context": "128000", "sort": "name"}, client) == ["Exact", "Long"]


def test_filter_parameter_range_in_billions(client):
    make_ai_model(name="Small", parameter_count=7 * BILLION)
    make_ai_model(name="Medium", parameter_count=70 * BILLION)
    make_ai_model(name="Large", parameter_count=405 * BILLION)
    make_ai_model(name="Unknown", parameter_count=None)
    sort = {"sort": "params"}
    assert names({"min_params": "7", "max_params": "70", **sort}, client) == ["Small", "Medium"]
    assert names({"min_params": "70.5", **sort}, client) == ["Large"]
    assert names({"max_params": "6.9", **sort}, client) == []


def test_filter_maximum_input_price_at_the_cheapest_current_offering(client):
    cheap = make_ai_model(name="Cheap")
    make_offering(ai_model=cheap, input_usd_per_million="5", output_usd_per_million="15")
    make_offering(ai_model=cheap, input_usd_per_million="1", output_usd_per_million="2")
    dear = make_ai_model(name="Dear")
    make_offering(ai_model=dear, input_usd_per_million="3", output_usd_per_million="9")
    # Only a deprecated offering is cheap enough: it does not count.
    make_offering(
        ai_model=dear,
        input_usd_per_million="0.1",
        output_usd_per_million="0.1",
        deprecated_at=timezone.now(),
    )
    make_ai_model(name="Unpriced")
    assert names({"max_price": "1"}, client) == ["Cheap"]
    assert names({"max_price": "3", "sort": "price"}, client) == ["Cheap", "Dear"]


def test_filter_release_date_range(client):
    make_ai_model(name="Old", release_date=datetime.date(2023, 5, 1))
    make_ai_model(name="Mid", release_date=datetime.date(2024, 6, 15))
    make_ai_model(name="New", release_date=datetime.date(2025, 2, 1))
    make_ai_model(name="Undated", release_date=None)
    assert names({"from": "2024-06-15"}, client) == ["New", "Mid"]
    assert names({"to": "2024-06-15"}, client) == ["Mid", "Old"]
    assert names({"from": "2024-01-01", "to": "2024-12-31"}, client) == ["Mid"]


def test_search_matches_name_and_slug_every_word(client):
    make_ai_model(name="Llama 3.1 405B", slug="llama-3.1-405b-instruct")
    make_ai_model(name="Llama 3 8B", slug="llama-3-8b")
    make_ai_model(name="Claude", slug="claude-x", description="llama")
    assert names({"q": "llama", "sort": "name"}, client) == ["Llama 3 8B", "Llama 3.1 405B"]
    assert names({"q": "instruct"}, client) == ["Llama 3.1 405B"]
    assert names({"q": "LLAMA 8b"}, client) == ["Llama 3 8B"]


def test_filters_combine_and_the_form_shows_them(client):
    acme = make_organization(slug="acme")
    make_ai_model(name="Acme Vision", organization=acme, multimodal=True)
    make_ai_model(name="Acme Text", organization=acme)
    make_ai_model(name="Other Vision", multimodal=True)

    response = client.get(LIST_URL, {"org": "acme", "multimodal": "yes", "min_context": ""})

    assert names_in_order(response) == ["Acme Vision"]
    content = response.content.decode()
    assert '<option value="acme" selected>' in content
    assert '<option value="yes" selected>' in content
    assert "1 matching model," in content


def test_no_match_says_so_and_offers_everything(client):
    make_ai_model(name="Alpha")
    content = client.get(LIST_URL, {"q": "zzz"}).content.decode()
    assert "No models match the search “zzz”" in content
    assert '<a href="/models/">show all models</a>' in content


def test_empty_site(client):
    content = client.get(LIST_URL).content.decode()
    assert "No models yet." in content


# --- sorting -----------------------------------------------------------------------------------


def _sortable_models():
    """Four models, each column's order different from the names'."""
    a = make_ai_model(
        name="alpha",
        organization=make_organization(name="Zeta Labs"),
        release_date=datetime.date(2024, 1, 1),
        parameter_count=70 * BILLION,
        input_context_length=32_000,
    )
    b = make_ai_model(
        name="Bravo",
        organization=make_organization(name="acme"),
        release_date=datetime.date(2025, 1, 1),
        parameter_count=None,
        input_context_length=1_000_000,
    )
    c = make_ai_model(
        name="Charlie",
        organization=make_organization(name="Mid Co"),
        release_date=None,
        parameter_count=7 * BILLION,
        input_context_length=None,
    )
    make_offering(ai_model=a, input_usd_per_million="3", output_usd_per_million="1")
    make_offering(ai_model=b, input_usd_per_million="1", output_usd_per_million="8")
    for _ in range(3):
        make_result(ai_model=c)
    make_result(ai_model=a)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["alpha", "Bravo", "Charlie"]),
        ("-name", ["Charlie", "Bravo", "alpha"]),
        ("org", ["Bravo", "Charlie", "alpha"]),
        ("-org", ["alpha", "Charlie", "Bravo"]),
        # Unknown values come last in both directions.
        ("released", ["alpha", "Bravo", "Charlie"]),
        ("-released", ["Bravo", "alpha", "Charlie"]),
        ("params", ["Charlie", "alpha", "Bravo"]),
        ("-params", ["alpha", "Charlie", "Bravo"]),
        ("context", ["alpha", "Bravo", "Charlie"]),
        ("-context", ["Bravo", "alpha", "Charlie"]),
        ("price", ["Bravo", "alpha", "Charlie"]),
        ("-price", ["alpha", "Bravo", "Charlie"]),
        ("output", ["alpha", "Bravo", "Charlie"]),
        ("-output", ["Bravo", "alpha", "Charlie"]),
        ("results", ["Bravo", "alpha", "Charlie"]),
        ("-results", ["Charlie", "alpha", "Bravo"]),
    ],
)
def test_sort_every_column_both_ways(client, sort, expected):
    _sortable_models()
    assert names({"sort": sort}, client) == expected


def test_default_sort_is_newest_first(client):
    _sortable_models()
    assert names({}, client) == ["Bravo", "alpha", "Charlie"]


def test_sort_headers_link_to_the_other_direction_and_keep_the_filters(client):
    make_ai_model(name="Llama")

    content = client.get(LIST_URL, {"q": "llama", "sort": "-params"}).content.decode()

    assert '<th scope="col" class="num" aria-sort="descending">' in content
    assert 'href="/models/?q=llama&amp;sort=params"' in content
    assert 'href="/models/?q=llama"' in content  # newest first: the default
    assert 'href="/models/?q=llama&amp;sort=name"' in content
    assert 'href="/models/?q=llama&amp;sort=-results"' in content
    # (The page's own: the header's search box asks for suggestions with hx-get, and its
    # form submits to /search/ without JavaScript.)
    page = content.split('<main id="main">')[1]
    hx_gets = re.findall(r'hx-get="([^"]+)"', page)
    hrefs = re.findall(r'(?:href|action)="([^"]+)"', page)  # a form's hx-get: its action
    assert hx_gets
    assert all(url in hrefs for url in hx_gets)


# --- pages and malformed parameters ------------------------------------------------------------


def test_pagination_keeps_the_filters_and_clamps_the_page(client):
    org = make_organization(slug="acme")
    for n in range(55):
        make_ai_model(name=f"Model {n:02}", organization=org)
    make_ai_model(name="Elsewhere")
    params = {"org": "acme", "sort": "name"}

    first = client.get(LIST_URL, params)
    second = client.get(LIST_URL, {**params, "page": "2"})
    beyond = client.get(LIST_URL, {**params, "page": "99"})

    assert len(names_in_order(first)) == 50
    assert names_in_order(second) == [f"Model {n:02}" for n in range(50, 55)]
    assert names_in_order(beyond) == names_in_order(second)
    content = first.content.decode()
    assert "1\N{EN DASH}50 of 55 matching models" in content
    assert 'href="/models/?org=acme&amp;sort=name&amp;page=2"' in content
    assert "Page 1 of 2" in content


def test_one_page_has_no_pagination(client):
    make_ai_model()
    assert 'class="pagination"' not in client.get(LIST_URL).content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-3"},
        {"min_context": "-5"},
        {"min_context": "lots"},
        {"min_params": "-1", "max_params": "big"},
        {"max_price": "NaN"},
        {"max_price": "1e999"},
        {"from": "2025-13-40"},
        {"to": "yesterday"},
        {"sort": "bogus"},
        {"sort": "pk"},
        {"org": "no-such-org"},
        {"licence": "free"},
        {"multimodal": "maybe"},
        {"q": "\x00"},
    ],
)
def test_malformed_parameters_fall_back_to_defaults(client, params):
    make_ai_model(name="Old", release_date=datetime.date(2024, 1, 1))
    make_ai_model(name="New", release_date=datetime.date(2025, 1, 1))

    response = client.get(LIST_URL, params)

    assert response.status_code == 200
    assert names_in_order(response) == ["New", "Old"]
    assert "2 models, sorted by newest first" in response.content.decode()


def test_one_malformed_parameter_leaves_the_others(client):
    make_ai_model(name="Vision", multimodal=True)
    make_ai_model(name="Text")
    response = client.get(LIST_URL, {"multimodal": "yes", "min_context": "-5"})
    assert names_in_order(response) == ["Vision"]


# --- htmx --------------------------------------------------------------------------------------


def test_htmx_request_gets_only_the_table(client):
    make_ai_model(name="Alpha")

    response = client.get(LIST_URL, {"sort": "name"}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="model-table"')
    assert "<h1>" not in content
    assert 'id="model-filters"' not in content
    assert "Alpha" in content
    # The sort menu and the summary outside the table come out of band.
    assert 'id="model-sort-control" hx-swap-oob="true"' in content
    assert '<option value="name" selected>' in content
    assert 'id="model-summary" hx-swap-oob="innerHTML"' in content
    assert "HX-Request" in response["Vary"]
    assert "HX-History-Restore-Request" in response["Vary"]


def test_full_page_varies_on_htmx_too(client):
    response = client.get(LIST_URL)
    assert "HX-Request" in response["Vary"]
    assert "hx-swap-oob" not in response.content.decode()


def test_history_restore_gets_the_full_page(client):
    response = client.get(LIST_URL, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<h1>Models</h1>" in response.content.decode()


def test_form_works_without_javascript(client):
    content = client.get(LIST_URL).content.decode()
    form = content.split('<form id="model-filters"', 1)[1].split("</form>", 1)[0]
    assert 'method="get" action="/models/"' in form
    assert '<button type="submit">Show</button>' in form
    for name in ["q", "org", "licence", "multimodal", "min_context", "min_params",
                 "max_params", "max_price", "from", "to", "sort"]:  # fmt: skip
        assert f'name="{name}"' in form


def test_list_only_answers_get(client):
    assert client.post(LIST_URL).status_code == 405
    assert client.post(CSV_URL).status_code == 405


# --- downloads ---------------------------------------------------------------------------------


def test_csv_download_honours_the_filters_and_order(client):
    acme = make_organization(slug="acme", name="Acme")
    big = make_ai_model(
        name="Acme Big",
        slug="acme-big",
        organization=acme,
        parameter_count=70 * BILLION,
        license=make_license(name="Apache 2.0", open_weights=True),
        release_date=datetime.date(2024, 9, 1),
        release_date_precision="month",
    )
    make_offering(ai_model=big, input_usd_per_million="0.50", output_usd_per_million="1.2500")
    make_result(ai_model=big)
    make_ai_model(name="Acme Small", organization=acme, parameter_count=7 * BILLION)
    make_ai_model(name="Other Big", parameter_count=70 * BILLION)

    response = client.get(CSV_URL, {"org": "acme", "sort": "-params", "page": "3"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="benchboard-models.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["model"] for row in rows] == ["Acme Big", "Acme Small"]
    assert rows[0] == {
        "model": "Acme Big",
        "model_slug": "acme-big",
        "organization": "Acme",
        "organization_slug": "acme",
        "release_date": "2024-09-01",
        "release_date_precision": "month",
        "open_weights": "True",
        "license": "Apache 2.0",
        "multimodal": "False",
        "parameter_count": str(70 * BILLION),
        "input_context_length": "",
        "input_usd_per_million": "0.5",
        "output_usd_per_million": "1.25",
        "result_count": "1",
    }
    assert csv_names(client.get(CSV_URL, {"max_params": "10"})) == ["Acme Small"]


def test_csv_download_guards_against_formulas(client):
    make_ai_model(name="=HYPERLINK(1)", slug="-cmd")
    row = next(csv.DictReader(io.StringIO(client.get(CSV_URL).content.decode())))
    assert row["model"] == "'=HYPERLINK(1)"
    assert row["model_slug"] == "'-cmd"


def test_json_download_honours_the_filters(client):
    make_ai_model(name="Vision", slug="vision", multimodal=True)
    make_ai_model(name="Text")

    response = client.get(JSON_URL, {"multimodal": "yes", "min_context": "-5"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 'filename="benchboard-models.json"' in response["Content-Disposition"]
    payload = json.loads(response.content)
    assert payload["query"] == {"multimodal": "yes"}
    assert [record["model_slug"] for record in payload["models"]] == ["vision"]
    assert payload["models"][0]["multimodal"] is True
    assert payload["models"][0]["input_usd_per_million"] is None


def test_download_links_carry_the_filters(client):
    make_ai_model(name="Vision", multimodal=True)
    content = client.get(LIST_URL, {"multimodal": "yes", "page": "1"}).content.decode()
    assert 'href="/models/download.csv?multimodal=yes"' in content
    assert 'href="/models/download.json?multimodal=yes"' in content


# --- query counts ------------------------------------------------------------------------------


def _queries(client, url: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **kwargs).status_code == 200
    return len(queries)


def _add_models(count: int) -> None:
    for n in range(count):
        ai_model = make_ai_model(
            organization=make_organization(),
            license=make_license(open_weights=n % 2 == 0),
            parameter_count=(n + 1) * BILLION,
            input_context_length=128_000,
        )
        make_offering(ai_model=ai_model, input_usd_per_million=Decimal(n) / 10)
        make_offering(ai_model=ai_model)
        make_result(ai_model=ai_model)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-results"},
        {"sort": "price", "q": "model", "licence": "open"},
        {"min_context": "1000", "max_price": "5", "min_params": "1", "from": "2024-01-01"},
    ],
)
def test_query_count_does_not_grow_with_data(client, params, uncached_pages):
    _add_models(3)
    small = _queries(client, LIST_URL, data=params)
    small_htmx = _queries(client, LIST_URL, data=params, headers=HTMX)
    small_csv = _queries(client, CSV_URL, data=params)
    _add_models(27)
    assert _queries(client, LIST_URL, data=params) == small
    assert _queries(client, LIST_URL, data=params, headers=HTMX) == small_htmx
    assert _queries(client, CSV_URL, data=params) == small_csv
    # The organizations for the form, the count, the page and (full page only) the
    # site-wide demo-data check; a download is the organizations and its rows.
    assert (small, small_htmx, small_csv) == (4, 3, 2)
