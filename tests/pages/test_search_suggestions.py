"""/search/suggestions/: the header's suggestions, matched as /search/ matches."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pages.search import SUGGESTION_LIMIT, take_turns
from pages.suggestions import split_name
from tests.factories import make_ai_model, make_benchmark, make_category, make_organization

URL = "/search/suggestions/"
HTMX = {"HX-Request": "true"}

OPTION = re.compile(
    r'<a role="option" id="(site-search-option-\d+)" class="site-suggest-option" '
    r'href="([^"]+)" tabindex="-1" aria-selected="false">\s*'
    r'<span class="site-suggest-name">(.*?)</span>\s*'
    r'<span class="site-suggest-detail">(.*?)<span class="visually-hidden">, (\w+)</span></span>',
    re.S,
)


def options(response) -> list[tuple[str, str, str]]:
    """(kind, name without its marks, link) of every option, top to bottom."""
    return [
        (kind, re.sub(r"</?mark>", "", name), url)
        for _id, url, name, _detail, kind in OPTION.findall(response.content.decode())
    ]


def group_titles(response) -> list[str]:
    pattern = r'class="site-suggest-title" id="site-search-group-\w+">([^<]+)<'
    return re.findall(pattern, response.content.decode())


def test_the_url_is_named():
    assert reverse("pages:search-suggestions") == URL


@pytest.mark.django_db
def test_every_kind_is_suggested_with_links_and_labels(client):
    acme = make_organization(slug="acme", name="Acme Labs")
    make_ai_model(slug="acme-1", name="Acme One", organization=acme)
    make_benchmark(slug="acme-bench", name="Acme Bench")
    make_category(slug="acme-skills", name="Acme Skills")
    make_benchmark(name="Unrelated")

    response = client.get(URL, {"q": "acm"}, headers=HTMX)  # a prefix of each

    assert response.status_code == 200
    assert options(response) == [
        ("model", "Acme One", "/models/acme-1/"),
        ("benchmark", "Acme Bench", "/benchmarks/acme-bench/"),
        ("organization", "Acme Labs", "/organizations/acme/"),
        ("category", "Acme Skills", "/categories/acme-skills/"),
    ]
    assert group_titles(response) == ["Models", "Benchmarks", "Organizations", "Categories"]
    content = response.content.decode()
    assert "<html" not in content
    assert 'role="group" class="site-suggest-group" aria-labelledby="site-search-group-models"' in (
        content
    )
    # Option ids run across the groups, for aria-activedescendant.
    assert re.findall(r'id="(site-search-option-\d+)"', content) == [
        f"site-search-option-{n}" for n in range(4)
    ]
    # The detail beside each name: the maker, the id, the number of models or benchmarks.
    details = [detail for *_, detail, _kind in OPTION.findall(content)]
    assert details == ["Acme Labs", "acme-bench", "1 model", "0 benchmarks"]


@pytest.mark.django_db
def test_the_matched_text_is_marked_in_its_own_case(client):
    make_benchmark(slug="gpqa-diamond", name="GPQA Diamond")
    make_benchmark(slug="x-bench", name="Other")  # matches by its slug only

    response = client.get(URL, {"q": "gpqa"})
    content = response.content.decode()

    assert '<span class="site-suggest-name"><mark>GPQA</mark> Diamond</span>' in content

    response = client.get(URL, {"q": "x-b"})
    assert '<span class="site-suggest-name">Other</span>' in response.content.decode()


def test_split_name_keeps_the_names_characters():
    assert split_name("Super GPQA", "gpqa") == ("Super ", "GPQA", "")
    assert split_name("İstanbul Bench", "bench") == ("İstanbul ", "Bench", "")
    assert split_name("a.b", ".") == ("a", ".", "b")  # the query is text, not a pattern
    assert split_name("Other", "zzz") == ("Other", "", "")


@pytest.mark.django_db
def test_exact_matches_come_first_then_prefixes_across_kinds(client):
    make_ai_model(name="Gemini Pro")
    make_ai_model(name="Old Gemini")
    make_organization(name="Gemini")  # exact: its group comes first
    make_benchmark(name="Gemini Bench")

    response = client.get(URL, {"q": "gemini"})

    assert [(kind, name) for kind, name, _url in options(response)] == [
        ("organization", "Gemini"),
        ("model", "Gemini Pro"),
        ("model", "Old Gemini"),
        ("benchmark", "Gemini Bench"),
    ]


@pytest.mark.django_db
def test_at_most_eight_and_every_kind_with_a_prefix_match_gets_a_turn(client):
    for n in range(12):
        make_ai_model(name=f"Mist {n:02}")
    make_benchmark(name="Mist Bench")
    make_category(name="Mist Skills")

    response = client.get(URL, {"q": "mist"})

    found = options(response)
    assert len(found) == SUGGESTION_LIMIT == 8
    assert [(kind, name) for kind, name, _url in found] == [
        *[("model", f"Mist {n:02}") for n in range(6)],
        ("benchmark", "Mist Bench"),
        ("category", "Mist Skills"),
    ]


def test_take_turns():
    models = [(1, "m1"), (1, "m2"), (1, "m3"), (2, "m4")]
    benchmarks = [(0, "b1"), (2, "b2")]
    organizations = [(1, "o1")]
    assert take_turns([models, benchmarks, organizations], 4) == [["m1", "m2"], ["b1"], ["o1"]]
    assert take_turns([models, benchmarks, organizations], 10) == [
        ["m1", "m2", "m3", "m4"],
        ["b1", "b2"],
        ["o1"],
    ]
    assert take_turns([models, []], 0) == [[], []]
    assert take_turns([], 8) == []


@pytest.mark.django_db
@pytest.mark.parametrize("q", [None, "", "   ", "\t\n", "\x00", "\x00\x00 "])
def test_an_empty_query_suggests_nothing_without_a_search(client, q, django_assert_num_queries):
    make_benchmark(name="Anything")

    with django_assert_num_queries(1):  # only the page cache's data version
        response = client.get(URL, {} if q is None else {"q": q}, headers=HTMX)

    assert response.status_code == 200
    assert 'role="option"' not in response.content.decode()


@pytest.mark.django_db
def test_no_match_suggests_nothing(client):
    make_benchmark(name="Alpha")
    response = client.get(URL, {"q": "zzz"})
    assert response.status_code == 200
    assert options(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "x" * 10_000,
        "nul\x00byte",
        "%",
        "_",
        "%' OR 1=1 --",
        "\\",
        "ü" * 150,
        "e\u0301",  # a combining accent
        "\u202eevil",  # right-to-left override
        "\U0001f600",
        "\ufffd",
        "[a-z]*(",
    ],
)
def test_hostile_queries_never_fail(client, q):
    make_benchmark(name="Plain")
    response = client.get(URL, {"q": q}, headers=HTMX)
    assert response.status_code == 200
    assert options(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize("query_string", ["q=%ED%A0%80", "q=%FF%FE", "q=%00", "q=%", "q=zz&q=zzz"])
def test_undecodable_or_repeated_parameters_never_fail(client, query_string):
    make_benchmark(name="Plain")
    response = client.get(f"{URL}?{query_string}")
    assert response.status_code == 200
    assert options(response) == []


@pytest.mark.django_db
def test_a_nul_byte_is_dropped_and_a_long_query_cut_to_100_characters(client):
    make_benchmark(name="a" * 100)
    make_benchmark(name="Null bench")

    assert [name for _k, name, _u in options(client.get(URL, {"q": "nu\x00ll"}))] == ["Null bench"]
    long = client.get(URL, {"q": "a" * 100 + "b" * 10_000})
    assert [name for _k, name, _u in options(long)] == ["a" * 100]


@pytest.mark.django_db
def test_html_in_the_query_and_the_names_is_escaped(client):
    make_benchmark(name="<script>alert(1)</script>")

    response = client.get(URL, {"q": "<script>"})

    content = response.content.decode()
    assert "<script>" not in content
    assert (
        '<span class="site-suggest-name"><mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;</span>'
        in content
    )


@pytest.mark.django_db
def test_only_get_is_answered(client):
    assert client.post(URL, {"q": "x"}).status_code == 405


@pytest.mark.django_db
def test_cached_like_the_public_pages_and_kept_out_of_search_engines(client):
    make_benchmark(name="Alpha")

    first = client.get(URL, {"q": "alp"}, headers=HTMX)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL, {"q": "alp"}, headers=HTMX)

    assert len(queries) == 1  # the data version
    assert again.content == first.content
    assert "public" in first["Cache-Control"]
    assert first["ETag"]
    assert "HX-Request" in first["Vary"]
    assert first["X-Robots-Tag"] == "noindex"
    assert client.get(URL, {"q": "alp"}, headers={"If-None-Match": first["ETag"]}).status_code == (
        304
    )


def _queries(client, q: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"q": q}, headers=HTMX).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_data(client, uncached_pages):
    def add(count: int) -> None:
        for _ in range(count):
            organization = make_organization()
            make_category()
            make_benchmark()
            make_ai_model(organization=organization)
            make_ai_model(organization=organization)

    add(3)
    small = _queries(client, "1")  # the factories' names are numbered
    add(40)
    assert _queries(client, "1") == small == 4  # one query per kind


@pytest.mark.django_db
def test_the_header_input_is_a_combobox_that_asks_for_suggestions(client):
    content = client.get("/benchmarks/").content.decode()
    form = content.split('<form class="site-search"', 1)[1].split("</form>", 1)[0]
    assert 'action="/search/"' in form and 'method="get"' in form
    search_input = re.search(r'<input type="search" id="site-search-q"[^>]*>', form, re.S)[0]
    for attribute in [
        'name="q"',
        'role="combobox"',
        'aria-autocomplete="list"',
        'aria-expanded="false"',
        'aria-controls="site-search-listbox"',
        f'hx-get="{URL}"',
        'hx-trigger="input changed delay:200ms, search"',
        'hx-target="#site-search-listbox"',
    ]:
        assert attribute in search_input
    assert (
        '<div id="site-search-listbox" class="site-suggest" role="listbox" '
        'aria-label="Suggestions" hidden></div>' in form
    )
    assert '<p id="site-search-status" class="visually-hidden" role="status"></p>' in form
    assert '<script src="/static/js/search-suggestions.js" defer></script>' in content
