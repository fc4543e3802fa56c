"""/models/<slug>/: a model's details, prices, results (each once, with its categories, filtered
by category), chart and change log."""

import datetime
import html
import json
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.models import Benchmark, Category, Result
from benchmarks.ranking import RankedResult
from benchmarks.services import refresh_result_stats
from models_registry import profile
from models_registry.models import AIModel, Offering, Provider
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_license,
    make_offering,
    make_organization,
    make_provider,
    make_result,
    save,
)

BILLION = 10**9
URL = "/models/acme-large/"
NONE = "\u2013"  # the en dash an empty cell shows

# --- reading the page ----------------------------------------------------------------------------


def section(content: str, heading_id: str) -> str:
    return content.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</section>", 1)[0]


def cells(fragment: str) -> list[list[str]]:
    """The body rows of the tables in a fragment, as text cells."""
    found = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", fragment, re.S):
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            found.append(
                [
                    " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
                    for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
                ]
            )
    return found


def result_rows(content: str) -> list[list[str]]:
    """The rows of the results table, its benchmark cell without the categories under
    the name."""
    results = section(content, "results")
    return [[row[0].split(" Categories:")[0], *row[1:]] for row in cells(results)]


def row_categories(content: str) -> dict[str, list[tuple[str, str]]]:
    """Each benchmark's category links in the results table: (href, name) pairs."""
    results = section(content, "results")
    return {
        html.unescape(name): re.findall(r'<a class="tag" href="([^"]+)">([^<]+)</a>', labels)
        for name, labels in re.findall(
            r'<th scope="row"><a href="/benchmarks/[^"]+/">([^<]+)</a>(.*?)</th>', results, re.S
        )
    }


def category_filter(content: str) -> list[tuple[str, str, bool]]:
    """The category filter's links: (href, text, whether it is the current one)."""
    nav = section(content, "results").split('class="category-filter"', 1)[1].split("</nav>")[0]
    return [
        (
            html.unescape(href),
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()),
            bool(current),
        )
        for href, current, text in re.findall(
            r'<a href="([^"]+)"( aria-current="true")?>(.*?)</a>', nav, re.S
        )
    ]


def facts(content: str) -> dict[str, str]:
    details = section(content, "details")
    return {
        html.unescape(term): " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())
        for term, value in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", details, re.S)
    }


def structured(content: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', content, re.S
        )
    ]


def chart_data(content: str) -> dict:
    found = re.search(r'<script id="category-data" type="application/json">(.*?)</script>', content)
    return json.loads(found.group(1))


def meta(content: str, attribute: str, name: str) -> str:
    return html.unescape(re.search(rf'<meta {attribute}="{name}" content="([^"]*)">', content)[1])


# --- data --------------------------------------------------------------------------------------


@pytest.fixture
def acme_large(db):
    acme = make_organization(slug="acme", name="Acme AI", website="https://acme.example/")
    base = make_ai_model(slug="acme-base", name="Acme Base", organization=acme)
    return make_ai_model(
        slug="acme-large",
        name="Acme Large",
        organization=acme,
        description="Acme's largest model.",
        license=make_license(
            name="Acme Open Licence", open_weights=True, allows_commercial_use=False
        ),
        release_date=datetime.date(2025, 3, 14),
        announcement_date=datetime.date(2025, 2, 1),
        announcement_date_precision="month",
        parameter_count=4 * BILLION,
        training_tokens=15 * 10**12,
        input_context_length=128_000,
        output_context_length=8_192,
        multimodal=True,
        knowledge_cutoff=datetime.date(2024, 10, 1),
        knowledge_cutoff_precision="month",
        fine_tuned_from=base,
        paper_url="https://arxiv.example/acme",
        weights_url="https://weights.example/acme",
    )


