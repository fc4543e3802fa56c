"""/compare/?models=a,b,c: two to four models side by side.

First the pure shaping (models_registry/comparison.py, no database), then the page.
"""

import datetime
import json
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from models_registry.comparison import (
    MAX_CANDIDATES,
    MODELS_PARAM_MAX_LENGTH,
    BestScore,
    Match,
    Price,
    bars_chart,
    best_marks,
    chart_rows,
    chart_size,
    choose,
    compare_benchmarks,
    could_be_slug,
    parse_models,
    price_lists,
    resolve_addition,
    shown,
)
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_license,
    make_offering,
    make_organization,
    make_provider,
    make_result,
)

D = Decimal


# --- the address ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "slugs"),
    [
        ([], []),
        ([""], []),
        ([" , ,, "], []),
        (["a,b,c"], ["a", "b", "c"]),
        ([" b , a ,b,, a ,c "], ["b", "a", "c"]),
        (["a,b", "c,a"], ["a", "b", "c"]),
        (["mbpp+,humanity's-last-exam"], ["mbpp+", "humanity's-last-exam"]),
    ],
)
def test_parse_models_splits_strips_and_drops_empties_and_repeats(values, slugs):
    selection = parse_models(values)
    assert selection.slugs == slugs
    assert not selection.cut


def test_parse_models_reads_a_bounded_number_of_names():
    selection = parse_models([",".join(f"m{n}" for n in range(100))])
    assert selection.slugs == [f"m{n}" for n in range(MAX_CANDIDATES)]
    assert selection.cut


def test_parse_models_cuts_an_overlong_value_before_splitting():
    selection = parse_models(["a," + "x" * 10_000])
    assert selection.slugs == ["a", "x" * (MODELS_PARAM_MAX_LENGTH - 2)]
    assert selection.cut


@pytest.mark.parametrize(
    ("text", "possible"),
    [
        ("gpt-4o", True),
        ("mbpp+", True),
        ("graphwalks-bfs-<128k", True),
        ("a b", False),
        ("a/b", False),
        ("a?b", False),
        ("nul\x00byte", False),
        ("tab\there", False),
        ("x" * 201, False),
    ],
)
def test_could_be_slug(text, possible):
    assert could_be_slug(text) is possible


def test_shown_replaces_unprintable_characters_and_shortens():
    assert shown("a\x00b") == "a\ufffdb"
    assert shown("<script>") == "<script>"  # escaping is the template's
    long = shown("y" * 500)
    assert len(long) == 60
    assert long.endswith("…")


def test_choose_keeps_the_first_four_known_in_order():
    choice = choose(["e", "nope", "a", "b", "a2", "c", "d", "x"], {"a", "b", "c", "d", "e"})
    assert choice.chosen == ["e", "a", "b", "c"]
    assert choice.unknown == ["nope", "a2", "x"]
    assert choice.left_out == ["d"]


# --- adding by name ---------------------------------------------------------------------------


ACME = Match("acme-large", "Acme Large", "Acme")
ACME_SMALL = Match("acme-small", "Acme Small", "Acme")
LARGE = Match("large", "Acme", "Other")


def test_an_exact_slug_wins_over_names_and_substrings():
    addition = resolve_addition("large", [LARGE, ACME], [], limit=10)
    assert addition.found == LARGE


def test_an_exact_name_ignoring_case_wins_over_substrings():
    addition = resolve_addition("acme large", [ACME, ACME_SMALL], [], limit=10)
    assert addition.found == ACME


def test_a_unique_substring_match_is_found():
    assert resolve_addition("smal", [ACME_SMALL], [], limit=10).found == ACME_SMALL


def test_chosen_models_are_not_candidates():
    addition = resolve_addition("acme", [ACME, ACME_SMALL], ["acme-large"], limit=10)
    assert addition.found == ACME_SMALL


def test_several_matches_are_candidates_up_to_the_limit():
    matches = [Match(f"m-{n}", f"Model {n}", "Org") for n in range(5)]
    addition = resolve_addition("model", matches, [], limit=3)
    assert addition.found is None
    assert addition.candidates == matches[:3]
    assert addition.more


def test_a_model_already_compared_is_said_so():
    assert resolve_addition("acme-large", [ACME], ["acme-large"], limit=10).already == ACME
    assert resolve_addition("ACME LARGE", [ACME], ["acme-large"], limit=10).already == ACME


def test_nothing_matches():
    addition = resolve_addition("zzz", [], [], limit=10)
    assert (addition.found, addition.already, addition.candidates) == (None, None, [])


# --- benchmarks -------------------------------------------------------------------------------


def best(model, benchmark, normalized, *, name=None, higher=True, rank=1, count=10, score=None):
    return BestScore(
        ai_model_id=model,
        benchmark_id=benchmark,
        benchmark_slug=f"b{benchmark}",
        benchmark_name=name or f"Bench {benchmark}",
        higher_is_better=higher,
        max_score=D(1),
        score=D(score or normalized),
        normalized_score=D(normalized),
        rank=rank,
        model_count=count,
    )


