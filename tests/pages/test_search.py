"""/search/: benchmarks, models and organizations by name or slug."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_ai_model, make_benchmark, make_organization

pytestmark = pytest.mark.django_db

URL = "/search/"
HTMX = {"HX-Request": "true"}


def group_names(response, key: str) -> list[str]:
    """The names one group lists, top to bottom; [] when the group is not shown."""
    content = response.content.decode()
    match = re.search(rf'aria-labelledby="search-group-{key}">(.*?)</section>', content, re.S)
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', match[1]) if match else []


def test_results_are_grouped_with_links(client):
    acme = make_organization(slug="acme", name="Acme Labs")
    make_organization(slug="other", name="Other")
    make_benchmark(slug="acme-bench", name="Acme Bench")
    make_ai_model(slug="acme-1", name="Acme One", organization=acme)
    make_ai_model(slug="zephyr", name="Zephyr", organization=acme)

    response = client.get(URL, {"q": "ACME"})

    assert response.status_code == 200
    content = response.content.decode()
    assert group_names(response, "benchmarks") == ["Acme Bench"]
    assert group_names(response, "models") == ["Acme One"]
    assert group_names(response, "organizations") == ["Acme Labs"]
    assert '<a href="/benchmarks/acme-bench/">Acme Bench</a>' in content
    assert '<a href="/models/acme-1/">Acme One</a> <span class="muted">Acme Labs</span>' in content
    assert (
        '<a href="/organizations/acme/">Acme Labs</a> <span class="muted">2 models</span>'
        in content
    )
    assert "3 results for “ACME”" in content
    assert 'href="/static/css/search.css"' in content


def test_slug_matches_too_and_organization_links_are_encoded(client):
    make_organization(slug="a&b+c", name="Letters")
    make_benchmark(slug="mbpp+", name="Mostly Basic Python")

    response = client.get(URL, {"q": "+"})

    assert group_names(response, "benchmarks") == ["Mostly Basic Python"]
    assert group_names(response, "organizations") == ["Letters"]
    assert 'href="/organizations/a&amp;b+c/"' in response.content.decode()


def test_exact_names_first_then_prefixes_then_the_rest(client):
    for name in ["Super GPQA", "gpqa diamond", "GPQA", "Apqa"]:
        make_benchmark(name=name)
    make_benchmark(slug="gpqa-x", name="Zeta")  # a slug prefix counts as a prefix

    response = client.get(URL, {"q": "gpqa"})

    assert group_names(response, "benchmarks") == ["GPQA", "gpqa diamond", "Zeta", "Super GPQA"]


def test_at_most_twenty_per_group(client):
    for n in range(25):
        make_benchmark(name=f"Bench {n:02}")
    make_ai_model(name="Bench model")

    response = client.get(URL, {"q": "bench"})

    assert group_names(response, "benchmarks") == [f"Bench {n:02}" for n in range(20)]
    assert group_names(response, "models") == ["Bench model"]
    content = response.content.decode()
    assert "Only the first 20 are shown" in content
    assert "21+ results for “bench”" in content


def test_query_is_shown_escaped(client):
    make_benchmark(name="<script>alert(1)</script>")

    response = client.get(URL, {"q": "<script>alert(1)</script>"})

    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in content
    assert group_names(response, "benchmarks") == ["&lt;script&gt;alert(1)&lt;/script&gt;"]


@pytest.mark.parametrize("q", [None, "", "   ", "\t\n"])
def test_empty_query_shows_a_hint_and_no_results(client, q, django_assert_num_queries):
    make_benchmark(name="Anything")

    with django_assert_num_queries(1):  # only the site-wide demo-data check
        response = client.get(URL, {} if q is None else {"q": q})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Type a name or id to search." in content
    assert 'class="search-hint"' in content
    assert "search-group-" not in content
    assert 'value=""' in content


def test_no_match_says_so(client):
    make_benchmark(name="Alpha")
    content = client.get(URL, {"q": "zzz"}).content.decode()
    assert "Nothing matches “zzz”." in content
    assert "0 results for “zzz”" in content


@pytest.mark.parametrize(
    "q",
    ["x" * 5000, "%", "_", "%' OR 1=1 --", "nul\x00byte", "ü" * 150, "\\"],
)
def test_odd_queries_never_fail(client, q):
    make_benchmark(name="Plain")
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert group_names(response, "benchmarks") == []


def test_long_query_is_cut_to_100_characters(client):
    make_benchmark(name="a" * 100)
    make_benchmark(name="a" * 100 + "b")

    response = client.get(URL, {"q": "a" * 100 + "b" + "c" * 50})

    content = response.content.decode()
    assert f'value="{"a" * 100}"' in content  # the rest is dropped: "b" is not searched
    assert group_names(response, "benchmarks") == ["a" * 100, "a" * 100 + "b"]


def test_spaces_are_trimmed(client):
    make_benchmark(name="Humanity's Last Exam")
    response = client.get(URL, {"q": "  last   exam "})
    assert group_names(response, "benchmarks") == ["Humanity&#x27;s Last Exam"]
    assert 'value="last exam"' in response.content.decode()


def test_form_works_without_javascript(client):
    content = client.get(URL, {"q": "x"}).content.decode()
    form = content.split('<form id="search-form"', 1)[1].split("</form>", 1)[0]
    assert 'method="get"' in form
    assert 'action="/search/"' in form
    assert '<label for="search-q">' in form
    assert '<button type="submit">Search</button>' in form
    search_input = re.search(r'<input type="search" id="search-q"[^>]*>', form, re.S)[0]
    assert 'name="q"' in search_input
    assert 'hx-get="/search/"' in search_input
    assert 'hx-trigger="input changed delay:250ms, search"' in search_input
    assert 'hx-target="#search-results"' in search_input
    assert 'hx-push-url="true"' in search_input


def test_every_page_has_the_header_search_form(client):
    content = client.get("/benchmarks/").content.decode()
    header = content.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    form = header.split("<form", 1)[1].split("</form>", 1)[0]
    assert 'role="search"' in form
    assert 'action="/search/"' in form
    assert '<label for="site-search-q">' in form
    assert re.search(r'<input type="search" id="site-search-q" name="q"', form)


def test_htmx_request_gets_only_the_results(client):
    make_benchmark(name="Alpha")

    response = client.get(URL, {"q": "alp"}, headers=HTMX)

    content = response.content.decode()
    assert content.lstrip().startswith('<div id="search-results"')
    assert "<html" not in content
    assert 'id="search-form"' not in content
    assert group_names(response, "benchmarks") == ["Alpha"]
    # The status line outside the results follows out of band.
    assert '<p id="search-status" hx-swap-oob="innerHTML">1 result for “alp”</p>' in content
    assert "HX-Request" in response["Vary"]
    assert "HX-History-Restore-Request" in response["Vary"]


def test_full_page_and_history_restore_get_the_whole_page(client):
    make_benchmark(name="Alpha")
    for headers in [{}, {**HTMX, "HX-History-Restore-Request": "true"}]:
        response = client.get(URL, {"q": "alp"}, headers=headers)
        content = response.content.decode()
        assert "<html" in content
        assert 'value="alp"' in content
        assert "hx-swap-oob" not in content
        assert "HX-Request" in response["Vary"]
        assert "HX-History-Restore-Request" in response["Vary"]


def test_search_only_answers_get(client):
    assert client.post(URL, {"q": "x"}).status_code == 405


def _queries(client, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, **kwargs).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_data(client):
    def add(count: int) -> None:
        for _ in range(count):
            organization = make_organization()
            make_benchmark()
            make_ai_model(organization=organization)
            make_ai_model(organization=organization)

    params = {"q": "1"}  # the factories' names are numbered
    add(3)
    small = _queries(client, data=params)
    small_htmx = _queries(client, data=params, headers=HTMX)
    add(40)
    assert _queries(client, data=params) == small
    assert _queries(client, data=params, headers=HTMX) == small_htmx
    # One query per group, and (full page only) the site-wide demo-data check.
    assert small == small_htmx + 1 == 3 + 1