@pytest.fixture
def scored(acme_large):
    """Results under several categories, a tie, a lower-is-better benchmark, an unscored one."""
    reasoning = make_category(slug="reasoning", name="Reasoning")
    knowledge = make_category(slug="knowledge", name="Knowledge")
    math = make_category(slug="math", name="Math")
    rival, leader, other = make_ai_model(name="Rival"), make_ai_model(), make_ai_model()

    gpqa = make_benchmark(slug="gpqa", name="GPQA", categories=[reasoning, knowledge])
    make_result(ai_model=acme_large, benchmark=gpqa, score=Decimal("0.8"), analysis_method="5-shot")
    make_result(ai_model=rival, benchmark=gpqa, score=Decimal("0.8"))  # a tie: both 2nd
    make_result(ai_model=leader, benchmark=gpqa, score=Decimal("0.9"))

    errors = make_benchmark(
        slug="errors", name="Error Rate", categories=[reasoning], higher_is_better=False
    )
    make_result(ai_model=acme_large, benchmark=errors, score=Decimal("0.3"))
    # Its worse method (a higher error rate) does not count.
    make_result(
        ai_model=acme_large, benchmark=errors, score=Decimal("0.5"), analysis_method="0-shot"
    )
    make_result(ai_model=rival, benchmark=errors, score=Decimal("0.1"))
    make_result(ai_model=other, benchmark=errors, score=Decimal("0.4"))

    arena = make_benchmark(
        slug="arena", name="Arena", categories=[reasoning], max_score=Decimal(2000)
    )
    make_result(
        ai_model=acme_large,
        benchmark=arena,
        score=Decimal(1350),
        normalized_score=None,
        status=Result.Status.THIRD_PARTY,
        source_url="",
        recorded_on=None,
    )

    math_bench = make_benchmark(slug="math", name="MATH", categories=[math])
    make_result(
        ai_model=acme_large,
        benchmark=math_bench,
        score=Decimal("0.6"),
        status=Result.Status.VERIFIED,
        verified_by="Benchboard",
    )
    make_result(ai_model=rival, benchmark=math_bench, score=Decimal("0.4"))

    trivia = make_benchmark(slug="trivia", name="Trivia")
    make_result(ai_model=acme_large, benchmark=trivia, score=Decimal("0.7"))
    return acme_large


@pytest.fixture
def priced(acme_large):
    """Four offerings: the cheapest is deprecated, one lacks an output price."""
    offerings = {
        "gone": make_offering(
            ai_model=acme_large,
            provider=make_provider(name="Gone Cloud"),
            input_usd_per_million=Decimal("0.10"),
            output_usd_per_million=Decimal("0.20"),
            deprecated_at=timezone.now(),
        ),
        "half": make_offering(
            ai_model=acme_large,
            provider=make_provider(name="Half Priced"),
            input_usd_per_million=Decimal("0.05"),
            output_usd_per_million=None,
        ),
        "mid": make_offering(
            ai_model=acme_large,
            provider=make_provider(slug="mid", name="Mid Host", website="https://mid.example/"),
            input_usd_per_million=Decimal("1.00"),
            output_usd_per_million=Decimal("2.00"),
            throughput=123.4,
            latency=0.25,
            quantization="fp8",
            max_input_tokens=128_000,
            max_output_tokens=4_096,
        ),
        "best": make_offering(
            ai_model=acme_large,
            provider=make_provider(name="Best Price"),
            input_usd_per_million=Decimal("1.50"),
            output_usd_per_million=Decimal("0.50"),
        ),
    }
    return offerings


# --- header and details --------------------------------------------------------------------------


def test_header_details_and_links(client, acme_large):
    content = client.get(URL).content.decode()

    assert "<h1>Acme Large</h1>" in content
    assert 'by <a href="/organizations/acme/">Acme AI</a>' in content
    assert "Acme&#x27;s largest model." in content
    assert facts(content) == {
        "Organization": "Acme AI",
        "Licence": "Acme Open Licence",
        "Weights": "Open",
        "Commercial use": "Not allowed",
        "Released": "14 Mar 2025",
        "Announced": "Feb 2025",
        "Parameters": "4B (4,000,000,000)",
        "Training tokens": "15T (15,000,000,000,000)",
        "Input context": "128K tokens (128,000)",
        "Output context": "8.2K tokens (8,192)",
        "Multimodal": "Yes",
        "Knowledge cutoff": "Oct 2024",
        "Fine-tuned from": "Acme Base",
    }
    assert '<time datetime="2025-03-14">14 Mar 2025</time>' in content
    links = section(content, "details").split('class="model-links"', 1)[1]
    assert re.findall(r'<a href="([^"]+)" rel="external noopener">([^<]+)</a>', links) == [
        ("https://arxiv.example/acme", "Paper"),
        ("https://weights.example/acme", "Weights"),
    ]


def test_unknown_details_say_unknown_and_no_links_show(client, db):
    make_ai_model(slug="bare", name="Bare", release_date=None)

    content = client.get("/models/bare/").content.decode()

    assert facts(content) == {
        "Organization": facts(content)["Organization"],
        "Licence": "Unknown",
        "Weights": "Unknown",
        "Commercial use": "Unknown",
        "Released": "Unknown",
        "Announced": "Unknown",
        "Parameters": "Unknown",
        "Training tokens": "Unknown",
        "Input context": "Unknown",
        "Output context": "Unknown",
        "Multimodal": "No",
        "Knowledge cutoff": "Unknown",
    }
    assert "model-links" not in content
    assert "Fine-tuned" not in content


