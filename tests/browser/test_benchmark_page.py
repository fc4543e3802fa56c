import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_license,
    make_organization,
    make_ranked_results,
    make_result,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODELS = [
    # name, open weights, score, date recorded
    ("Zephyr", True, "0.61", datetime.date(2024, 3, 1)),
    ("Atlas", False, "0.72", datetime.date(2024, 9, 1)),
    ("Nimbus", True, "0.55", datetime.date(2025, 1, 1)),
    ("Borealis", False, "0.88", datetime.date(2025, 6, 1)),
]


@pytest.fixture
def benchmark():
    benchmark = make_benchmark(slug="gpqa", name="GPQA", categories=[make_category()])
    org = make_organization(name="Acme")
    licences = {True: make_license(open_weights=True), False: make_license(open_weights=False)}
    for name, is_open, score, day in MODELS:
        ai_model = make_ai_model(
            slug=name.lower(), name=name, organization=org, license=licences[is_open]
        )
        make_result(ai_model=ai_model, benchmark=benchmark, score=Decimal(score), recorded_on=day)
    # A second, older result of Borealis: a point on the chart, not a row by default.
    make_result(
        ai_model=ai_model,
        benchmark=benchmark,
        score=Decimal("0.70"),
        analysis_method="0-shot",
        recorded_on=datetime.date(2025, 5, 1),
    )
    return benchmark


def model_column(page: Page) -> list[str]:
    return page.locator("#leaderboard-table tbody th[scope=row]").all_inner_texts()


BY_RANK = ["Borealis", "Atlas", "Zephyr", "Nimbus"]
BY_NAME = ["Atlas", "Borealis", "Nimbus", "Zephyr"]


def test_sorting_through_htmx_updates_the_address_and_back_restores(live_server, page, benchmark):
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    assert model_column(page) == BY_RANK
    page.evaluate("window.notReloaded = true")

    with page.expect_request(lambda r: "sort=model" in r.url) as request:
        page.locator("#sort-model").click()
    assert request.value.headers.get("hx-request") == "true"
    expect(page.locator("#leaderboard-table tbody th[scope=row]").first).to_have_text("Atlas")
    assert model_column(page) == BY_NAME
    assert "sort=model" in page.url and "order=" not in page.url
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending"
    assert page.evaluate("window.notReloaded") is True  # swapped in place

    page.go_back()
    expect(page.locator("#leaderboard-table tbody th[scope=row]").first).to_have_text("Borealis")
    assert model_column(page) == BY_RANK
    assert "sort=" not in page.url
    assert page.console_errors == []


def test_a_filter_replaces_the_table_and_keeps_the_sort(live_server, page, benchmark):
    page.goto(f"{live_server.url}/benchmarks/gpqa/?sort=model")
    page.get_by_label("Licence").select_option("open")
    expect(page.locator("#leaderboard-table tbody tr")).to_have_count(2)
    assert model_column(page) == ["Nimbus", "Zephyr"]
    assert "licence=open" in page.url and "sort=model" in page.url

    page.get_by_label("Search models").fill("zep")
    expect(page.locator("#leaderboard-table tbody tr")).to_have_count(1)
    assert "q=zep" in page.url
    assert page.console_errors == []


def test_chart_draws_one_point_per_result_and_the_frontier(live_server, page, benchmark):
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    page.wait_for_function("() => document.querySelector('canvas[data-chart]').chart !== undefined")
    datasets = page.evaluate(
        "document.querySelector('canvas[data-chart]').chart.data.datasets"
        ".map(d => ({label: d.label, count: d.data.length, hidden: d.hidden || false}))"
    )
    counts = {d["label"]: d["count"] for d in datasets}
    assert counts["Open"] + counts["Proprietary"] == 5
    assert counts["Open"] == 2
    # Zephyr (0.61), then Atlas (0.72), then Borealis (0.88); carried to the last date.
    assert counts["State-of-the-art frontier"] == 3
    assert page.console_errors == []


def test_series_can_be_hidden_from_the_legend(live_server, page, benchmark):
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    page.wait_for_function("() => document.querySelector('canvas[data-chart]').chart !== undefined")
    visible = page.evaluate(
        """() => {
        const chart = document.querySelector('canvas[data-chart]').chart;
        const index = chart.data.datasets.findIndex(d => d.label === 'Proprietary');
        const item = chart.legend.legendItems.find(i => i.text === 'Proprietary');
        const box = chart.legend.legendHitBoxes[chart.legend.legendItems.indexOf(item)];
        return [index, box.left + box.width / 2, box.top + box.height / 2];
    }"""
    )
    index, x, y = visible
    page.locator("canvas[data-chart]").click(position={"x": x, "y": y})
    # Chart.js handles canvas events on the next animation frame, not in the click itself.
    page.wait_for_function(
        f"() => !document.querySelector('canvas[data-chart]').chart.isDatasetVisible({index})",
        timeout=5000,
    )


def test_keyboard_alone_sorts(live_server, page, benchmark):
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    page.locator("#sort-model").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#leaderboard-table tbody th[scope=row]").first).to_have_text("Atlas")


def test_without_javascript_sorting_and_filters_still_work(live_server, no_js_page, benchmark):
    page = no_js_page
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    assert model_column(page) == BY_RANK
    page.locator("#sort-model").click()
    page.wait_for_url("**sort=model**")
    assert model_column(page) == BY_NAME

    page.get_by_label("Licence").select_option("proprietary")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**licence=proprietary**")
    assert model_column(page) == ["Atlas", "Borealis"]
    assert page.locator("text=Progress over time").is_visible()
    assert page.get_by_text("The best score rose from 61.0%").is_visible()


@pytest.fixture
def long_benchmark():
    """120 models: a leaderboard of two pages, Model 001 best."""
    benchmark = make_benchmark(slug="long", name="Long")
    org = make_organization(name="Acme")
    make_ranked_results(benchmark, 120, organization=org)
    return benchmark


def test_the_next_page_swaps_in_place_and_back_returns(live_server, page, long_benchmark):
    page.goto(f"{live_server.url}/benchmarks/long/")
    expect(page.locator("#leaderboard-table tbody tr")).to_have_count(100)
    page.evaluate("window.notReloaded = true")

    page.get_by_role("link", name="Next →").click()
    expect(page.locator("#leaderboard-table tbody tr")).to_have_count(20)
    assert model_column(page)[0] == "Model 101"
    assert page.locator("#leaderboard-table tbody tr td").first.inner_text() == "101"
    assert "page=2" in page.url
    assert page.evaluate("window.notReloaded") is True

    # A new sort starts again from the first page.
    page.locator("#sort-model").click()
    expect(page.locator("#leaderboard-table tbody tr")).to_have_count(100)
    assert "page=" not in page.url

    page.go_back()
    expect(page.locator("#leaderboard-table tbody tr")).to_have_count(20)
    assert page.console_errors == []


def test_without_javascript_the_pages_are_plain_links(live_server, no_js_page, long_benchmark):
    page = no_js_page
    page.goto(f"{live_server.url}/benchmarks/long/")
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url("**page=2**")
    assert model_column(page)[0] == "Model 101"
    page.get_by_role("link", name="← Previous").click()
    page.wait_for_url("**page=1**")
    assert model_column(page)[0] == "Model 001"
