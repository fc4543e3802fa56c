"""The catalogue pages: /benchmarks/, /categories/ and /categories/<slug>/."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.forms import BENCHMARK_SORT_OPTIONS
from benchmarks.models import BENCHMARK_LIST_SORTS, Benchmark, Result
from benchmarks.services import refresh_result_stats
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_license,
    make_organization,
    make_ranked_results,
    make_result,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/benchmarks/"
HTMX = {"HX-Request": "true"}


def names_in_order(response) -> list[str]:
    """Benchmark names as the table lists them, top to bottom."""
    table = response.content.decode().split('id="benchmark-table"', 1)[1]
    return re.findall(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', table)


def set_updated_at(instance, when: datetime.datetime) -> None:
    """updated_at is auto_now: only an update() can set it (and, for a result, then
    note it on its benchmark as any write through the ORM does)."""
    type(instance).objects.filter(pk=instance.pk).update(updated_at=when)
    if isinstance(instance, Result):
        refresh_result_stats([instance.benchmark_id])


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 3, day, 12, tzinfo=datetime.UTC)


# --- /benchmarks/ ----------------------------------------------------------------------------


def test_list_shows_each_benchmark_with_its_facts(client):
    coding = make_category(slug="coding", name="Coding")
    agents = make_category(slug="agents", name="Agents")
    benchmark = make_benchmark(
        slug="mbpp+",
        name="MBPP+",
        description="Python problems. " + "Long text. " * 40,
        modality=Benchmark.Modality.TEXT,
        categories=[coding, agents],
    )
    for _ in range(2):
        make_result(benchmark=benchmark)
    set_updated_at(benchmark, at(3))

    response = client.get(LIST_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Benchmarks</h1>" in content
    assert '<a href="/benchmarks/mbpp+/">MBPP+</a>' in content
    assert '<a class="tag" href="/categories/coding/">Coding</a>' in content
    assert '<a class="tag" href="/categories/agents/">Agents</a>' in content
    assert "<td>Text</td>" in content
    assert '<td class="num">2</td>' in content
    assert "Python problems." in content
    assert "Long text. " * 40 not in content  # truncated
    assert 'href="/static/css/catalog.css"' in content


def test_model_count_counts_distinct_models(client):
    benchmark = make_benchmark(name="Only")
    ai_model = make_ai_model()
    make_result(ai_model=ai_model, benchmark=benchmark, analysis_method="0-shot")
    make_result(ai_model=ai_model, benchmark=benchmark, analysis_method="5-shot")
    make_result(benchmark=benchmark)

    content = client.get(LIST_URL).content.decode()

    assert '<td class="num">2</td>' in content


def test_last_update_is_the_later_of_the_benchmark_and_its_results(client):
    edited = make_benchmark(name="Edited")
    set_updated_at(edited, at(20))
    measured = make_benchmark(name="Measured")
    set_updated_at(measured, at(1))
    set_updated_at(make_result(benchmark=measured), at(25))
    quiet = make_benchmark(name="Quiet")
    set_updated_at(quiet, at(10))
    set_updated_at(make_result(benchmark=quiet), at(2))

    response = client.get(LIST_URL, {"sort": "-updated"})

    assert names_in_order(response) == ["Measured", "Edited", "Quiet"]
    content = response.content.decode()
    assert "25 Mar 2025" in content
    assert "10 Mar 2025" in content
    assert names_in_order(client.get(LIST_URL, {"sort": "updated"})) == [
        "Quiet",
        "Edited",
        "Measured",
    ]


def test_default_sort_is_by_name_ignoring_case(client):
    for name in ["beta", "Alpha", "Gamma"]:
        make_benchmark(name=name)
    assert names_in_order(client.get(LIST_URL)) == ["Alpha", "beta", "Gamma"]
    assert names_in_order(client.get(LIST_URL, {"sort": "-name"})) == ["Gamma", "beta", "Alpha"]


def test_sort_by_number_of_models(client):
    for name, models in [("One", 1), ("Three", 3), ("None", 0), ("Two", 2)]:
        benchmark = make_benchmark(name=name)
        for _ in range(models):
            make_result(benchmark=benchmark)

    assert names_in_order(client.get(LIST_URL, {"sort": "-models"})) == [
        "Three",
        "Two",
        "One",
        "None",
    ]
    assert names_in_order(client.get(LIST_URL, {"sort": "models"})) == [
        "None",
        "One",
        "Two",
        "Three",
    ]


def test_sort_headers_link_to_the_other_direction_and_keep_the_filters(client):
    make_benchmark(name="Math test", categories=[make_category(slug="math")])

    content = client.get(LIST_URL, {"q": "math", "sort": "-models"}).content.decode()

    # The sorted column says so and links to its other direction; the others to their first.
    assert '<th scope="col" class="num" aria-sort="descending">' in content
    assert 'href="/benchmarks/?q=math&amp;sort=models"' in content
    assert 'href="/benchmarks/?q=math"' in content  # name, A to Z: the default
    assert 'href="/benchmarks/?q=math&amp;sort=-updated"' in content
    # Every htmx link also works as a plain link, every htmx form as a plain form.
    # (The page's own: the header's search box asks for suggestions with hx-get, and its
    # form submits to /search/ without JavaScript.)
    page = content.split('<main id="main">')[1]
    hx_gets = re.findall(r'hx-get="([^"]+)"', page)
    hrefs = re.findall(r'(?:href|action)="([^"]+)"', page)  # a form's hx-get: its action
    assert hx_gets
    assert all(url in hrefs for url in hx_gets)

    content = client.get(LIST_URL, {"sort": "name"}).content.decode()
    assert 'aria-sort="ascending"' in content
    assert 'href="/benchmarks/?sort=-name"' in content


def test_search_matches_name_slug_and_description(client):
    make_benchmark(slug="gpqa", name="GPQA Diamond")
    make_benchmark(slug="humaneval", name="HumanEval", description="Hand-written coding tasks.")
    make_benchmark(slug="arc-agi-2", name="ARC")

    assert names_in_order(client.get(LIST_URL, {"q": "diamond"})) == ["GPQA Diamond"]
    assert names_in_order(client.get(LIST_URL, {"q": "CODING"})) == ["HumanEval"]
    assert names_in_order(client.get(LIST_URL, {"q": "agi-2"})) == ["ARC"]
    # Every word has to match somewhere.
    assert names_in_order(client.get(LIST_URL, {"q": "  hand   tasks "})) == ["HumanEval"]
    assert names_in_order(client.get(LIST_URL, {"q": "hand diamond"})) == []


def test_filter_by_category(client):
    coding = make_category(slug="coding", name="Coding")
    math = make_category(slug="math", name="Math")
    make_benchmark(name="Both", categories=[coding, math])
    make_benchmark(name="Code only", categories=[coding])
    make_benchmark(name="Math only", categories=[math])
    make_benchmark(name="Neither")

    response = client.get(LIST_URL, {"category": "math"})

    assert names_in_order(response) == ["Both", "Math only"]
    assert '<option value="math" selected>Math</option>' in response.content.decode()


def test_filter_by_modality(client):
    make_benchmark(name="Words", modality=Benchmark.Modality.TEXT)
    make_benchmark(name="Pictures", modality=Benchmark.Modality.IMAGE)

    response = client.get(LIST_URL, {"modality": "image"})

    assert names_in_order(response) == ["Pictures"]
    assert '<option value="image" selected>Image</option>' in response.content.decode()


def test_filters_combine(client):
    coding = make_category(slug="coding")
    make_benchmark(name="Code pictures", categories=[coding], modality="image")
    make_benchmark(name="Code words", categories=[coding], modality="text")
    make_benchmark(name="Other pictures", modality="image")

    response = client.get(LIST_URL, {"category": "coding", "modality": "image", "q": "code"})

    assert names_in_order(response) == ["Code pictures"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "bogus"},
        {"sort": "-pk"},
        {"sort": "name__nonexistent"},
        {"category": "no-such-category"},
        {"modality": "smell"},
        {"page": "abc"},
        {"page": "0"},
        {"page": "-3"},
        {"page": "1e9"},
        {"q": "nul\x00byte"},
        {"q": "x" * 5000},
        {"q": "%' OR 1=1 --"},
    ],
)
def test_malformed_parameters_fall_back_to_defaults(client, params):
    make_benchmark(name="Alpha")
    make_benchmark(name="Beta")

    response = client.get(LIST_URL, params)

    assert response.status_code == 200
    if "q" not in params:
        assert names_in_order(response) == ["Alpha", "Beta"]


def test_unknown_category_shows_everything(client):
    make_benchmark(name="Alpha", categories=[make_category(slug="known")])
    make_benchmark(name="Beta")
    response = client.get(LIST_URL, {"category": "unknown"})
    assert names_in_order(response) == ["Alpha", "Beta"]
    assert '<option value="" selected>' not in response.content.decode()  # "All" is first


def test_pagination_keeps_the_filters_and_clamps_the_page(client):
    for n in range(53):
        make_benchmark(name=f"Bench {n:03}", description="listed")
    make_benchmark(name="Other")

    first = client.get(LIST_URL, {"q": "listed", "sort": "-name"})
    content = first.content.decode()
    assert len(names_in_order(first)) == 50
    assert "Page 1 of 2" in content
    assert 'href="/benchmarks/?q=listed&amp;sort=-name&amp;page=2"' in content
    assert "1\N{EN DASH}50 of 53 matching benchmarks" in content

    last = client.get(LIST_URL, {"q": "listed", "sort": "-name", "page": "2"})
    assert names_in_order(last) == ["Bench 002", "Bench 001", "Bench 000"]
    assert 'href="/benchmarks/?q=listed&amp;sort=-name&amp;page=1"' in last.content.decode()

    beyond = client.get(LIST_URL, {"q": "listed", "sort": "-name", "page": "999"})
    assert beyond.status_code == 200
    assert names_in_order(beyond) == names_in_order(last)


def test_one_page_has_no_pagination(client):
    make_benchmark(name="Alone")
    content = client.get(LIST_URL).content.decode()
    assert "Page 1 of" not in content
    assert "1 benchmark, sorted by name (A to Z)" in content


def test_empty_site(client):
    content = client.get(LIST_URL).content.decode()
    assert "No benchmarks yet" in content
    assert "manage.py load_demo" in content


def test_no_match_says_so_and_offers_everything(client):
    make_benchmark(name="Alpha")
    content = client.get(LIST_URL, {"q": "zzz"}).content.decode()
    assert "No benchmarks match “zzz”." in content
    assert '<a href="/benchmarks/">show all benchmarks</a>' in content


def test_htmx_request_gets_only_the_table(client):
    make_benchmark(name="Alpha")

    response = client.get(LIST_URL, {"sort": "-models"}, headers=HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="benchmark-table"')
    assert "<html" not in content
    assert 'id="benchmark-filters"' not in content
    assert "Alpha" in content
    # The controls outside the table follow out of band: the sort menu and the count.
    assert '<select id="benchmark-sort" name="sort" hx-swap-oob="true">' in content
    assert '<option value="-models" selected>Most models</option>' in content
    assert '<p id="benchmark-summary" hx-swap-oob="innerHTML">' in content
    assert "HX-Request" in response["Vary"]


def test_full_page_varies_on_htmx_too(client):
    response = client.get(LIST_URL)
    assert "HX-Request" in response["Vary"]
    content = response.content.decode()
    assert "<html" in content
    assert "hx-swap-oob" not in content


def test_history_restore_gets_the_full_page(client):
    make_benchmark(name="Alpha")

    response = client.get(
        LIST_URL, {"q": "alp"}, headers={**HTMX, "HX-History-Restore-Request": "true"}
    )

    content = response.content.decode()
    assert "<html" in content
    assert 'id="benchmark-filters"' in content
    assert 'value="alp"' in content
    assert "hx-swap-oob" not in content
    assert "HX-History-Restore-Request" in response["Vary"]


def test_form_works_without_javascript(client):
    content = client.get(LIST_URL).content.decode()
    form = content.split('<form id="benchmark-filters"', 1)[1].split("</form>", 1)[0]
    assert 'method="get"' in form
    assert 'action="/benchmarks/"' in form
    assert 'hx-get="/benchmarks/"' in form
    assert 'hx-push-url="true"' in form
    assert 'hx-target="#benchmark-table"' in form
    assert '<button type="submit">' in form
    for name in ["q", "category", "modality", "sort"]:
        assert f'name="{name}"' in form


def test_list_only_answers_get(client):
    assert client.post(LIST_URL).status_code == 405


def _queries(client, url: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **kwargs).status_code == 200
    return len(queries)


def _add_benchmarks_with_results(count: int, categories) -> None:
    for _ in range(count):
        benchmark = make_benchmark(categories=categories)
        make_result(benchmark=benchmark)
        make_result(benchmark=benchmark)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-models"},
        {"sort": "-updated", "q": "bench"},
        {"category": "cat-a", "modality": "text"},
    ],
)
def test_list_query_count_does_not_grow_with_data(client, params, uncached_pages):
    categories = [make_category(slug="cat-a"), make_category(slug="cat-b")]
    _add_benchmarks_with_results(3, categories)
    small = _queries(client, LIST_URL, data=params)
    small_htmx = _queries(client, LIST_URL, data=params, headers=HTMX)
    _add_benchmarks_with_results(27, categories)
    assert _queries(client, LIST_URL, data=params) == small
    assert _queries(client, LIST_URL, data=params, headers=HTMX) == small_htmx
    assert small == small_htmx + 1 == 5  # the partial has no demo-data check


# --- /categories/ ----------------------------------------------------------------------------


def test_category_list_shows_counts_and_links(client):
    coding = make_category(slug="coding", name="Coding", description="Writing programs.")
    make_category(slug="empty", name="Empty")
    first = make_benchmark(categories=[coding])
    second = make_benchmark(categories=[coding])
    shared = make_ai_model()
    make_result(ai_model=shared, benchmark=first)
    make_result(ai_model=shared, benchmark=second)
    make_result(benchmark=second)

    response = client.get("/categories/")

    assert response.status_code == 200
    content = response.content.decode()
    assert '<a href="/categories/coding/">Coding</a>' in content
    assert "Writing programs." in content
    row = content.split('href="/categories/coding/"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["2", "2"]
    row = content.split('href="/categories/empty/"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["0", "0"]
    assert '<link rel="canonical" href="http://testserver/categories/">' in content


def test_category_list_when_empty(client):
    assert "No categories yet" in client.get("/categories/").content.decode()


def test_category_list_query_count_does_not_grow_with_data(client):
    def add(count: int) -> None:
        for _ in range(count):
            category = make_category()
            _add_benchmarks_with_results(2, [category])

    add(3)
    small = _queries(client, "/categories/")
    add(27)
    assert _queries(client, "/categories/") == small


# --- /categories/<slug>/ ---------------------------------------------------------------------


@pytest.fixture
def coding():
    """A category of four benchmarks (one lower-is-better, one without results) and five models."""
    category = make_category(slug="coding", name="Coding", description="Writing programs.")
    open_license = make_license(open_weights=True)
    closed_license = make_license(open_weights=False)
    acme = make_organization(name="Acme Labs")
    benchmarks = {
        "a": make_benchmark(slug="bench-a", name="Bench A", categories=[category]),
        "b": make_benchmark(slug="bench-b", name="Bench B", categories=[category]),
        "errors": make_benchmark(
            slug="errors", name="Error Rate", categories=[category], higher_is_better=False
        ),
        "unused": make_benchmark(slug="unused", name="Unused", categories=[category]),
    }
    models = {
        "open": make_ai_model(
            slug="open-one", name="Open One", organization=acme, license=open_license
        ),
        "closed": make_ai_model(
            slug="closed-one", name="Closed One", organization=acme, license=closed_license
        ),
        "unlicensed": make_ai_model(slug="unlicensed", name="Unlicensed", organization=acme),
        "sparse": make_ai_model(slug="sparse", name="Sparse"),
    }

    def scored(model: str, benchmark: str, normalized: str) -> Result:
        return make_result(
            ai_model=models[model],
            benchmark=benchmarks[benchmark],
            score=Decimal(normalized),
            normalized_score=Decimal(normalized),
        )

    # Bench A: Sparse beat the three others, Open two of them, Closed one, Unlicensed none.
    scored("sparse", "a", "1")
    scored("open", "a", "0.9")
    scored("closed", "a", "0.7")
    scored("unlicensed", "a", "0.5")
    # Bench B: Open beat Closed.
    scored("open", "b", "0.8")
    scored("closed", "b", "0.5")
    # Error Rate, lower is better: Open (0.1) beat Unlicensed (0.3).
    scored("open", "errors", "0.1")
    scored("unlicensed", "errors", "0.3")
    return category


def test_category_page_ranks_models_with_the_method_stated(client, coding):
    response = client.get("/categories/coding/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Best AI for Coding</h1>" in content
    assert "<title>Best AI for Coding — Benchboard</title>" in content
    assert "Writing programs." in content
    method = " ".join(content.split('<div class="method">', 1)[1].split("</div>", 1)[0].split())
    assert "<h3>How this ranking works</h3>" in method
    assert "the share of the other models measured there that it beat, a tie counting as half" in (
        method
    )
    assert "(flipped where lower is better)" in method
    assert "pulled toward 50% as if it had two more benchmarks in the middle" in method
    assert "on how many of the 3 benchmarks with scores (of this category's 4)" in method
    assert "Equal scores share a rank" in method
    assert "Every model measured in this category is ranked." in method

    ranking = content.split('class="catalog-table ranking-table"', 1)[1].split("</table>", 1)[0]
    # The narrow screen's copy of the organization and weights, in the model's cell, aside.
    wide = re.sub(r'<span class="narrow-only[^"]*">[^<]*</span>', "", ranking)
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in wide.split("<tr>")[2:]]
    sparse_organization = Result.objects.filter(ai_model__slug="sparse")[0].ai_model.organization
    assert rows == [
        # (2/3 + 1 + 1 + 2 x 1/2) / (3 + 2)
        "1 Open One Acme Labs 73.3% 3 of 3 benchmarks Open",
        # (1 + 2 x 1/2) / (1 + 2): the top of one benchmark does not lead
        f"2 Sparse {sparse_organization.name} 66.7% 1 of 3 benchmarks Proprietary",
        "3 Closed One Acme Labs 33.3% 2 of 3 benchmarks Proprietary",
        "4 Unlicensed Acme Labs 25.0% 2 of 3 benchmarks Proprietary",
    ]
    assert '<a href="/models/open-one/">Open One</a>' in ranking
    assert "Acme Labs · open weights" in ranking


def test_category_page_lists_its_benchmarks_with_model_counts(client, coding):
    content = client.get("/categories/coding/").content.decode()
    section = content.split('id="category-benchmarks"', 1)[1]
    names = re.findall(r'<a href="/benchmarks/([^/]+)/">', section)
    assert names == ["bench-a", "bench-b", "errors", "unused"]
    assert re.findall(r'<td class="num">(\d+)</td>', section) == ["4", "2", "2", "0"]
    assert "(lower is better)" in section


def test_category_page_head_has_description_and_canonical_link(client, coding):
    content = client.get("/categories/coding/", {"utm_source": "x"}).content.decode()
    assert '<link rel="canonical" href="http://testserver/categories/coding/">' in content
    description = re.search(r'<meta name="description" content="([^"]*)">', content)[1]
    assert description.startswith("Best AI models for Coding: 4 models ranked on 3 benchmarks")
    assert "Writing programs." in description


def test_unknown_category_is_404(client):
    assert client.get("/categories/no-such-thing/").status_code == 404


def test_category_without_benchmarks(client):
    make_category(slug="empty", name="Empty")
    response = client.get("/categories/empty/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Best AI for Empty</h1>" in content
    assert "This category has no benchmarks yet." in content
    assert "no ranking" in content


def test_a_category_of_models_never_measured_together_ranks_them_all_in_the_middle(client):
    category = make_category(slug="thin")
    for _ in range(3):
        make_result(benchmark=make_benchmark(categories=[category]))

    content = " ".join(client.get("/categories/thin/").content.decode().split())

    assert content.count("1 of 3 benchmarks") == 3
    assert content.count('<td class="num">50.0%</td>') == 3
    assert "Every model measured in this category is ranked." in content


def test_coverage_counts_every_benchmark_with_scores(client):
    category = make_category(slug="wide")
    ai_model = make_ai_model()
    for _ in range(12):
        make_result(ai_model=ai_model, benchmark=make_benchmark(categories=[category]))
    make_benchmark(categories=[category])  # no results yet
    make_result(benchmark=make_benchmark(categories=[category]), ai_model=make_ai_model())

    content = " ".join(client.get("/categories/wide/").content.decode().split())

    assert "on how many of the 13 benchmarks with scores (of this category's 14)" in content
    assert "12 of 13 benchmarks" in content
    assert "1 of 13 benchmarks" in content


def test_category_query_count_does_not_grow_with_models(client):
    category = make_category(slug="grows")
    benchmarks = [make_benchmark(categories=[category]) for _ in range(4)]
    license = make_license()

    def add(count: int) -> None:
        for _ in range(count):
            ai_model = make_ai_model(license=license)
            for benchmark in benchmarks:
                make_result(ai_model=ai_model, benchmark=benchmark)

    add(3)
    small = _queries(client, "/categories/grows/")
    add(27)
    # Five, and the page cache's data version.
    assert _queries(client, "/categories/grows/") == small == 6
    content = client.get("/categories/grows/").content.decode()
    assert content.count("4 of 4 benchmarks") == 30


def test_category_pages_only_answer_get(client, coding):
    assert client.post("/categories/").status_code == 405
    assert client.post("/categories/coding/").status_code == 405


def test_a_long_category_ranking_shows_100_rows_a_page_with_global_ranks(client):
    category = make_category(slug="long")
    benchmark = make_benchmark(categories=[category])
    make_ranked_results(benchmark, 150)

    first = client.get("/categories/long/").content.decode()
    assert "150 models ranked, 1 to 100 shown." in first
    assert "150 models ranked on 1 benchmark" in first  # the description counts them all
    assert 'href="/categories/long/?page=2"' in first

    second = client.get("/categories/long/?page=2", headers={"HX-Request": "true"})
    content = second.content.decode()
    assert content.lstrip().startswith('<div id="category-ranking"')
    assert "<html" not in content
    assert "HX-Request" in second["Vary"]
    ranks = re.findall(r'<td class="num">(\d+)</td>\s*<th scope="row"><a [^>]+>Model 1', content)
    assert ranks[0] == "101" and ranks[-1] == "150"
    assert client.get("/categories/long/?page=x").status_code == 200


def test_models_measured_only_without_a_normalized_score_count_as_measured_not_ranked(client):
    category = make_category(slug="edge")
    benchmark = make_benchmark(categories=[category])
    make_ranked_results(benchmark, 3)
    make_result(benchmark=benchmark, normalized_score=None, score=Decimal(7))

    content = " ".join(client.get("/categories/edge/").content.decode().split())

    assert content.count("1 of 1 benchmark<") == 3
    assert "1 more model measured in this category has no normalized score and is not ranked" in (
        content
    )


def test_lower_is_better_results_rank_the_lowest_first(client):
    category = make_category(slug="errors")
    benchmark = make_benchmark(categories=[category], higher_is_better=False)
    for name, value in [("Low", "0.1"), ("High", "0.9"), ("Middle", "0.5")]:
        make_result(
            ai_model=make_ai_model(name=name),
            benchmark=benchmark,
            score=Decimal(value),
            normalized_score=Decimal(value),
        )

    rows = client.get("/categories/errors/").context["rows"]

    assert [row.ai_model.name for row in rows] == ["Low", "Middle", "High"]


def test_category_scores_are_exact_millionths_on_every_database():
    benchmark = make_benchmark()
    # Decimals that binary floats (SQLite's storage) cannot hold exactly, and the ends.
    normalized = [
        "0",
        "0.000001",
        "0.1",
        "0.142857",
        "0.3",
        "0.333333",
        "0.5",
        "0.666667",
        "0.7",
        "0.857143",
        "0.999999",
        "1",
    ]
    for value in normalized:
        make_result(benchmark=benchmark, score=Decimal(value), normalized_score=Decimal(value))
    make_result(benchmark=benchmark, normalized_score=None)

    read = sorted(
        (millionths for _, _, millionths in Result.objects.category_scores()),
        key=lambda millionths: (millionths is None, millionths),
    )

    assert read == [int(Decimal(value) * 1_000_000) for value in normalized] + [None]


def test_the_sort_menu_offers_exactly_the_orders_the_query_knows():
    assert set(BENCHMARK_SORT_OPTIONS) == BENCHMARK_LIST_SORTS