def test_a_licence_of_unknown_openness_and_a_proprietary_one(client, db):
    make_ai_model(
        slug="unsure",
        license=make_license(name="Custom", open_weights=None, allows_commercial_use=True),
    )
    make_ai_model(
        slug="closed",
        license=make_license(name="Terms", open_weights=False, allows_commercial_use=False),
    )

    def licence(slug: str) -> list[str]:
        found = facts(client.get(f"/models/{slug}/").content.decode())
        return [found["Licence"], found["Weights"], found["Commercial use"]]

    assert licence("unsure") == ["Custom", "Unknown", "Allowed"]
    assert licence("closed") == ["Terms", "Proprietary", "Not allowed"]


def test_fine_tuned_from_and_into(client, acme_large):
    make_ai_model(slug="acme-large-code", name="Acme Large Code", fine_tuned_from=acme_large)
    make_ai_model(slug="acme-large-chat", name="Acme Large Chat", fine_tuned_from=acme_large)
    make_ai_model(name="Unrelated")

    content = client.get(URL).content.decode()

    assert '<dd><a href="/models/acme-base/">Acme Base</a></dd>' in content
    assert facts(content)["Fine-tuned into"] == "Acme Large Chat Acme Large Code"
    assert re.findall(r'<li><a href="(/models/[^"]+)">', section(content, "details")) == [
        "/models/acme-large-chat/",
        "/models/acme-large-code/",
    ]
    base = client.get("/models/acme-base/").content.decode()
    assert facts(base)["Fine-tuned into"] == "Acme Large"
    assert "Fine-tuned from" not in base


# --- prices --------------------------------------------------------------------------------------


def test_every_offering_with_the_cheapest_current_one_marked(client, priced):
    content = client.get(URL).content.decode()

    prices = section(content, "prices")
    assert cells(prices) == [
        # Current and fully priced, cheapest first; then unpriced; then deprecated.
        ["Best Price Cheapest", "$1.5", "$0.5", NONE, NONE, NONE, NONE, NONE, "Current"],
        ["Mid Host", "$1", "$2", "123.4 tokens/s", "0.25 s", "fp8", "128K", "4.1K", "Current"],
        ["Half Priced", "$0.05", NONE, NONE, NONE, NONE, NONE, NONE, "Current"],
        ["Gone Cloud", "$0.1", "$0.2", NONE, NONE, NONE, NONE, NONE, "Deprecated"],
    ]
    assert prices.count("Cheapest</span>") == 1
    # Each provider links its page on Benchboard (which links its website).
    assert '<a href="/providers/mid/">Mid Host</a>' in prices
    # The same rule as the model list's price column.
    listed = AIModel.objects.with_cheapest_price().get(slug="acme-large")
    assert (listed.cheapest_input, listed.cheapest_output) == (Decimal("1.5"), Decimal("0.5"))


def test_no_cheapest_mark_when_every_priced_offering_is_deprecated(client, acme_large):
    make_offering(ai_model=acme_large, deprecated_at=timezone.now())
    make_offering(ai_model=acme_large, output_usd_per_million=None)

    prices = section(client.get(URL).content.decode(), "prices")

    assert len(cells(prices)) == 2
    assert "Cheapest</span>" not in prices


def test_no_offerings(client, acme_large):
    prices = section(client.get(URL).content.decode(), "prices")
    assert "No provider prices for Acme Large yet." in prices
    assert "<table" not in prices


# --- results -------------------------------------------------------------------------------------


