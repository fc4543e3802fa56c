"""/providers/ and /providers/<slug>/: who serves the models, at what price and speed."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from models_registry.views_providers import (
    OfferingFacts,
    median,
    offering_row,
    price_range,
    provider_rows,
)
from pages.listing import in_order
from tests.factories import make_ai_model, make_offering, make_organization, make_provider

LIST_URL = "/providers/"
DASH = "\N{EN DASH}"
UNKNOWN = f'<span aria-hidden="true">{DASH}</span><span class="visually-hidden">unknown</span>'


def table_rows(content: str) -> list[list[str]]:
    """The table's body as text cells (visually hidden text left out), row by row."""
    body = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            " ".join(
                re.sub(
                    r"<[^>]+>", " ", re.sub(r'<span class="visually-hidden">.*?</span>', "", cell)
                ).split()
            )
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def names(content: str) -> list[str]:
    return [row[0] for row in table_rows(content)]


# --- shaping, without a database -----------------------------------------------------------------


def test_price_range_and_median_skip_unknown_values():
    assert price_range([None, Decimal("3"), Decimal("0.5")]) == price_range(
        [Decimal("0.5"), Decimal("3")]
    )
    assert price_range([Decimal("2")]).single
    assert price_range([None]) is None
    assert median([3.0, None, 1.0, 10.0]) == 3.0
    assert median([1.0, 2.0]) == 1.5
    assert median([None]) is None


def test_provider_rows_count_only_current_offerings():
    class Stub:
        def __init__(self, pk: int) -> None:
            self.pk = pk

    def facts(provider_id: int, price: str | None, speed: float | None, deprecated=None):
        price_value = None if price is None else Decimal(price)
        return OfferingFacts(provider_id, price_value, price_value, speed, speed, deprecated)

    gone = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    one, two = Stub(1), Stub(2)
    rows = provider_rows(
        [one, two],
        [facts(1, "1", 10.0), facts(1, "4", None), facts(1, "100", 1.0, gone), facts(1, None, 30)],
    )
    assert [row.provider for row in rows] == [one, two]
    assert rows[0].model_count == 3
    assert (rows[0].input_prices.low, rows[0].input_prices.high) == (1, 4)
    assert rows[0].median_throughput == 20.0
    assert (rows[1].model_count, rows[1].input_prices, rows[1].median_latency) == (0, None, None)


def test_in_order_puts_unknown_values_last_in_both_directions():
    rows = [("b", 2), ("a", None), ("c", 1), ("d", 2)]
    order = {"speed": lambda row: row[1]}

    def sort(key: str) -> list[str]:
        return [
            name
            for name, _ in in_order(rows, key, name=lambda row: row[0], values=order, name_key="n")
        ]

    assert sort("n") == ["a", "b", "c", "d"]
    assert sort("-n") == ["d", "c", "b", "a"]
    assert sort("speed") == ["c", "b", "d", "a"]
    assert sort("-speed") == ["b", "d", "c", "a"]


def test_features_are_the_flags_known_to_hold():
    class Flags:
        supports_function_calling = True
        supports_structured_output = False
        input_image = True

        def __getattr__(self, name: str) -> None:
            return None

    row = offering_row(Flags())
    assert [feature.label for feature in row.features] == ["Tools", "Image in"]
    assert row.features_known
    unknown = type("Unknown", (), {"__getattr__": lambda self, name: None})
    assert not offering_row(unknown()).features_known


