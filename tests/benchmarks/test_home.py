import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.context_processors import DEMO_URL_PREFIX
from tests.factories import make_ai_model, make_benchmark, make_organization, make_result

pytestmark = pytest.mark.django_db


def test_empty_site_explains_how_to_get_data(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No benchmarks yet" in response.content
    assert b"manage.py load_demo" in response.content
    assert b"Demo data:" not in response.content


def test_home_lists_benchmarks_and_models_with_public_links(client):
    org = make_organization(name="Acme Labs")
    ai_model = make_ai_model(slug="acme-1", name="Acme One", organization=org)
    benchmark = make_benchmark(slug="mbpp+", name="MBPP+")
    make_result(ai_model=ai_model, benchmark=benchmark)

    response = client.get("/")

    content = response.content.decode()
    assert '<a href="/models/acme-1/">Acme One</a>' in content
    assert '<a href="/benchmarks/mbpp+/">MBPP+</a>' in content
    assert "Acme Labs" in content
    assert "1 model" in content
    assert client.get("/benchmarks/mbpp+/").status_code == 200


def test_footer_credits_the_data_source(client):
    content = client.get("/").content.decode()
    assert "LLM Stats" in content
    assert "CC BY 4.0" in content


def test_demo_banner_shows_only_while_demo_data_is_loaded(client):
    make_organization(website="https://acme.example.org/")
    assert b"Demo data:" not in client.get("/").content
    make_organization(website=DEMO_URL_PREFIX + "org")
    assert b"Demo data:" in client.get("/").content


def test_month_precision_dates_are_not_shown_as_days(client):
    import datetime

    from models_registry.models import DatePrecision

    make_ai_model(
        name="Vague",
        release_date=datetime.date(2024, 9, 1),
        release_date_precision=DatePrecision.MONTH,
    )
    content = client.get("/").content.decode()
    assert "Sep 2024" in content
    assert "1 Sep 2024" not in content


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_home_query_count_does_not_grow_with_data(client):
    def add(n: int) -> None:
        for _ in range(n):
            make_result(ai_model=make_ai_model(), benchmark=make_benchmark())

    add(3)
    small = _home_queries(client)
    add(40)
    large = _home_queries(client)
    assert small == large


def test_placeholder_pages_resolve_source_ids_and_404_unknown_ones(client):
    make_benchmark(slug="graphwalks-bfs-<128k", name="Graphwalks BFS <128k")
    make_ai_model(slug="gpt-4o-2024-08-06", name="GPT-4o")

    response = client.get("/benchmarks/graphwalks-bfs-%3C128k/")
    assert response.status_code == 200
    assert "Graphwalks BFS &lt;128k" in response.content.decode()
    assert client.get("/models/gpt-4o-2024-08-06/").status_code == 200
    assert client.get("/benchmarks/no-such-benchmark/").status_code == 404
    assert client.get("/models/no-such-model/").status_code == 404


def test_pages_refuse_writes(client):
    assert client.post("/").status_code == 405