def test_a_family_is_one_row_with_each_models_best_labelled_by_variant():
    """SWE-bench Verified and its "Agentless" set-up: one row; a model's better result,
    wherever it was measured, labelled with its variant."""
    agentless = dict(family_id=1, family_slug="b1", family_name="Bench 1", variant="Agentless")
    scores = [
        best(10, 1, "0.70", rank=1, count=3),
        replace(best(10, 2, "0.75", rank=1, count=1), **agentless),
        best(20, 1, "0.72", rank=1, count=3),
    ]
    rows = compare_benchmarks([10, 20], scores).shared
    assert [(row.slug, row.name, row.has_variants) for row in rows] == [("b1", "Bench 1", True)]
    cells = rows[0].cells
    assert [(c.best_score.normalized_score, c.best_score.variant, c.best) for c in cells] == [
        (D("0.75"), "Agentless", True),
        (D("0.72"), "", False),
    ]


def test_best_marks_respects_the_direction_and_marks_ties():
    assert best_marks([D("0.5"), D("0.9"), None], True) == [False, True, False]
    assert best_marks([D("0.5"), D("0.9"), None], False) == [True, False, False]
    assert best_marks([D("0.9"), D("0.9"), D("0.1")], True) == [True, True, False]
    assert best_marks([D("0.1"), D("0.9"), D("0.1")], False) == [True, False, True]
    assert best_marks([None, None], True) == [False, False]


def test_shared_benchmarks_need_two_models_and_sort_by_how_many_then_name():
    scores = [
        # Bench 1: all three; Bench 2 ("Alpha") and 3 ("beta"): two; Bench 4: only model 20.
        best(10, 1, "0.5"),
        best(20, 1, "0.6"),
        best(30, 1, "0.7"),
        best(20, 3, "0.5", name="beta"),
        best(30, 3, "0.4", name="beta"),
        best(10, 2, "0.5", name="Alpha"),
        best(30, 2, "0.5", name="Alpha"),
        best(20, 4, "0.9", name="Solo"),
        best(99, 4, "0.9", name="Solo"),  # not a compared model
    ]
    benchmarks = compare_benchmarks([10, 20, 30], scores)

    assert [row.name for row in benchmarks.shared] == ["Bench 1", "Alpha", "beta"]
    assert [row.with_results for row in benchmarks.shared] == [3, 2, 2]
    first = benchmarks.shared[0]
    assert [cell.best for cell in first.cells] == [False, False, True]
    alpha = benchmarks.shared[1]
    assert alpha.cells[1] is None
    assert [cell.best for cell in (alpha.cells[0], alpha.cells[2])] == [True, True]  # a tie
    assert [[row.name for row in rows] for rows in benchmarks.only] == [[], ["Solo"], []]
    assert not benchmarks.only[1][0].cells[1].best


def test_lower_is_better_marks_the_lowest():
    scores = [best(1, 7, "0.3", higher=False), best(2, 7, "0.1", higher=False)]
    (row,) = compare_benchmarks([1, 2], scores).shared
    assert [cell.best for cell in row.cells] == [False, True]


def test_chart_keeps_the_most_used_in_the_table_order():
    scores = []
    for benchmark in range(1, 16):
        scores += [best(1, benchmark, "0.5", count=benchmark), best(2, benchmark, "0.4")]
    scores += [best(3, 1, "0.9")]  # Bench 1 is shared by all three models
    rows = compare_benchmarks([1, 2, 3], scores).shared
    charted = chart_rows(rows, limit=4)
    assert [row.name for row in charted] == ["Bench 1", "Bench 13", "Bench 14", "Bench 15"]


def test_bars_chart_has_one_series_per_model_and_longer_is_better():
    scores = [
        best(1, 1, "0.812", score="81.2"),
        best(2, 1, "0.5"),
        best(1, 2, "0.25", higher=False, name="Errors"),
        best(3, 2, "0.5", higher=False, name="Errors"),
    ]
    rows = compare_benchmarks([1, 2, 3], scores).shared
    chart = bars_chart(["One", "Two", "Three"], rows)
    assert chart["labels"] == ["Bench 1", "Errors (lower is better)"]
    assert [series["label"] for series in chart["series"]] == ["One", "Two", "Three"]
    assert chart["series"][0]["values"] == [81.2, 75.0]
    assert chart["series"][0]["scores"] == ["81.2%", "25.0%"]
    assert chart["series"][1]["values"] == [50.0, None]
    assert chart["series"][1]["scores"] == ["50.0%", None]
    assert chart["series"][2]["values"] == [None, 50.0]


def test_chart_size_grows_with_the_bars():
    assert chart_size(2, 2) == "compare-chart-small"
    assert chart_size(12, 4) == "compare-chart-huge"


