import datetime
import random
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext

from benchmarks.ranking import CategoryRanking, RankedModel
from models_registry.models import DEMO_URL_PREFIX, DatePrecision
from pages.views import podium
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

# The demo banner's check, the categories, their benchmarks, the scores, the leading models,
# the benchmarks and their number, the models and their number, the latest results; and
# the page cache's data version.
HOME_QUERIES = 11


def leader_card(content: str, category_slug: str) -> str:
    """The home page's card of one category."""
    cards = content.split('<li class="leader-card">')[1:]
    [card] = [card for card in cards if f'<a href="/categories/{category_slug}/">' in card]
    return card.split("</ol>")[0]


def leaders_in(card: str) -> list[tuple[str, str, str]]:
    """(rank, model name, score) of each row of a card."""
    return re.findall(
        r'<li value="(\d+)">.*?<a href="/models/[^"]+/">([^<]+)</a>.*?class="num">([^<]+)</span>',
        card,
        re.S,
    )


def category_page_leaders(client, slug: str) -> list[tuple[str, str, str]]:
    """The first three rows of the category page's ranking, rounded as it shows them."""
    rows = client.get(f"/categories/{slug}/").context["rows"][:3]
    return [
        (str(row.entry.rank), row.ai_model.name, f"{floatformat(row.entry.percent, 1)}%")
        for row in rows
    ]


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


# --- Pure helpers ----------------------------------------------------------------------------


def test_podium_keeps_everyone_tied_with_the_third():
    def ranking(ranks: list[int]) -> CategoryRanking:
        entries = tuple(
            RankedModel(ai_model_id=n, rank=rank, millionths=500_000, coverage=1)
            for n, rank in enumerate(ranks)
        )
        return CategoryRanking(benchmarks=(), entries=entries, measured_model_count=9)

    assert [e.ai_model_id for e in podium(ranking([1, 2, 3, 4]))] == [0, 1, 2]
    assert [e.ai_model_id for e in podium(ranking([1, 2, 3, 3, 3, 6]))] == [0, 1, 2, 3, 4]
    assert [e.ai_model_id for e in podium(ranking([1, 1]))] == [0, 1]
    assert podium(ranking([])) == []


# --- The page --------------------------------------------------------------------------------


