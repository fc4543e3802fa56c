"""The benchmark page's query budget: at most five queries uncached, whatever the data size.

The full page makes five:
  1. the benchmark with its parent, and whether the demo data is loaded (an EXISTS);
  2. its results, each with its model, organization, licence and cheapest price;
  3. the category links of the benchmark and of its related benchmarks (chosen in a
     subquery), with those benchmarks and their model counts;
  4. the change log of its results, each record with its previous one (a LAG window);
  5. the change log of the benchmark itself, the same way.
The htmx partial (the leaderboard table) makes the first two.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from models_registry.models import DEMO_URL_PREFIX
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_offering,
    make_organization,
    make_result,
    save,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
BUDGET = 5


def grow(slug: str, *, results: int, related: int, categories: int) -> None:
    """A benchmark with results that were corrected (history), categories, related
    benchmarks sharing them, and models with prices."""
    shared = [make_category() for _ in range(categories)]
    benchmark = make_benchmark(slug=slug, categories=shared)
    for n in range(results):
        ai_model = make_ai_model(organization=make_organization())
        make_offering(ai_model=ai_model, input_usd_per_million=Decimal(n + 1))
        result = make_result(benchmark=benchmark, ai_model=ai_model, score=Decimal("0.5"))
        result.score = Decimal("0.6")
        save(result)
    for n in range(related):
        other = make_benchmark(categories=[shared[n % categories], make_category()])
        make_result(benchmark=other)
    benchmark.description = "Changed."
    save(benchmark)


def count(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("demo", [False, True], ids=["real-data", "demo-data"])
def test_the_benchmark_page_stays_within_five_queries(client, uncached_pages, demo):
    if demo:
        make_organization(website=DEMO_URL_PREFIX + "lab")
    grow("small", results=3, related=1, categories=1)
    grow("large", results=60, related=12, categories=4)

    small, large = count(client, "/benchmarks/small/"), count(client, "/benchmarks/large/")

    assert small == large == BUDGET
    assert ("Demo data:" in client.get("/benchmarks/large/").content.decode()) is demo


def test_the_leaderboard_partial_takes_two_queries(client, uncached_pages):
    grow("small", results=3, related=1, categories=1)
    grow("large", results=60, related=12, categories=4)

    assert count(client, "/benchmarks/small/", **HTMX) == 2
    assert count(client, "/benchmarks/large/?sort=cost&rows=all", **HTMX) == 2


def test_a_cached_benchmark_page_takes_one_query_the_data_version(client):
    grow("large", results=20, related=3, categories=2)
    assert count(client, "/benchmarks/large/") == BUDGET + 1
    assert count(client, "/benchmarks/large/") == 1
    assert count(client, "/benchmarks/large/", **HTMX) == 3
    assert count(client, "/benchmarks/large/", **HTMX) == 1