def test_each_result_shows_once_with_its_categories_and_rank(client, scored):
    content = client.get(URL).content.decode()

    def row(benchmark: str, method: str, rank: str, status: str, date: str) -> list:
        return [benchmark, method, rank, status, date]

    rows = result_rows(content)
    # One table, by benchmark name: GPQA, in two categories, shows once. (How a score
    # reads is pages.formatting's: tests/pages.)
    assert [[r[0], *r[2:6]] for r in rows] == [
        row("Arena", NONE, "— not ranked: no normalized score", "Reported by a third party", NONE),
        row("Error Rate (lower is better)", NONE, "2nd of 3", "Self-reported", "1 Jan 2025"),
        row("GPQA", "5-shot", "2nd of 3", "Self-reported", "1 Jan 2025"),
        row("MATH", NONE, "1st of 2", "Verified", "1 Jan 2025"),
        row("Trivia", NONE, "1st of 1", "Self-reported", "1 Jan 2025"),
    ]
    assert rows[0][1].startswith("1350")
    assert all(r[1] for r in rows)
    # Each with its categories as links, by name.
    assert row_categories(content) == {
        "Arena": [("/categories/reasoning/", "Reasoning")],
        "Error Rate": [("/categories/reasoning/", "Reasoning")],
        "GPQA": [("/categories/knowledge/", "Knowledge"), ("/categories/reasoning/", "Reasoning")],
        "MATH": [("/categories/math/", "Math")],
        "Trivia": [],
    }
    results = section(content, "results")
    assert results.count("<table") == 1
    assert "<h3" not in results
    assert '<a href="/benchmarks/gpqa/">GPQA</a>' in results
    assert "Ranked on 4 benchmarks: first on 2 and in the top three on 4." in results
    assert "best result on each of 5 benchmarks" in results


def test_a_benchmark_in_three_categories_shows_once_with_three_labels(client, acme_large):
    categories = [
        make_category(slug=slug, name=name)
        for slug, name in [("vision", "Vision"), ("healthcare", "Healthcare"), ("math", "Math")]
    ]
    benchmark = make_benchmark(slug="chexpert", name="CheXpert", categories=categories)
    make_result(ai_model=acme_large, benchmark=benchmark, score=Decimal("0.5"))

    content = client.get(URL).content.decode()

    assert len(result_rows(content)) == Result.objects.filter(ai_model=acme_large).count() == 1
    assert row_categories(content) == {
        "CheXpert": [
            ("/categories/healthcare/", "Healthcare"),
            ("/categories/math/", "Math"),
            ("/categories/vision/", "Vision"),
        ]
    }


def test_the_category_filter_lists_each_category_with_its_count(client, scored):
    content = client.get(URL).content.decode()

    # Most results first, then by name; "All" is current.
    assert category_filter(content) == [
        ("?#results", "All 5", True),
        ("?category=reasoning#results", "Reasoning 3", False),
        ("?category=knowledge#results", "Knowledge 1", False),
        ("?category=math#results", "Math 1", False),
    ]
    assert "category-filter-status" not in content


def test_the_category_filter_shows_only_that_categorys_results(client, scored):
    content = client.get(URL + "?category=reasoning").content.decode()

    assert [r[0] for r in result_rows(content)] == [
        "Arena",
        "Error Rate (lower is better)",
        "GPQA",
    ]
    assert [(text, current) for _, text, current in category_filter(content)] == [
        ("All 5", False),
        ("Reasoning 3", True),
        ("Knowledge 1", False),
        ("Math 1", False),
    ]
    results = section(content, "results")
    assert (
        '3 of 5 results, on the benchmarks in <a href="/categories/reasoning/">Reasoning</a>.'
        in results
    )
    assert '<a href="?#results">Show all</a>' in results
    assert "Acme Large's results in Reasoning, by benchmark name" in results
    # What the page says about the model as a whole does not change.
    assert "best result on each of 5 benchmarks" in results
    assert "Ranked on 4 benchmarks: first on 2 and in the top three on 4." in results
    assert chart_data(content)["labels"] == ["Reasoning", "Knowledge", "Math"]


def test_the_category_filter_keeps_the_other_parameters(client, scored):
    content = client.get(URL + "?changes=all&category=math").content.decode()

    assert [r[0] for r in result_rows(content)] == ["MATH"]
    assert category_filter(content)[:2] == [
        ("?changes=all#results", "All 5", False),
        ("?changes=all&category=reasoning#results", "Reasoning 3", False),
    ]


@pytest.mark.parametrize("value", ["nope", "", "%3Cscript%3E", "other"])
def test_an_unknown_category_shows_every_result(client, scored, value):
    make_category(slug="nope", name="Not the model's")

    response = client.get(URL + f"?category={value}")

    assert response.status_code == 200
    content = response.content.decode()
    assert len(result_rows(content)) == 5
    assert category_filter(content)[0][1:] == ("All 5", True)
    assert "<script>" not in content