def test_empty_site_explains_how_to_get_data(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No benchmarks yet" in response.content
    assert b"manage.py load_demo" in response.content
    assert b"No category has results yet" in response.content
    assert b"Demo data:" not in response.content


def test_home_lists_benchmarks_and_models_with_public_links(client):
    org = make_organization(slug="acme", name="Acme Labs")
    ai_model = make_ai_model(slug="acme-1", name="Acme One", organization=org)
    benchmark = make_benchmark(slug="mbpp+", name="MBPP+")
    make_result(ai_model=ai_model, benchmark=benchmark)

    response = client.get("/")

    content = response.content.decode()
    assert '<a href="/models/acme-1/">Acme One</a>' in content
    assert '<a href="/benchmarks/mbpp+/">MBPP+</a>' in content
    assert '<a class="quiet-link" href="/organizations/acme/">Acme Labs</a>' in content
    assert "1 model" in content
    assert client.get("/benchmarks/mbpp+/").status_code == 200


def test_lists_link_to_the_full_lists_in_the_same_order(client):
    make_result()
    content = client.get("/").content.decode()
    assert 'href="/models/?sort=-released">All 1 model, newest first</a>' in content
    assert 'href="/benchmarks/?sort=-models">All 1 benchmark, most models first</a>' in content
    assert 'href="/benchmarks/?sort=-updated">' in content
    full_lists = [
        "/models/?sort=-released",
        "/benchmarks/?sort=-models",
        "/benchmarks/?sort=-updated",
    ]
    for url in full_lists:
        assert client.get(url).status_code == 200


def test_newest_models_come_first_and_the_list_is_short(client):
    for day in range(1, 12):
        make_ai_model(name=f"Model of day {day}", release_date=datetime.date(2025, 3, day))
    make_ai_model(name="Undated", release_date=None)

    content = client.get("/").content.decode()
    shown = re.findall(r">(Model of day \d+)</a>", content)
    assert shown == [f"Model of day {day}" for day in range(11, 3, -1)]
    assert "Undated" not in content
    assert "All 12 models, newest first" in content


def test_most_used_benchmarks_come_first_with_their_model_counts(client):
    popular = make_benchmark(name="Popular")
    quiet = make_benchmark(name="Quiet")
    for _ in range(3):
        make_result(benchmark=popular)
    make_result(benchmark=quiet)

    content = client.get("/").content.decode()
    assert content.index(">Popular</a>") < content.index(">Quiet</a>")
    assert re.search(r">Popular</a>\s*<span class=\"muted\">3 models</span>", content)
    assert re.search(r">Quiet</a>\s*<span class=\"muted\">1 model</span>", content)


def test_month_precision_dates_are_not_shown_as_days(client):
    make_ai_model(
        name="Vague",
        release_date=datetime.date(2024, 9, 1),
        release_date_precision=DatePrecision.MONTH,
    )
    content = client.get("/").content.decode()
    assert "Sep 2024" in content
    assert "1 Sep 2024" not in content


def test_latest_results_are_the_newest_at_their_source_not_the_last_imported(client):
    """Published dates, not Benchboard's clock: a result imported or corrected today is not
    "latest" for that; undated results are left out, and no curator is named."""
    curator = User.objects.create_user("curator-jane", is_staff=True)
    gpqa = make_benchmark(slug="gpqa", name="GPQA")
    elo = make_benchmark(slug="elo", name="Arena Elo", max_score=Decimal(2000))
    old = make_result(
        ai_model=make_ai_model(slug="old", name="Old Model"),
        benchmark=gpqa,
        score="0.5",
        recorded_on=datetime.date(2024, 3, 1),
    )
    make_result(
        ai_model=make_ai_model(slug="new", name="New Model"),
        benchmark=elo,
        score="1500",
        recorded_on=datetime.date(2025, 8, 7),
    )
    make_result(
        ai_model=make_ai_model(slug="undated", name="Undated Model"),
        benchmark=gpqa,
        recorded_on=None,
    )
    old.score = Decimal("0.625")
    old.normalized_score = Decimal("0.625")
    old.status = old.Status.VERIFIED
    old.verified_by = "A lab"
    old._history_user = curator
    save(old)

    content = client.get("/").content.decode()
    section = content.split('id="home-results"')[1]
    rows = re.findall(r'<th scope="row"><a href="(/models/[^"]+/)">([^<]+)</a></th>', section)
    assert rows == [("/models/new/", "New Model"), ("/models/old/", "Old Model")]
    assert '<a href="/benchmarks/gpqa/">GPQA</a>' in section
    assert "62.5%" in section and "Verified" in section
    assert '<td class="num">1500</td>' in section
    assert '<time datetime="2025-08-07">7 Aug 2025</time>' in section
    assert "today" not in section
    assert "curator-jane" not in content


def test_main_categories_are_the_ones_with_the_most_models_measured(client):
    categories = []
    for size in range(1, 8):
        category = make_category(slug=f"cat-{size}", name=f"Category with {size}")
        benchmark = make_benchmark(categories=[category])
        for _ in range(size):
            make_result(benchmark=benchmark, score="0.5")
        categories.append(category)
    make_category(slug="empty", name="Empty category")

    content = client.get("/").content.decode()
    shown = re.findall(r'<h3><a href="/categories/([^/]+)/">', content)
    assert shown == [f"cat-{size}" for size in range(7, 1, -1)]
    assert 'href="/categories/">All categories</a>' in content


def test_leaders_are_the_top_three_of_the_category_ranking(client):
    coding = make_category(slug="coding", name="Coding")
    first = make_benchmark(categories=[coding])
    second = make_benchmark(categories=[coding], higher_is_better=False)
    # Shares of the three others beaten on each benchmark, then the mean with two
    # shares of one half.
    scores = {
        "Alpha": ("0.9", "0.1"),  # 1 and 1 (1 - 0.1 is the best where lower is better): 75%
        "Beta": ("0.8", "0.2"),  # 2/3 and 2/3: (4/3 + 1) / 4
        "Gamma": ("0.7", "0.5"),  # 1/3 and 1/3
        "Delta": ("0.6", "0.6"),  # 0 and 0: 25%
    }
    for name, (high, low) in scores.items():
        ai_model = make_ai_model(slug=name.lower(), name=name)
        make_result(ai_model=ai_model, benchmark=first, score=high)
        make_result(ai_model=ai_model, benchmark=second, score=low)

    content = client.get("/").content.decode()
    card = leader_card(content, "coding")
    assert leaders_in(card) == [
        ("1", "Alpha", "75.0%"),
        ("2", "Beta", "58.3%"),
        ("3", "Gamma", "41.7%"),
    ]
    assert "Delta" not in card
    assert leaders_in(card) == category_page_leaders(client, "coding")


def test_ties_at_third_place_are_settled_by_coverage_then_name_as_on_its_page(client):
    """Three models tie for third place: the two with more coverage come before the
    third, and of those the name decides. Creation order (ids) says the opposite."""
    coding = make_category(slug="coding", name="Coding")
    shared = make_benchmark(name="Shared", categories=[coding])
    named = ["Leader", "Second", "Model C", "Model B", "Model A"]
    ai_models = {name: make_ai_model(name=name) for name in named}
    for name, score in zip(named, ["1", "0.8", "0.5", "0.5", "0.5"], strict=True):
        make_result(ai_model=ai_models[name], benchmark=shared, score=score)
    # Alone on a benchmark each: more coverage, the same score.
    for name in ["Model C", "Model B"]:
        make_result(ai_model=ai_models[name], benchmark=make_benchmark(categories=[coding]))

    card = leader_card(client.get("/").content.decode(), "coding")
    assert leaders_in(card) == [
        ("1", "Leader", "66.7%"),  # (1 + 0.5 + 0.5) / 3
        ("2", "Second", "58.3%"),  # (3/4 + 1) / 3
        ("3", "Model B", "41.7%"),  # (1/4 + 1) / 3, on 2 benchmarks
    ]
    assert "2 of 3 benchmarks" in card
    assert leaders_in(card) == category_page_leaders(client, "coding")


def test_leaders_match_the_category_page_with_shared_benchmarks_and_ties(client):
    """Benchmarks in two categories (their standings worked out once on the home
    page), lower-is-better ones, ties at first and third place."""
    rng = random.Random(20251128)
    coding = make_category(slug="coding", name="Coding")
    maths = make_category(slug="maths", name="Maths")
    # Names out of creation order, so that ties broken by name and by id differ.
    model_names = rng.sample(range(25), 25)
    ai_models = [make_ai_model(name=f"Model {model_names[n]:02}") for n in range(25)]
    benchmark_names = rng.sample(range(16), 16)
    benchmarks = [
        make_benchmark(
            name=f"Bench {benchmark_names[n]:02}",
            categories=[coding] if n % 3 else [coding, maths],
            higher_is_better=n % 4 != 0,
        )
        for n in range(16)
    ]
    for n, benchmark in enumerate(benchmarks):
        for ai_model in rng.sample(ai_models, 4 + n % 7):
            score = rng.choice(["0.25", "0.5", "0.75", "1"])
            make_result(ai_model=ai_model, benchmark=benchmark, score=score)
    # Four models with perfect scores on every Maths benchmark tie at rank 1: names decide
    # which three are shown, as on the category page.
    for ai_model in ai_models[:4]:
        for benchmark in benchmarks[::3]:
            make_result(
                ai_model=ai_model,
                benchmark=benchmark,
                analysis_method="best",
                score="1" if benchmark.higher_is_better else "0",
            )

    content = client.get("/").content.decode()
    for slug in ["coding", "maths"]:
        shown = leaders_in(leader_card(content, slug))
        assert len(shown) == 3
        assert shown == category_page_leaders(client, slug)


def test_a_category_without_a_ranking_says_so(client):
    sparse = make_category(slug="sparse", name="Sparse")
    benchmark = make_benchmark(categories=[sparse])
    make_result(benchmark=benchmark, score="0.5", normalized_score=None)

    content = client.get("/").content.decode()
    assert "No model has a normalized score in this category yet." in content
    assert 'href="/categories/sparse/">Full ranking' in content


def test_the_search_form_works_with_and_without_javascript(client):
    content = client.get("/").content.decode()
    form = re.search(r'<form id="home-search".*?</form>', content, re.S).group(0)
    assert 'action="/search/"' in form and 'method="get"' in form
    assert 'name="q"' in form
    assert 'hx-get="/search/"' in form and 'hx-target="#search-results"' in form
    assert '<div id="search-results"' in content
    assert '<label for="home-search-q">' in form

    partial = client.get("/search/?q=x", headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="search-results"')


def test_home_has_its_own_title_and_description(client):
    coding = make_category(slug="coding", name="Coding")
    make_result(benchmark=make_benchmark(categories=[coding]))
    content = client.get("/").content.decode()
    assert "<title>Benchboard: open leaderboards for AI model benchmarks</title>" in content
    description = re.search(r'<meta name="description" content="([^"]+)">', content).group(1)
    assert "The leaders in coding" in description
    assert "1 AI model on 1 benchmark" in description
    assert '<meta property="og:title" content="Benchboard: which AI model is best?">' in content


def test_footer_credits_the_data_source(client):
    content = client.get("/").content.decode()
    assert "LLM Stats" in content
    assert "CC BY 4.0" in content


def test_demo_banner_shows_only_while_demo_data_is_loaded(client):
    make_organization(website="https://acme.example.org/")
    assert b"Demo data:" not in client.get("/").content
    make_organization(website=DEMO_URL_PREFIX + "org")
    assert b"Demo data:" in client.get("/").content


def test_theme_switch_is_hidden_until_its_script_shows_it(client):
    content = client.get("/").content.decode()
    head = content.split("</head>")[0]
    # Not deferred: the stored theme applies before the page is first drawn.
    assert re.search(r'<script src="/static/js/theme\.js"></script>', head)
    assert head.index("js/theme.js") < head.index("css/site.css")
    switch = re.search(r'<div class="theme-switch"[^>]*>', content).group(0)
    assert " hidden" in switch and 'role="group"' in switch
    for choice in ["system", "light", "dark"]:
        assert f'data-theme-choice="{choice}"' in content


@pytest.mark.parametrize(
    "query", ["?page=abc", "?q=%00", "?sort=' OR 1=1", "?category=../../etc", "?x=" + "9" * 500]
)
def test_stray_parameters_are_ignored(client, query):
    make_result()
    assert client.get("/" + query).status_code == 200


def test_home_query_count_does_not_grow_with_data(client):
    def add(models: int, benchmarks: int, categories: int) -> None:
        new_categories = [make_category() for _ in range(categories)]
        new_benchmarks = [
            make_benchmark(categories=new_categories[n % categories : n % categories + 2])
            for n in range(benchmarks)
        ]
        for n in range(models):
            ai_model = make_ai_model()
            make_offering(ai_model=ai_model)
            for benchmark in new_benchmarks[n % benchmarks :: 2]:
                make_result(ai_model=ai_model, benchmark=benchmark, score=f"0.{n % 9 + 1}")

    add(models=3, benchmarks=2, categories=2)
    small = _home_queries(client)
    add(models=40, benchmarks=24, categories=9)
    large = _home_queries(client)
    assert small == large == HOME_QUERIES


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