# --- prices -----------------------------------------------------------------------------------


def price(model, provider, inp, out, **extra):
    return Price(
        model,
        provider,
        None if inp is None else D(inp),
        None if out is None else D(out),
        extra.get("throughput"),
        extra.get("latency"),
    )


def test_price_lists_mark_the_cheapest_and_sort_cheapest_first():
    lists = price_lists(
        [1, 2, 3],
        [
            price(1, "Zed", "1", "3"),
            price(1, "alpha", "2", "2"),  # the same total: both cheapest
            price(1, "Beta", "5", "5"),
            price(1, "Free text", None, "1"),
            price(2, "Only", "9", "9"),
            price(99, "Other model", "0", "0"),
        ],
    )
    first, second, third = lists
    assert [(p.provider_name, p.cheapest) for p in first] == [
        ("alpha", True),
        ("Zed", True),
        ("Beta", False),
        ("Free text", False),
    ]
    assert [(p.provider_name, p.cheapest) for p in second] == [("Only", True)]
    assert third == []


# === the page: /compare/ =========================================================================

URL = "/compare/"
SUGGEST_URL = "/compare/suggest/"
HTMX = {"HX-Request": "true"}
BILLION = 10**9
NO_VALUE = "\N{EN DASH}"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def table_rows(content: str, section: str) -> list[list[str]]:
    """A section's first table as text cells, row by row (header row first)."""
    table = content.split(f'aria-labelledby="{section}"', 1)[1].split("</table>", 1)[0]
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def head_meta(content: str) -> dict[str, str]:
    head = content.split("</head>", 1)[0]
    return {
        "title": re.search(r"<title>(.*?)</title>", head, re.S)[1],
        "description": re.search(r'<meta name="description" content="([^"]*)"', head)[1],
        "og:title": re.search(r'<meta property="og:title" content="([^"]*)"', head)[1],
        "og:description": re.search(r'<meta property="og:description" content="([^"]*)"', head)[1],
        "og:url": re.search(r'<meta property="og:url" content="([^"]*)"', head)[1],
        "canonical": re.search(r'<link rel="canonical" href="([^"]*)"', head)[1],
        "noindex": '<meta name="robots" content="noindex">' in head,
    }


def notes(content: str) -> list[str]:
    match = re.search(r'<ul class="compare-notes">(.*?)</ul>', content, re.S)
    return (
        [text_of(item) for item in re.findall(r"<li>(.*?)</li>", match[1], re.S)] if match else []
    )


@pytest.fixture
def trio(db):
    """Three models with results, offerings and details."""
    acme = make_organization(slug="acme", name="Acme AI")
    zen = make_organization(slug="zen", name="Zen Labs")
    open_licence = make_license(name="Open Licence", open_weights=True)
    large = make_ai_model(
        slug="acme-large",
        name="Acme Large",
        organization=acme,
        release_date=datetime.date(2025, 3, 1),
        release_date_precision="month",
        parameter_count=70 * BILLION,
        input_context_length=128_000,
        output_context_length=8_000,
        multimodal=True,
        knowledge_cutoff=datetime.date(2024, 12, 1),
        knowledge_cutoff_precision="month",
    )
    small = make_ai_model(
        slug="acme-small", name="Acme Small", organization=acme, license=open_licence
    )
    zen_one = make_ai_model(slug="zen-1", name="Zen One", organization=zen)
    return large, small, zen_one


# --- the address: parsing --------------------------------------------------------------------


def test_two_models_side_by_side(client, trio):
    large = trio[0]
    make_offering(ai_model=large, input_usd_per_million=D("2"), output_usd_per_million=D("6"))
    make_result(ai_model=large)

    response = client.get(URL, {"models": "acme-large,acme-small"})

    assert response.status_code == 200
    content = response.content.decode()
    meta = head_meta(content)
    assert meta["title"] == "Compare Acme Large vs Acme Small — Benchboard"
    assert meta["og:title"] == "Compare Acme Large vs Acme Small"
    assert meta["description"].startswith("Acme Large and Acme Small side by side:")
    assert meta["og:description"] == meta["description"]
    assert meta["canonical"] == "http://testserver/compare/?models=acme-large,acme-small"
    assert meta["og:url"] == meta["canonical"]
    assert not meta["noindex"]
    assert "<h1>Compare Acme Large vs Acme Small</h1>" in content
    rows = table_rows(content, "compare-details")
    assert rows[0] == ["Detail", "Acme Large Remove Acme Large", "Acme Small Remove Acme Small"]
    assert rows[1:10] == [
        ["Organization", "Acme AI", "Acme AI"],
        ["Released", "Mar 2025", "1 Jan 2025"],
        ["Licence", "Proprietary", "Open weights Open Licence"],
        ["Parameters", "70B", "Unknown"],
        ["Context (input / output tokens)", "128K / 8K", "? / ?"],
        ["Multimodal", "Yes", "No"],
        ["Knowledge cutoff", "Dec 2024", "Unknown"],
        ["Cheapest price (input / output, USD per million tokens)", "$2 / $6", "No current price"],
        ["Benchmark results", "1", "0"],
    ]
    assert '<a href="/models/acme-large/">Acme Large</a>' in content
    assert '<a href="/organizations/acme/">Acme AI</a>' in content
    assert '<a href="/reports/new/?model=acme-small" data-report>' in content
    assert "js/reports.js" in content
    assert '<div id="report-form"></div>' in content