def test_each_row_has_its_source_and_an_inline_report_control(client, scored):
    content = client.get(URL).content.decode()

    gpqa = Result.objects.get(ai_model=scored, benchmark__slug="gpqa")
    arena = Result.objects.get(ai_model=scored, benchmark__slug="arena")
    results = section(content, "results")
    for result in (gpqa, arena):
        assert (
            f'<a class="report-link" href="/reports/new/?result={result.pk}" data-report '
            f'aria-label="Report a problem with the {result.benchmark.name} result">Report</a>'
        ) in results
    source = '<a href="https://example.org/paper" rel="external noopener nofollow">'
    assert results.count(source) == 4
    # Every row names its source (curators' here); Arena's, with no link of its own, links
    # the source's page.
    assert results.count("Benchboard curators<span") == 5
    assert results.count('href="/sources/curators/"') == 1
    assert results.count("data-report aria-label=") == 5


def test_a_model_rank_among_every_models_best_with_ties_shared(client, scored):
    # Another model overtakes on GPQA with its second method: Acme Large is now 3rd of 4.
    newcomer = make_ai_model()
    gpqa = Benchmark.objects.get(slug="gpqa")
    make_result(ai_model=newcomer, benchmark=gpqa, score=Decimal("0.1"))
    make_result(ai_model=newcomer, benchmark=gpqa, score=Decimal("0.95"), analysis_method="cot")

    content = client.get(URL).content.decode()

    gpqa = next(row for row in result_rows(content) if row[0] == "GPQA")
    assert gpqa[3] == "3rd of 4"


def test_no_results(client, acme_large):
    content = client.get(URL).content.decode()

    results = section(content, "results")
    assert "No benchmark results for Acme Large yet." in results
    assert "category-filter" not in results
    assert '<a href="/submit/?model=acme-large">Submit it</a>' in results
    assert "No scored results in any category yet" in section(content, "categories")
    assert "<canvas" not in content
    assert "chart.umd.min.js" not in content


def test_report_and_submit_controls_and_change_log(client, acme_large):
    acme_large.parameter_count = 5 * BILLION
    acme_large._change_reason = "The paper says 5B."
    acme_large.save()

    content = client.get(URL).content.decode()

    # In the header and under the results: a plain link that static/js/reports.js opens
    # in place.
    controls = re.findall(
        r'<a href="([^"]+)" data-report>Notice missing or incorrect data\?</a>', content
    )
    assert controls == ["/reports/new/?model=acme-large"] * 2
    assert '<div id="report-form"></div>' in content
    assert "js/reports.js" in content
    assert '<a href="/submit/?model=acme-large">Submit a missing result</a>' in content
    assert '<a href="/compare/?models=acme-large">Compare with other models</a>' in content
    changes = section(content, "changes")
    assert "The paper says 5B." in changes
    assert "from 4,000,000,000 to 5,000,000,000" in changes


# --- the categories chart ------------------------------------------------------------------------


def test_category_chart_and_its_table(client, scored):
    content = client.get(URL).content.decode()

    # Reasoning: GPQA 0.8 and Error Rate 1 - 0.3 (Arena has no normalized score).
    assert chart_data(content) == {
        "labels": ["Reasoning", "Knowledge", "Math"],
        "axisLabel": "Mean normalized score, % (higher is better)",
        "series": [
            {
                "label": "Acme Large",
                "values": [75.0, 80.0, 60.0],
                "scores": [
                    "75.0% (mean of 2 benchmarks)",
                    "80.0% (mean of 1 benchmark)",
                    "60.0% (mean of 1 benchmark)",
                ],
            }
        ],
    }
    categories = section(content, "categories")
    assert cells(categories) == [
        ["Reasoning", "75.0%", "2"],
        ["Knowledge", "80.0%", "1"],
        ["Math", "60.0%", "1"],
    ]
    assert 'data-chart="bars" data-source="category-data" role="img"' in categories
    assert "aria-label=\"Bar chart of Acme Large's mean normalized score in 3 categories." in (
        categories
    )
    # Hidden until charts.js draws it: no empty box without JavaScript.
    assert '<div class="chart-frame bars-s" hidden>' in categories
    assert "/static/vendor/chart.js/chart.umd.min.js" in content
    assert "/static/js/charts.js" in content


# --- last updated, meta, structured data ---------------------------------------------------------