# --- the list ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_each_provider_with_its_prices_and_speed(client):
    fast = make_provider(slug="fast", name="Fast Cloud", website="https://fast.example/")
    make_offering(
        provider=fast,
        input_usd_per_million=Decimal("0.05"),
        output_usd_per_million=Decimal("0.08"),
        throughput=750.0,
        latency=0.5,
    )
    make_offering(
        provider=fast,
        input_usd_per_million=Decimal("0.59"),
        output_usd_per_million=Decimal("0.79"),
        throughput=250.0,
        latency=0.2,
    )
    make_offering(provider=fast, throughput=None, latency=None)  # $1 and $3
    # A deprecated offering counts for neither the models nor the prices.
    make_offering(
        provider=fast,
        input_usd_per_million=Decimal("90"),
        deprecated_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    make_provider(slug="idle", name="Idle Inc")

    response = client.get(LIST_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Providers</h1>" in content
    assert "<title>Providers — Benchboard</title>" in content
    assert 'href="/static/css/providers.css"' in content
    assert table_rows(content) == [
        ["Fast Cloud", "3", f"$0.05 {DASH} $1", f"$0.08 {DASH} $3", "500 tok/s", "0.35 s"],
        ["Idle Inc", "0", DASH, DASH, DASH, DASH],
    ]
    assert '<a href="/providers/fast/">Fast Cloud</a>' in content
    assert content.count(UNKNOWN) == 4
    assert "None" not in content.split("<tbody>", 1)[1]


@pytest.mark.django_db
def test_list_sorts_by_each_column_unknown_values_last(client):
    def provider(name: str, models: int, price: str | None, speed: float | None) -> None:
        served = make_provider(name=name)
        for _ in range(models):
            make_offering(
                provider=served,
                input_usd_per_million=None if price is None else Decimal(price),
                output_usd_per_million=None if price is None else Decimal(price) * 2,
                throughput=speed,
                latency=None if speed is None else 100 / speed,
            )

    provider("beta", 2, "3", 50.0)
    provider("Alpha", 1, "1", None)
    provider("gamma", 3, None, 200.0)
    provider("Delta", 0, None, None)

    def order(sort: str) -> list[str]:
        return names(client.get(LIST_URL, {"sort": sort}).content.decode())

    assert order("") == ["Alpha", "beta", "Delta", "gamma"]
    assert order("-name") == ["gamma", "Delta", "beta", "Alpha"]
    assert order("-models") == ["gamma", "beta", "Alpha", "Delta"]
    assert order("input") == ["Alpha", "beta", "Delta", "gamma"]
    assert order("-input") == ["beta", "Alpha", "Delta", "gamma"]
    assert order("output") == order("input")
    assert order("-throughput") == ["gamma", "beta", "Alpha", "Delta"]
    assert order("throughput") == ["beta", "gamma", "Alpha", "Delta"]
    assert order("latency") == ["gamma", "beta", "Alpha", "Delta"]
    # Anything else is the default order.
    assert order("price; drop table") == order("name") == order("")


@pytest.mark.django_db
def test_list_headers_link_to_the_other_direction(client):
    make_offering(provider=make_provider(name="Acme"))
    content = client.get(LIST_URL, {"sort": "-throughput"}).content.decode()
    assert '<th scope="col" class="num" aria-sort="descending">' in content
    assert 'href="/providers/?sort=throughput"' in content
    assert 'href="/providers/?sort=input"' in content
    assert "Providers, sorted by fastest median throughput" in content


@pytest.mark.django_db
def test_a_sort_link_swaps_only_the_table(client):
    make_offering(provider=make_provider(name="Acme"))
    response = client.get(LIST_URL, {"sort": "-models"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="provider-table"')
    assert "<h1>" not in content
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_empty_list(client):
    assert "No providers yet." in client.get(LIST_URL).content.decode()


# --- the detail page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_the_provider_and_its_offerings(client):
    groq = make_provider(slug="groq", name="Groq", website="https://groq.example/")
    meta = make_organization(slug="meta", name="Meta")
    llama = make_ai_model(slug="llama-3", name="Llama 3", organization=meta)
    make_offering(
        provider=groq,
        ai_model=llama,
        input_usd_per_million=Decimal("0.59"),
        output_usd_per_million=Decimal("0.79"),
        max_input_tokens=131_072,
        throughput=250.0,
        latency=0.5,
        quantization="fp8",
        supports_function_calling=True,
        supports_structured_output=True,
        supports_web_search=False,
        input_image=True,
    )
    make_offering(
        provider=groq,
        ai_model=make_ai_model(name="Old Model", organization=meta),
        input_usd_per_million=None,
        output_usd_per_million=None,
        deprecated_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    make_offering(ai_model=llama)  # another provider's

    response = client.get("/providers/groq/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Groq</h1>" in content
    assert "<title>Groq — Benchboard</title>" in content
    assert '<a href="https://groq.example/" rel="external noopener">' in content
    assert table_rows(content) == [
        ["Llama 3 Meta", "$0.59", "$0.79", "131.1K", "250 tok/s", "0.50 s", "fp8",
         "Tools JSON Image in"],
        ["Old Model Deprecated Meta", DASH, DASH, DASH, DASH, DASH, DASH, DASH],
    ]  # fmt: skip
    assert '<a href="/models/llama-3/">Llama 3</a>' in content
    assert '<a href="/organizations/meta/">Meta</a>' in content
    assert '<span class="badge badge-deprecated">Deprecated</span>' in content
    assert '<tr class="deprecated">' in content
    assert '<span class="visually-hidden">Function calling</span>' in content
    # The deprecated row's price, context, speed, quantization and features.
    assert content.count(UNKNOWN) == 7
    assert "None" not in content.split("<tbody>", 1)[1]


@pytest.mark.django_db
def test_detail_sorts_current_offerings_first(client):
    host = make_provider(slug="host")
    for name, price, context in [("b", "2", 8_000), ("A", "1", None), ("c", None, 32_000)]:
        make_offering(
            provider=host,
            ai_model=make_ai_model(name=name),
            input_usd_per_million=None if price is None else Decimal(price),
            max_input_tokens=context,
        )
    make_offering(
        provider=host,
        ai_model=make_ai_model(name="0 gone"),
        input_usd_per_million=Decimal("0.01"),
        deprecated_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )

    def order(sort: str) -> list[str]:
        rows = table_rows(client.get("/providers/host/", {"sort": sort}).content.decode())
        return [row[0].split()[0] for row in rows]

    assert order("") == ["A", "b", "c", "0"]
    assert order("-model") == ["c", "b", "A", "0"]
    assert order("input") == ["A", "b", "c", "0"]
    assert order("-input") == ["b", "A", "c", "0"]
    assert order("-context") == ["c", "b", "A", "0"]
    assert order("nonsense") == order("")


@pytest.mark.django_db
def test_a_provider_serving_nothing(client):
    make_provider(slug="quiet", name="Quiet Cloud")
    content = client.get("/providers/quiet/").content.decode()
    assert "Quiet Cloud serves no models on Benchboard yet." in content
    assert "<table" not in content


@pytest.mark.django_db
def test_unknown_provider_is_not_found(client):
    assert client.get("/providers/no-such-cloud/").status_code == 404


@pytest.mark.django_db
def test_pages_only_answer_get(client):
    make_provider(slug="acme")
    assert client.post(LIST_URL).status_code == 405
    assert client.post("/providers/acme/").status_code == 405


@pytest.mark.django_db
def test_names_are_escaped(client):
    evil = make_provider(slug="evil", name="<script>alert(1)</script>")
    make_offering(provider=evil, ai_model=make_ai_model(name="<script>model</script>"))
    for url in [LIST_URL, "/providers/evil/"]:
        content = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>model</script>" not in content


@pytest.mark.django_db
def test_navigation_and_model_page_link_to_providers(client):
    groq = make_provider(slug="groq", name="Groq", website="https://groq.example/")
    make_offering(provider=groq, ai_model=make_ai_model(slug="llama"))
    assert '<a href="/providers/">Providers</a>' in client.get("/").content.decode()
    assert '<a href="/providers/groq/">Groq</a>' in client.get("/models/llama/").content.decode()


@pytest.mark.django_db
def test_sitemap_lists_the_providers(client):
    make_provider(slug="groq")
    content = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/providers/</loc>" in content
    assert "<loc>http://testserver/providers/groq/</loc>" in content


# --- query counts --------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_offerings(host, count: int) -> None:
    for n in range(count):
        make_offering(
            provider=host,
            ai_model=make_ai_model(organization=make_organization()),
            throughput=float(n + 1),
            latency=0.1 * (n + 1),
            supports_function_calling=n % 2 == 0,
        )
        make_offering(provider=make_provider())


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_data(client, uncached_pages):
    host = make_provider(slug="host")
    _add_offerings(host, 3)
    small = (_queries(client, LIST_URL), _queries(client, "/providers/host/"))
    _add_offerings(host, 27)
    assert (_queries(client, LIST_URL), _queries(client, "/providers/host/")) == small
    # The list: the providers, their offerings and the site-wide demo-data check. The
    # page: the provider, its offerings with their models and the demo-data check.
    assert small == (3, 3)