def test_duplicates_spaces_and_empties_are_dropped_in_order(client, trio):
    response = client.get(URL, {"models": " acme-small ,, acme-large,acme-small , "})

    content = response.content.decode()
    assert response.status_code == 200
    assert head_meta(content)["title"] == "Compare Acme Small vs Acme Large — Benchboard"
    assert head_meta(content)["canonical"].endswith("/compare/?models=acme-small,acme-large")
    assert 'name="models" value="acme-small,acme-large"' in content
    assert notes(content) == []


def test_unknown_slugs_are_reported_and_dropped(client, trio):
    response = client.get(URL, {"models": "acme-large,nope,acme-small,<b>bold</b>"})

    content = response.content.decode()
    assert response.status_code == 200
    assert notes(content) == [
        "No model named “nope”.",
        "No model named “&lt;b&gt;bold&lt;/b&gt;”.",
    ]
    assert "<b>bold</b>" not in content
    assert head_meta(content)["canonical"].endswith("?models=acme-large,acme-small")
    # Every link carries the known models only.
    assert 'href="/compare/?models=acme-small"' in content  # removing Acme Large
    assert "nope" not in content.split('class="compare-notes"', 1)[1].split("</ul>", 1)[1]


def test_more_than_four_keeps_the_first_four_and_says_so(client, trio):
    extra = [make_ai_model(slug=f"extra-{n}", name=f"Extra {n}") for n in range(3)]
    slugs = ["zen-1", "acme-large", "extra-0", "acme-small", "extra-1", "extra-2"]

    response = client.get(URL, {"models": ",".join(slugs)})

    content = response.content.decode()
    assert response.status_code == 200
    assert head_meta(content)["title"] == (
        "Compare Zen One vs Acme Large vs Extra 0 vs Acme Small — Benchboard"
    )
    assert notes(content) == [
        "A comparison holds at most 4 models, so Extra 1, Extra 2 were left out."
    ]
    assert head_meta(content)["canonical"].endswith("?models=zen-1,acme-large,extra-0,acme-small")
    # Four models: the picker gives way to a note.
    assert 'id="compare-picker"' not in content
    assert "the most a comparison holds: remove one to add another" in content
    assert extra


@pytest.mark.parametrize("query", ["", "?models=", "?models=,,,", "?other=1"])
def test_no_models_still_renders_the_picker(client, db, query):
    response = client.get(URL + query)

    content = response.content.decode()
    assert response.status_code == 200
    meta = head_meta(content)
    assert meta["title"] == "Compare AI models — Benchboard"
    assert meta["noindex"]
    assert meta["canonical"] == "http://testserver/compare/"
    assert 'id="compare-picker"' in content
    assert 'action="/compare/"' in content
    assert "Pick at least two models to compare them" in content
    assert 'id="compare-details"' not in content


def test_one_model_asks_for_another(client, trio):
    response = client.get(URL, {"models": "acme-large"})

    content = response.content.decode()
    assert response.status_code == 200
    assert head_meta(content)["noindex"]
    assert head_meta(content)["canonical"].endswith("/compare/?models=acme-large")
    assert "Pick at least one more model to compare with" in text_of(content)
    assert 'name="models" value="acme-large"' in content
    assert 'id="compare-details"' not in content


@pytest.mark.parametrize(
    "query",
    [
        "?models=%00",
        "?models=acme-large,%00nul,acme-small",
        "?models=%ff%fe,acme-large",
        "?models=" + "a" * 100_000,
        "?models=" + ",".join(["x"] * 5_000),
        "?models=" + "%2C" * 3_000,
        "?models=acme-large&models=acme-small&models=zen-1",
        "?models=a%20b,c/d,e%3Ff,%F0%9F%98%80,%E2%80%8B",
        "?models=acme-large,acme-small&add=%00",
        "?models=acme-large,acme-small&add=" + "%25_" * 1_000,
        "?models[]=x&add[]=y",
    ],
)
def test_hostile_input_never_fails(client, trio, query):
    response = client.get(URL + query)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "\x00" not in response.content.decode()


def test_overlong_input_is_said_to_be_cut(client, trio):
    response = client.get(
        URL, {"models": "acme-large,acme-small," + ",".join(f"x{n}" for n in range(50))}
    )
    content = response.content.decode()
    assert "only the first ones were considered" in text_of(content)
    assert head_meta(content)["canonical"].endswith("?models=acme-large,acme-small")