def test_last_updated_is_the_latest_of_model_results_and_offerings(
    client, scored, priced, uncached_pages
):
    def set_times(model_day: int, result_day: int, offering_day: int) -> None:
        def at(day: int) -> datetime.datetime:
            return datetime.datetime(2025, 6, day, 12, tzinfo=datetime.UTC)

        AIModel.objects.filter(pk=scored.pk).update(updated_at=at(model_day))
        Result.objects.filter(ai_model=scored).update(updated_at=at(1))
        # A result that is not the best on its benchmark counts too.
        Result.objects.filter(ai_model=scored, analysis_method="0-shot").update(
            updated_at=at(result_day)
        )
        Offering.objects.filter(ai_model=scored).update(updated_at=at(1))
        Offering.objects.filter(pk=priced["gone"].pk).update(updated_at=at(offering_day))
        refresh_result_stats()  # what a write of results through the ORM does

    def shown() -> str:
        content = client.get(URL).content.decode()
        changed = r'Last changed on Benchboard <time datetime="[^"]+">([^<]+)</time>'
        return re.search(changed, content)[1]

    set_times(model_day=20, result_day=10, offering_day=5)
    assert shown() == "20 Jun 2025"
    set_times(model_day=2, result_day=21, offering_day=5)
    assert shown() == "21 Jun 2025"
    set_times(model_day=2, result_day=3, offering_day=22)
    assert shown() == "22 Jun 2025"


def test_title_description_and_open_graph(client, scored, priced):
    content = client.get(URL).content.decode()

    sentence = (
        "Acme Large by Acme AI: results on 5 benchmarks, best rank 1st of 2 on MATH, "
        "from $1.5 per million input tokens."
    )
    assert (
        "<title>Acme Large by Acme AI: benchmarks, prices and details — Benchboard</title>"
        in content
    )
    assert meta(content, "name", "description") == sentence
    assert meta(content, "property", "og:title") == "Acme Large by Acme AI"
    assert meta(content, "property", "og:description") == sentence
    assert f'<p class="lead">{html.escape(sentence)}</p>' in content


def test_structured_data(client, scored, priced):
    application, breadcrumbs = structured(client.get(URL).content.decode())

    organization = {
        "@type": "Organization",
        "name": "Acme AI",
        "url": "http://testserver/organizations/acme/",
        "sameAs": "https://acme.example/",
    }
    assert application == {
        "@context": "https://schema.org",
        "@type": "SoftwareApplication",
        "name": "Acme Large",
        "description": "Acme's largest model.",
        "url": "http://testserver/models/acme-large/",
        "applicationCategory": "AI model",
        "author": organization,
        "creator": organization,
        "datePublished": "2025-03-14",
        "license": {"@type": "CreativeWork", "name": "Acme Open Licence"},
        "offers": {
            "@type": "AggregateOffer",
            "lowPrice": "1.5",
            "priceCurrency": "USD",
            "offerCount": 3,
            "description": "USD per million input tokens at the cheapest current provider",
        },
    }
    assert breadcrumbs == {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": 1,
                "name": "Models",
                "item": "http://testserver/models/",
            },
            {
                "@type": "ListItem",
                "position": 2,
                "name": "Acme Large",
                "item": "http://testserver/models/acme-large/",
            },
        ],
    }


def test_structured_data_of_a_model_with_little_known(client, db):
    make_ai_model(
        slug="vague",
        name="Vague",
        organization=make_organization(name="Lab"),
        release_date=datetime.date(2024, 5, 1),
        release_date_precision="month",
    )

    content = client.get("/models/vague/").content.decode()

    application, _ = structured(content)
    assert application["datePublished"] == "2024-05"
    assert application["description"] == "Vague by Lab: no benchmark results yet."
    assert "offers" not in application and "license" not in application
    assert "sameAs" not in application["author"]


# --- escaping and bad input ----------------------------------------------------------------------


def test_names_are_escaped_everywhere(client, db):
    evil = '<script>alert("x")</script>'
    lab = make_organization(name=f"Lab {evil}")
    ai_model = make_ai_model(slug="evil", name=f"Model {evil}", organization=lab, description=evil)
    category = make_category(name=f"Cat {evil}")
    benchmark = make_benchmark(name=f"Bench {evil}", categories=[category])
    make_result(ai_model=ai_model, benchmark=benchmark, analysis_method=evil)
    make_offering(ai_model=ai_model, provider=make_provider(name=f"Host {evil}"))

    content = client.get("/models/evil/").content.decode()

    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    application, _ = structured(content)
    assert application["name"] == f"Model {evil}"
    assert application["author"]["name"] == f"Lab {evil}"
    assert chart_data(content)["labels"] == [f"Cat {evil}"]


def test_unknown_model_is_a_404(client, db):
    assert client.get("/models/no-such-model/").status_code == 404


