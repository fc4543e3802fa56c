"""A NUL character in an address is a 404 and in the admin's filters a 400, never a 500:
PostgreSQL cannot hold one in text and raised DataError from get_object_or_404 and from
the admin's filters (issue 15). Every address that takes a parameter is tried with
hostile values in its path; this suite runs on PostgreSQL in CI, where the 500s were.
(Public pages' queries are fuzzed with NUL in tests/test_fuzz.py.)"""

from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import make_benchmark
from tests.test_curators import log_in_curator
from tests.test_fuzz import HOSTILE

pytestmark = pytest.mark.django_db

NUL_VALUES = ["\x00", "a\x00b", "%00"]
MARK = "SLUGMARK"


def parameterized_paths() -> list[tuple[str, str]]:
    """(name, path with MARK for each parameter) of every address that takes one,
    the admin's included."""
    found = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = getattr(pattern.pattern, "converters", {})
                if not converters or any(c.regex.startswith("[0-9") for c in converters.values()):
                    continue  # no parameter, or a number (a NUL cannot match it)
                kwargs = dict.fromkeys(converters, MARK)
                try:
                    found.append(
                        (namespace + pattern.name, reverse(namespace + pattern.name, kwargs=kwargs))
                    )
                except Exception:  # a converter that refuses the mark: not a slug
                    continue

    walk(get_resolver().url_patterns, "")
    return found


def test_the_public_slug_addresses_are_covered():
    names = {name for name, _ in parameterized_paths()}
    assert {
        "benchmarks:detail",
        "benchmarks:leaderboard-csv",
        "benchmarks:leaderboard-json",
        "benchmarks:category-detail",
        "models_registry:detail",
        "organizations:detail",
        "providers:detail",
        "sources:detail",
    } <= names


@pytest.mark.parametrize("value", NUL_VALUES)
def test_a_nul_in_any_address_is_not_found(client, value):
    for name, path in parameterized_paths():
        response = client.get(path.replace(MARK, quote(value, safe="%")))
        assert response.status_code == 404, (name, response.status_code)


def test_other_hostile_values_in_addresses_are_never_a_server_error(client):
    make_benchmark(slug="gpqa")
    for name, path in parameterized_paths():
        for value in HOSTILE[:40]:
            if not value or "/" in value or "\x00" in value:
                continue  # an empty or split segment is another address
            response = client.get(path.replace(MARK, quote(value, safe="")))
            assert response.status_code < 500, (name, value, response.status_code)


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=%00",
        "q=%00",
        "status__exact=a%00b",
        "%00=1",
    ],
)
def test_a_nul_in_an_admin_filter_or_search_is_a_400(client, query):
    log_in_curator(client)
    for changelist in ["/admin/submissions/datareport/", "/admin/benchmarks/result/"]:
        response = client.get(f"{changelist}?{query}")
        assert response.status_code == 400, (changelist, query)
        assert b"<html" in response.content  # the site's page for a bad request