def test_repeated_parameters_count_as_one_list(client, trio):
    response = client.get(URL + "?models=acme-large&models=acme-small")
    assert "<h1>Compare Acme Large vs Acme Small</h1>" in response.content.decode()


def test_slugs_with_odd_characters_round_trip(client, db):
    make_ai_model(slug="mbpp+", name="Plus")
    make_ai_model(slug="it's&<ok>", name="Odd")

    response = client.get(URL, {"models": "mbpp+,it's&<ok>"})

    content = response.content.decode()
    assert "<h1>Compare Plus vs Odd</h1>" in content
    canonical = head_meta(content)["canonical"]
    assert canonical.endswith("/compare/?models=mbpp%2B,it%27s%26%3Cok%3E")
    follow = client.get(canonical.removeprefix("http://testserver"))
    assert "<h1>Compare Plus vs Odd</h1>" in follow.content.decode()


def test_other_addresses_and_methods(client, trio):
    assert client.get("/compare/acme-large/").status_code == 404
    assert client.post(URL, {"models": "acme-large,acme-small"}).status_code == 405
    assert client.post(SUGGEST_URL).status_code == 405


# --- removing ---------------------------------------------------------------------------------


def test_each_column_has_a_remove_link_to_the_address_without_it(client, trio):
    response = client.get(URL, {"models": "acme-large,acme-small,zen-1"})

    content = response.content.decode()
    removes = re.findall(
        r'<a id="compare-remove-\d" class="compare-remove" href="([^"]+)" hx-get="([^"]+)"', content
    )
    assert removes == [
        ("/compare/?models=acme-small,zen-1", "/compare/?models=acme-small,zen-1"),
        ("/compare/?models=acme-large,zen-1", "/compare/?models=acme-large,zen-1"),
        ("/compare/?models=acme-large,acme-small", "/compare/?models=acme-large,acme-small"),
    ]
    assert 'hx-target="#comparison" hx-swap="outerHTML" hx-push-url="true">Remove' in content


def test_the_htmx_swap_gets_the_comparison_title_and_status(client, trio):
    response = client.get(URL, {"models": "acme-large,zen-1"}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.lstrip().startswith("<title>Compare Acme Large vs Zen One — Benchboard</title>")
    assert '<div id="comparison"' in content
    assert (
        '<p id="compare-status" hx-swap-oob="innerHTML">Comparing Acme Large and Zen One.</p>'
        in content
    )
    assert "autofocus" not in content
    assert "HX-Request" in response["Vary"]
    assert "HX-History-Restore-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, trio):
    headers = HTMX | {"HX-History-Restore-Request": "true"}
    response = client.get(URL, {"models": "acme-large,zen-1"}, headers=headers)
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("trigger", "focused"),
    [
        ("compare-picker", r'id="compare-add"[^>]*autofocus'),
        ("compare-suggestion-2", r'id="compare-add"[^>]*autofocus'),
        ("compare-candidate-1", r'id="compare-add"[^>]*autofocus'),
        ("compare-remove-3", r'<h1 tabindex="-1" autofocus>'),
    ],
)
def test_after_a_swap_the_focus_goes_where_the_visitor_continues(client, trio, trigger, focused):
    params = {"models": "acme-large,zen-1"}
    response = client.get(URL, params, headers=HTMX | {"HX-Trigger": trigger})
    content = response.content.decode()
    assert re.search(focused, content)
    assert content.count("autofocus") == 1
    # A whole page never takes the focus.
    page = client.get(URL, params, headers={"HX-Trigger": trigger}).content.decode()
    assert "autofocus" not in page


# --- adding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("add", "added"),
    [
        ("zen-1", "zen-1"),  # the slug
        ("ZEN one", "zen-1"),  # the name, ignoring case
        ("  Zen   One ", "zen-1"),  # spaces collapsed
        ("small", "acme-small"),  # the only model that contains it
        ("acme", "acme-small"),  # Acme Large is already compared
    ],
)
def test_adding_by_name_redirects_to_the_address(client, trio, add, added):
    response = client.get(URL, {"models": "acme-large", "add": add})

    assert response.status_code == 302
    assert response["Location"] == f"/compare/?models=acme-large,{added}"


def test_adding_through_htmx_redirects_too(client, trio):
    # htmx follows the redirect and pushes the address it ends at.
    response = client.get(URL, {"models": "acme-large,zen-1", "add": "acme-small"}, headers=HTMX)
    assert response.status_code == 302
    assert response["Location"] == "/compare/?models=acme-large,zen-1,acme-small"


def test_adding_with_unknown_models_in_the_address_drops_them(client, trio):
    response = client.get(URL, {"models": "gone,acme-large", "add": "zen-1"})
    assert response["Location"] == "/compare/?models=acme-large,zen-1"