def test_odd_slugs_and_stray_parameters(client, db):
    make_ai_model(slug="gpt-4o<mini>", name="Odd")
    assert client.get("/models/gpt-4o%3Cmini%3E/").status_code == 200
    assert client.get("/models/gpt-4o%3Cmini%3E/?page=x&sort=%27;drop").status_code == 200
    assert client.get("/models/gpt-4o%3Cmini%3E/", headers={"HX-Request": "true"}).status_code == (
        200
    )


def test_writes_are_refused(client, acme_large):
    assert client.post(URL).status_code == 405


# --- query count ---------------------------------------------------------------------------------

# The demo-data banner (1), the model with its organization, licence and parent (1), its
# fine-tunes (1), its offerings with their providers (1), its ranked results (2), its
# unscored results (1), its benchmarks' categories (1) and the change log (2); the same
# filtered by a category.
EXPECTED_QUERIES = 10


def _grow(ai_model: AIModel, *, results: int, offerings: int, fine_tunes: int) -> None:
    categories = [make_category() for _ in range(3)]
    for n in range(results):
        benchmark = make_benchmark(categories=categories[: n % 4], higher_is_better=bool(n % 3))
        make_result(ai_model=ai_model, benchmark=benchmark, score=Decimal("0.5"))
        make_result(benchmark=benchmark, score=Decimal("0.6"))
        if n % 5 == 0:
            make_result(
                ai_model=ai_model,
                benchmark=benchmark,
                score=Decimal(3),
                normalized_score=None,
                analysis_method="raw",
            )
    for _ in range(offerings):
        make_offering(ai_model=ai_model)
    for _ in range(fine_tunes):
        make_ai_model(fine_tuned_from=ai_model)
    # A changed model and a changed result: every change-log query runs.
    ai_model.save()
    result = Result.objects.filter(ai_model=ai_model).first()
    result.score = Decimal("0.55")
    save(result)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_query_count_does_not_grow_with_the_data(client, db, uncached_pages):
    small = make_ai_model(slug="small", fine_tuned_from=make_ai_model())
    _grow(small, results=2, offerings=1, fine_tunes=1)
    large = make_ai_model(slug="large", fine_tuned_from=make_ai_model())
    _grow(large, results=30, offerings=8, fine_tunes=6)

    assert _queries(client, "/models/small/") == EXPECTED_QUERIES
    assert _queries(client, "/models/large/") == EXPECTED_QUERIES
    category = Category.objects.filter(benchmarks__results__ai_model=large).first()
    assert _queries(client, f"/models/large/?category={category.slug}") == EXPECTED_QUERIES


# --- the pure shaping (models_registry/profile.py), without the database -------------------------


def _benchmark(pk: int, name: str, *, higher_is_better: bool = True) -> Benchmark:
    return Benchmark(pk=pk, slug=name.lower(), name=name, higher_is_better=higher_is_better)


def _result(pk: int, benchmark: Benchmark, score: str, normalized: str | None) -> Result:
    return Result(
        pk=pk,
        benchmark=benchmark,
        score=Decimal(score),
        normalized_score=None if normalized is None else Decimal(normalized),
    )


def test_result_rows_prefer_a_scored_result_and_keep_the_best_unscored():
    higher = _benchmark(1, "Higher")
    lower = _benchmark(2, "lower", higher_is_better=False)
    mixed = _benchmark(3, "Mixed")
    ranked = [RankedResult(_result(10, mixed, "0.4", "0.4"), rank=2, model_count=5)]
    unscored = [
        _result(11, higher, "10", None),
        _result(12, higher, "30", None),
        _result(13, lower, "10", None),
        _result(14, lower, "30", None),
        _result(15, mixed, "99", None),
    ]

    rows = profile.result_rows(ranked, unscored)

    assert [(row.benchmark.name, row.result.pk, row.rank) for row in rows] == [
        ("Higher", 12, None),
        ("lower", 13, None),
        ("Mixed", 10, 2),
    ]


