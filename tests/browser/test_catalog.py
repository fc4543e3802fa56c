"""The benchmark list in Chromium: htmx swaps, the address bar, Back, and no JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import (
    make_benchmark,
    make_category,
    make_ranked_results,
    make_result,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BY_NAME = ["Alpha Math", "Beta Code", "Gamma Math"]
BY_MODELS = ["Beta Code", "Gamma Math", "Alpha Math"]


@pytest.fixture
def data():
    math = make_category(slug="math", name="Math")
    coding = make_category(slug="coding", name="Coding")
    for name, category, models in [
        ("Alpha Math", math, 1),
        ("Beta Code", coding, 3),
        ("Gamma Math", math, 2),
    ]:
        benchmark = make_benchmark(name=name, categories=[category])
        for _ in range(models):
            make_result(benchmark=benchmark)


def names(page: Page):
    return page.locator("#benchmark-table tbody th[scope=row] > a")


def mark_document(page: Page) -> None:
    """A flag on window that a full page load would wipe out."""
    page.evaluate("window.notReloaded = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.notReloaded === true")


def is_htmx_swap(request) -> bool:
    return (
        "/benchmarks/" in request.url
        and request.headers.get("hx-request") == "true"
        and "hx-history-restore-request" not in request.headers
    )


def test_typing_a_search_swaps_the_table_and_updates_the_address(live_server, page, data):
    page.goto(live_server.url + "/benchmarks/")
    expect(names(page)).to_have_text(BY_NAME)
    mark_document(page)

    with page.expect_request(is_htmx_swap) as request:
        page.get_by_label("Search").press_sequentially("math", delay=20)

    expect(names(page)).to_have_text(["Alpha Math", "Gamma Math"])
    assert "q=math" in request.value.url
    expect(page).to_have_url(re.compile(r"/benchmarks/\?q=math"))
    expect(page.locator("#benchmark-summary")).to_have_text(re.compile(r"^2 matching benchmarks"))
    assert_not_reloaded(page)
    assert page.console_errors == []


def test_choosing_a_category_swaps_the_table(live_server, page, data):
    page.goto(live_server.url + "/benchmarks/")
    mark_document(page)

    with page.expect_request(is_htmx_swap):
        page.get_by_label("Category").select_option("coding")

    expect(names(page)).to_have_text(["Beta Code"])
    expect(page).to_have_url(re.compile(r"[?&]category=coding"))
    assert_not_reloaded(page)
    assert page.console_errors == []


def test_sort_header_reorders_and_back_restores_the_order(live_server, page, data):
    page.goto(live_server.url + "/benchmarks/")
    mark_document(page)

    with page.expect_request(is_htmx_swap):
        page.get_by_role("link", name=re.compile(r"^Models \(sort")).click()

    expect(names(page)).to_have_text(BY_MODELS)
    expect(page).to_have_url(re.compile(r"\?sort=-models$"))
    # The sort menu outside the table follows the header, and focus stays on the header.
    expect(page.get_by_label("Sort by")).to_have_value("-models")
    expect(page.locator("#sort-models")).to_be_focused()
    expect(page.locator("th[aria-sort=descending]")).to_have_text(re.compile("Models"))

    # A change in the form now keeps the header's order.
    with page.expect_request(is_htmx_swap) as request:
        page.get_by_label("Category").select_option("math")
    assert "sort=-models" in request.value.url
    expect(names(page)).to_have_text(["Gamma Math", "Alpha Math"])

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?sort=-models$"))
    expect(names(page)).to_have_text(BY_MODELS)
    expect(page.get_by_label("Category")).to_have_value("")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/benchmarks/$"))
    expect(names(page)).to_have_text(BY_NAME)
    expect(page.get_by_label("Sort by")).to_have_value("name")
    assert_not_reloaded(page)

    page.go_forward()
    expect(names(page)).to_have_text(BY_MODELS)
    assert page.console_errors == []


def test_back_restores_the_search_box_too(live_server, page, data):
    page.goto(live_server.url + "/benchmarks/")
    with page.expect_request(is_htmx_swap):
        page.get_by_label("Search").fill("gamma")
    expect(names(page)).to_have_text(["Gamma Math"])
    with page.expect_request(is_htmx_swap):
        page.get_by_label("Search").fill("code")
    expect(names(page)).to_have_text(["Beta Code"])

    with page.expect_request(
        lambda request: request.headers.get("hx-history-restore-request") == "true"
    ):
        page.go_back()

    expect(page).to_have_url(re.compile(r"\?q=gamma"))
    expect(names(page)).to_have_text(["Gamma Math"])
    expect(page.get_by_label("Search")).to_have_value("gamma")
    assert page.console_errors == []


def test_pages_swap_through_htmx(live_server, page):
    for n in range(55):
        make_benchmark(name=f"Bench {n:02}")
    page.goto(live_server.url + "/benchmarks/?sort=-name")
    expect(names(page)).to_have_count(50)
    mark_document(page)

    with page.expect_request(is_htmx_swap):
        page.get_by_role("link", name="Next").click()

    expect(names(page)).to_have_text([f"Bench {n:02}" for n in range(4, -1, -1)])
    expect(page).to_have_url(re.compile(r"\?sort=-name&page=2$"))
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    assert_not_reloaded(page)
    assert page.console_errors == []


def test_form_and_sort_links_work_without_javascript(live_server, no_js_page, data):
    page = no_js_page
    page.goto(live_server.url + "/benchmarks/")
    expect(names(page)).to_have_text(BY_NAME)

    page.get_by_label("Search").fill("math")
    page.get_by_label("Sort by").select_option("-name")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"\?q=math&category=&modality=&sort=-name$"))
    expect(names(page)).to_have_text(["Gamma Math", "Alpha Math"])
    expect(page.get_by_label("Search")).to_have_value("math")

    page.get_by_role("link", name=re.compile(r"^Models \(sort")).click()
    expect(page).to_have_url(re.compile(r"\?q=math&sort=-models$"))
    expect(names(page)).to_have_text(["Gamma Math", "Alpha Math"])
    page.get_by_role("link", name=re.compile(r"^Models \(sort")).click()
    expect(page).to_have_url(re.compile(r"\?q=math&sort=models$"))
    expect(names(page)).to_have_text(["Alpha Math", "Gamma Math"])


def test_category_links_lead_to_the_category_ranking(live_server, page, data):
    page.goto(live_server.url + "/benchmarks/")
    page.get_by_role("link", name="Coding").first.click()
    page.wait_for_url("**/categories/coding/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Best AI for Coding")
    expect(page.locator(".ranking-table tbody tr")).to_have_count(3)
    assert page.console_errors == []


def test_category_ranking_pages_swap_in_place_and_work_without_javascript(
    live_server, page, no_js_page
):
    category = make_category(slug="long", name="Long")
    benchmark = make_benchmark(categories=[category])
    make_ranked_results(benchmark, 120)
    rows = "#category-ranking tbody tr"

    page.goto(live_server.url + "/categories/long/")
    expect(page.locator(rows)).to_have_count(100)
    mark_document(page)
    page.get_by_role("link", name="Next").click()
    expect(page.locator(rows)).to_have_count(20)
    expect(page.locator(rows).first.locator("td").first).to_have_text("101")
    expect(page).to_have_url(re.compile(r"/categories/long/\?page=2$"))
    assert_not_reloaded(page)
    page.go_back()
    expect(page.locator(rows)).to_have_count(100)
    assert page.console_errors == []

    no_js_page.goto(live_server.url + "/categories/long/")
    no_js_page.get_by_role("link", name="Next").click()
    no_js_page.wait_for_url("**page=2")
    expect(no_js_page.locator(rows).first.locator("th a")).to_have_text("Model 101")


@pytest.mark.parametrize("width", [1280, 390])
def test_real_category_ranking_fits_the_screen_with_coverage(
    live_server, browser, committed_real_data, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/categories/code/")

    table = page.locator(".ranking-table")
    expect(table).to_be_visible()
    expect(page.get_by_role("heading", name="How this ranking works")).to_be_visible()
    first = table.locator("tbody tr").first
    expect(first.locator("th a")).to_have_text("GPT-5")
    coverage = first.locator("td.coverage")
    expect(coverage).to_be_visible()
    expect(coverage).to_have_text(re.compile(r"^\s*\d+ of \d+\s+benchmarks\s*$"))
    # Nothing sticks out: not the table past its scroll box, not the page past the screen.
    assert page.evaluate(
        "() => { const box = document.querySelector('.ranking-table').parentElement;"
        " return box.scrollWidth <= box.clientWidth; }"
    )
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    box = coverage.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    context.close()