def test_an_ambiguous_name_lists_the_candidates(client, trio):
    make_ai_model(slug="acme-medium", name="Acme Medium", organization=trio[0].organization)

    response = client.get(URL, {"models": "zen-1", "add": "acme"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Several models match “acme”: which one?" in content
    assert notes(content) == []
    assert 'class="compare-notes"' not in content
    links = re.findall(
        r'<li><a id="compare-candidate-\d+" href="([^"]+)" hx-get="\1" hx-target="#comparison"'
        r"[^>]*>Add ([^<]+)</a>",
        content,
    )
    assert links == [
        ("/compare/?models=zen-1,acme-large", "Acme Large"),
        ("/compare/?models=zen-1,acme-medium", "Acme Medium"),
        ("/compare/?models=zen-1,acme-small", "Acme Small"),
    ]
    # The text stays in the box to be refined.
    assert 'name="add" value="acme"' in content


def test_many_candidates_are_capped(client, db):
    for n in range(15):
        make_ai_model(slug=f"twin-{n:02}", name=f"Twin {n:02}")

    content = client.get(URL, {"add": "twin"}).content.decode()

    assert content.count(">Add Twin ") == 10
    assert "Only the first 10 are listed" in content


def test_adding_nothing_that_matches_says_so(client, trio):
    response = client.get(URL, {"models": "acme-large", "add": "<i>nothing</i>"})

    content = response.content.decode()
    assert response.status_code == 200
    assert notes(content) == ["No model to add matches “&lt;i&gt;nothing&lt;/i&gt;”."]
    assert "<i>nothing</i>" not in content


def test_adding_a_model_already_compared_says_so(client, trio):
    response = client.get(URL, {"models": "acme-large,zen-1", "add": "Acme Large"})
    assert response.status_code == 200
    assert notes(response.content.decode()) == ["Acme Large is already in the comparison."]


def test_adding_a_fifth_model_is_refused(client, trio):
    make_ai_model(slug="fourth", name="Fourth")
    make_ai_model(slug="fifth", name="Fifth")

    response = client.get(URL, {"models": "acme-large,acme-small,zen-1,fourth", "add": "fifth"})

    assert response.status_code == 200
    content = response.content.decode()
    assert notes(content) == [
        "A comparison holds at most 4 models: remove one before adding another."
    ]
    assert "Fifth" not in content


def test_the_picker_is_a_plain_form_with_an_htmx_autocomplete(client, trio):
    content = client.get(URL, {"models": "acme-large"}).content.decode()

    form = re.search(r'<form id="compare-picker"[^>]*>', content)[0]
    assert 'method="get" action="/compare/"' in form
    assert 'hx-get="/compare/"' in form
    assert '<label for="compare-add">Add a model to the comparison</label>' in content
    box = re.search(r'<input type="search" id="compare-add"[^>]*>', content)[0]
    assert 'name="add"' in box
    assert 'hx-get="/compare/suggest/"' in box
    assert 'hx-trigger="input changed delay:200ms, search"' in box
    assert 'hx-target="#compare-suggestions"' in box
    assert 'aria-describedby="compare-suggest-status"' in box
    assert '<p id="compare-suggest-status" class="compare-suggest-status muted" role="status">' in (
        content
    )
    assert '<button type="submit">Add</button>' in content


# --- suggestions ------------------------------------------------------------------------------


def suggestions(response) -> list[tuple[str, str]]:
    return re.findall(
        r'<a id="compare-suggestion-\d+" href="([^"]+)" hx-get="\1"[^>]*>([^<]+)</a>',
        response.content.decode(),
    )


def test_suggestions_link_to_the_comparison_with_the_model_added(client, trio):
    response = client.get(SUGGEST_URL, {"models": "zen-1", "add": "ACME"}, headers=HTMX)

    assert response.status_code == 200
    assert suggestions(response) == [
        ("/compare/?models=zen-1,acme-large", "Acme Large"),
        ("/compare/?models=zen-1,acme-small", "Acme Small"),
    ]
    content = response.content.decode()
    assert "<html" not in content
    assert '<div id="compare-suggestions" class="compare-suggestions">' in content
    assert 'hx-target="#comparison" hx-swap="outerHTML" hx-push-url="true"' in content
    assert (
        '<p id="compare-suggest-status" hx-swap-oob="innerHTML">2 models match “ACME”:' in content
    )
    assert "HX-Request" in response["Vary"]


def test_suggestions_leave_out_the_models_compared(client, trio):
    response = client.get(SUGGEST_URL, {"models": "acme-large", "add": "acme"}, headers=HTMX)
    assert suggestions(response) == [("/compare/?models=acme-large,acme-small", "Acme Small")]


def test_suggestions_are_escaped(client, db):
    make_ai_model(slug="xss", name="<script>alert(1)</script>")

    response = client.get(SUGGEST_URL, {"add": "<script>"}, headers=HTMX)

    content = response.content.decode()
    assert "<script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "1 model matches “&lt;script&gt;”" in content


def test_suggestions_without_a_match_or_a_query(client, trio):
    response = client.get(SUGGEST_URL, {"add": "zzz"}, headers=HTMX)
    assert suggestions(response) == []
    assert "No model to add matches “zzz”." in response.content.decode()

    response = client.get(SUGGEST_URL, headers=HTMX)
    assert suggestions(response) == []
    assert '<p id="compare-suggest-status" hx-swap-oob="innerHTML"></p>' in (
        response.content.decode()
    )


def test_no_suggestions_once_four_models_are_compared(client, db):
    slugs = [make_ai_model(name=f"Twin {n}").slug for n in range(5)]
    params = {"models": ",".join(slugs[:4]), "add": "twin"}
    response = client.get(SUGGEST_URL, params, headers=HTMX)
    assert suggestions(response) == []
    assert "You are comparing 4 models already" in response.content.decode()


def test_suggestions_are_capped(client, db):
    for n in range(12):
        make_ai_model(slug=f"twin-{n:02}", name=f"Twin {n:02}")
    response = client.get(SUGGEST_URL, {"add": "twin"}, headers=HTMX)
    assert len(suggestions(response)) == 8
    assert "8+ models match" in response.content.decode()


def test_suggest_without_htmx_adds_through_the_page(client, trio):
    response = client.get(SUGGEST_URL, {"models": "acme-large", "add": "zen"})
    assert response.status_code == 302
    assert response["Location"] == "/compare/?models=acme-large&add=zen"
    assert client.get(response["Location"])["Location"] == "/compare/?models=acme-large,zen-1"


# --- benchmarks -------------------------------------------------------------------------------


def test_shared_benchmarks_with_best_marks_ties_and_ranks(client, trio):
    large, small, zen_one = trio
    outsider = make_ai_model(name="Outsider")
    everyone = make_benchmark(slug="everyone", name="Everyone")
    make_result(ai_model=large, benchmark=everyone, score=D("0.7"))
    make_result(ai_model=small, benchmark=everyone, score=D("0.9"))
    make_result(ai_model=small, benchmark=everyone, score=D("0.2"), analysis_method="worse")
    make_result(ai_model=zen_one, benchmark=everyone, score=D("0.9"))
    make_result(ai_model=outsider, benchmark=everyone, score=D("0.95"))
    errors = make_benchmark(slug="errors", name="Error rate", higher_is_better=False)
    make_result(ai_model=large, benchmark=errors, score=D("0.1"))
    make_result(ai_model=zen_one, benchmark=errors, score=D("0.3"))
    points = make_benchmark(slug="points", name="Arena points", max_score=D("2000"))
    make_result(ai_model=small, benchmark=points, score=D("1500"))
    make_result(ai_model=zen_one, benchmark=points, score=D("1200"))
    solo = make_benchmark(slug="solo", name="Solo bench")
    make_result(ai_model=large, benchmark=solo, score=D("0.4"))
    unscored = make_benchmark(slug="unscored", name="Unscored")
    make_result(ai_model=large, benchmark=unscored, score=D("3"), normalized_score=None)
    make_result(ai_model=small, benchmark=unscored, score=D("4"), normalized_score=None)

    response = client.get(URL, {"models": "acme-large,acme-small,zen-1"})

    content = response.content.decode()
    rows = table_rows(content, "compare-benchmarks")
    assert rows == [
        ["Benchmark", "Acme Large", "Acme Small", "Zen One"],
        # Three models first; the tie at 0.9 marks both; ranks count every model.
        ["Everyone", "70.0% 4th of 4", "Best 90.0% 2nd of 4", "Best 90.0% 2nd of 4"],
        # Then two models, by name; lower is better on the error rate.
        [
            "Arena points",
            f"{NO_VALUE} No result",
            "Best 1500 1st of 2",
            "1200 2nd of 2",
        ],
        [
            "Error rate (lower is better)",
            "Best 10.0% 1st of 2",
            f"{NO_VALUE} No result",
            "30.0% 2nd of 2",
        ],
    ]
    assert '<a href="/benchmarks/everyone/">Everyone</a>' in content
    assert "The 3 benchmarks on which at least two of these models have a scored result" in content
    assert '<span class="badge badge-best">Best</span>' in content
    # Only one of them has a result on Solo bench; Unscored cannot be compared.
    assert "Benchmarks only one of them has a result on" in content
    only = content.split('class="compare-only"', 1)[1].split("</details>", 1)[0]
    assert "Acme Large: 1 benchmark" in only
    assert '<a href="/benchmarks/solo/">Solo bench</a>' in only
    assert "Unscored" not in content


def test_the_chart_has_one_series_per_model(client, trio):
    large, small, _ = trio
    for n in range(14):
        benchmark = make_benchmark(name=f"Bench {n:02}")
        make_result(ai_model=large, benchmark=benchmark, score=D("0.5"))
        make_result(ai_model=small, benchmark=benchmark, score=D("0.25"))

    response = client.get(URL, {"models": "acme-large,acme-small,zen-1"})

    content = response.content.decode()
    data = json.loads(
        re.search(
            r'<script id="compare-chart-data" type="application/json">(.*?)</script>', content
        )[1]
    )
    assert [series["label"] for series in data["series"]] == ["Acme Large", "Acme Small", "Zen One"]
    assert len(data["labels"]) == 12  # capped; the table has all 14
    assert data["series"][0]["values"] == [50.0] * 12
    assert data["series"][1]["scores"] == ["25.0%"] * 12
    assert data["series"][2]["values"] == [None] * 12
    canvas = re.search(r"<canvas [^>]*>", content)[0]
    assert 'data-chart="bars" data-source="compare-chart-data" role="img"' in canvas
    assert "The table above has the same scores." in canvas
    assert "The 12 of these 14 benchmarks" in content
    assert len(table_rows(content, "compare-benchmarks")) == 15
    assert 'src="/static/js/charts.js" defer' in content


def test_no_shared_benchmark(client, trio):
    make_result(ai_model=trio[0])
    content = client.get(URL, {"models": "acme-large,acme-small"}).content.decode()
    assert "no scored result on the same benchmark yet" in content
    assert "<canvas" not in content


# --- prices -----------------------------------------------------------------------------------


def test_prices_list_current_offerings_with_the_cheapest_marked(client, trio):
    large = trio[0]
    fast = make_provider(name="Fast Cloud")
    cheap = make_provider(name="Cheap Host")
    make_offering(
        ai_model=large,
        provider=fast,
        input_usd_per_million=D("3"),
        output_usd_per_million=D("9"),
        throughput=120.5,
        latency=0.35,
    )
    make_offering(
        ai_model=large,
        provider=cheap,
        input_usd_per_million=D("1.5"),
        output_usd_per_million=D("4.5"),
    )
    make_offering(
        ai_model=large,
        provider=make_provider(name="Gone Inc"),
        input_usd_per_million=D("0.1"),
        output_usd_per_million=D("0.1"),
        deprecated_at=timezone.now(),
    )

    content = client.get(URL, {"models": "acme-large,acme-small"}).content.decode()

    prices = content.split('aria-labelledby="compare-prices"', 1)[1]
    large_table = prices.split("<h3", 2)[1]
    assert [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", large_table.split("<tbody>", 1)[1], re.S)
    ] == [
        ["Cheap Host Cheapest", "$1.5", "$4.5", NO_VALUE, NO_VALUE],
        ["Fast Cloud", "$3", "$9", "120.5", "0.35 s"],
    ]
    assert "Gone Inc" not in content
    assert "Current offerings only" in content
    assert "No current offering." in prices.split("<h3", 2)[2]
    # The details row shows the same cheapest offering.
    assert [
        "Cheapest price (input / output, USD per million tokens)",
        "$1.5 / $4.5",
        "No current price",
    ] in (table_rows(content, "compare-details"))


# --- query counts -----------------------------------------------------------------------------


def _fill(ai_models, *, benchmarks: int, offerings: int) -> None:
    for _ in range(benchmarks):
        benchmark = make_benchmark()
        for index, ai_model in enumerate(ai_models):
            make_result(ai_model=ai_model, benchmark=benchmark, score=D(index + 1) / 10)
        make_result(benchmark=benchmark)  # a model outside the comparison
    for ai_model in ai_models:
        for _ in range(offerings):
            make_offering(ai_model=ai_model)


def _queries(client, params, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params, **kwargs)
        assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_query_count_does_not_grow_with_models_or_data(client, db, headers, uncached_pages):
    small_models = [make_ai_model() for _ in range(2)]
    _fill(small_models, benchmarks=1, offerings=1)
    large_models = [make_ai_model() for _ in range(4)]
    _fill(large_models, benchmarks=30, offerings=8)

    small = _queries(client, {"models": ",".join(m.slug for m in small_models)}, headers=headers)
    large = _queries(client, {"models": ",".join(m.slug for m in large_models)}, headers=headers)

    # The demo-data flag (full page only), the models, their results, every result on
    # those benchmarks (for ranks), their offerings.
    assert small == large == (4 if headers else 5)


def test_query_count_with_fewer_than_two_models(client, db, uncached_pages):
    ai_model = make_ai_model()
    assert _queries(client, {}) == 1  # the demo-data flag only
    assert _queries(client, {"models": ai_model.slug}) == 2
    # Text that cannot be a slug is not looked up.
    assert _queries(client, {"models": "a b,c/d"}) == 1


def test_query_count_of_suggestions(client, db):
    for n in range(20):
        make_ai_model(name=f"Twin {n}")
    with CaptureQueriesContext(connection) as queries:
        client.get(SUGGEST_URL, {"add": "twin"}, headers=HTMX)
    assert len(queries) == 1  # the matching models (a partial: no demo-data flag)