def test_rows_get_their_categories_by_name_and_categories_count_their_rows():
    benches = [_benchmark(n, f"B{n}") for n in range(1, 5)]
    rows = [profile.ResultRow(_result(n, b, "0.5", "0.5"), 1, 1) for n, b in enumerate(benches)]
    alpha, beta, gamma = (
        Category(pk=n, slug=name.lower(), name=name) for n, name in enumerate("ABC", start=1)
    )
    links = [(1, gamma), (1, beta), (2, beta), (3, alpha)]

    rows = profile.with_categories(rows, links)

    assert [(r.benchmark.name, [c.name for c in r.categories]) for r in rows] == [
        ("B1", ["B", "C"]),
        ("B2", ["B"]),
        ("B3", ["A"]),
        ("B4", []),
    ]
    counts = profile.category_counts(rows)
    # The most rows first, then by name.
    assert [(c.category.name, c.count) for c in counts] == [("B", 2), ("A", 1), ("C", 1)]
    assert profile.chosen_category(counts, "c") is gamma
    assert profile.chosen_category(counts, "d") is None
    assert profile.chosen_category(counts, None) is None
    assert [r.benchmark.name for r in profile.in_category(rows, beta)] == ["B1", "B2"]
    assert len(profile.in_category(rows, None)) == 4


def test_category_scores_flip_lower_is_better_and_skip_unscored_and_uncategorized():
    up, down, raw, loose = (
        _benchmark(1, "Up"),
        _benchmark(2, "Down", higher_is_better=False),
        _benchmark(3, "Raw"),
        _benchmark(4, "Loose"),
    )
    mixed = Category(pk=1, slug="mixed", name="Mixed")
    raw_only = Category(pk=2, slug="raw-only", name="Raw only")
    rows = [
        profile.ResultRow(_result(1, up, "0.9", "0.9"), 1, 3, categories=(mixed,)),
        profile.ResultRow(_result(2, down, "0.2", "0.2"), 1, 3, categories=(mixed,)),
        profile.ResultRow(_result(3, raw, "1200", None), categories=(mixed, raw_only)),
        profile.ResultRow(_result(4, loose, "0.1", "0.1"), 1, 3),
    ]

    scores = profile.category_scores(rows)

    assert [(s.category.name, s.percent, s.benchmark_count) for s in scores] == [
        ("Mixed", Decimal("85.0"), 2)
    ]


def test_cheapest_offering_follows_the_cheapest_price_rule():
    def offering(pk: int, price_in: str | None, price_out: str | None, deprecated: bool = False):
        return Offering(
            pk=pk,
            provider=Provider(name=f"P{pk}"),
            input_usd_per_million=None if price_in is None else Decimal(price_in),
            output_usd_per_million=None if price_out is None else Decimal(price_out),
            deprecated_at=timezone.now() if deprecated else None,
        )

    candidates = [
        offering(1, "0.1", "0.1", deprecated=True),
        offering(2, "0.01", None),
        offering(3, "2", "1"),
        offering(4, "1", "2"),  # the same total as 3, a lower input price
        offering(5, "1", "2"),  # a tie with 4: the older one wins
    ]

    assert profile.cheapest_offering(candidates).pk == 4
    rows = profile.offering_rows(candidates)
    assert [(row.offering.pk, row.is_cheapest) for row in rows] == [
        (4, True),
        (5, False),
        (3, False),
        (2, False),
        (1, False),
    ]
    assert profile.cheapest_offering([candidates[0], candidates[1]]) is None


def test_rank_summary_sentence():
    def row(rank: int | None, count: int | None, name: str) -> profile.ResultRow:
        return profile.ResultRow(SimpleNamespace(benchmark=SimpleNamespace(name=name)), rank, count)

    none_good = profile.rank_summary([row(4, 9, "A"), row(5, 50, "B"), row(None, None, "C")])
    assert none_good.sentence == "Ranked on 2 benchmarks; its best rank is 4th of 9, on A."
    mixed = profile.rank_summary([row(1, 2, "A"), row(1, 40, "B"), row(3, 9, "C")])
    assert mixed.sentence == "Ranked on 3 benchmarks: first on 2 and in the top three on 3."
    assert mixed.best.benchmark.name == "B"  # first among the most models
    assert profile.rank_summary([row(None, None, "A")]).sentence == ""


def test_last_updated_and_partial_dates_and_frame_sizes():
    early = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    late = datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC)
    assert profile.last_updated(early, None, late) == late
    assert profile.last_updated(None) is None
    day = datetime.date(2025, 3, 4)
    assert profile.partial_date(day, "day") == "2025-03-04"
    assert profile.partial_date(day, "month") == "2025-03"
    assert profile.partial_date(day, "year") == "2025"
    assert [profile.bar_frame_size(n) for n in (1, 3, 4, 7, 11, 17, 29)] == [
        "bars-s",
        "bars-s",
        "bars-m",
        "bars-l",
        "bars-xl",
        "bars-xxl",
        "bars-xxl",
    ]
