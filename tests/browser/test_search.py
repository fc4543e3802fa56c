"""Search in Chromium: results as you type through htmx, and the plain form without JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_ai_model, make_benchmark, make_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data():
    acme = make_organization(slug="acme", name="Acme Labs")
    make_ai_model(slug="acme-1", name="Acme One", organization=acme)
    make_benchmark(slug="gpqa", name="GPQA Diamond")
    make_benchmark(slug="mbpp", name="MBPP")


def is_htmx_swap(request) -> bool:
    return (
        "/search/" in request.url
        and request.headers.get("hx-request") == "true"
        and "hx-history-restore-request" not in request.headers
    )


def test_typing_shows_results_and_updates_the_address(live_server, page: Page, data):
    page.goto(live_server.url + "/search/")
    expect(page.locator("#search-status")).to_have_text("Type a name or id to search.")
    page.evaluate("window.notReloaded = true")

    with page.expect_request(is_htmx_swap) as request:
        page.get_by_label("Benchmarks, models and organizations").press_sequentially(
            "acme", delay=20
        )

    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="Acme One")).to_have_attribute(
        "href", "/models/acme-1/"
    )
    expect(results.get_by_role("link", name="Acme Labs")).to_have_attribute(
        "href", "/organizations/acme/"
    )
    expect(results.get_by_role("link", name="GPQA Diamond")).to_have_count(0)
    expect(page.locator("#search-status")).to_have_text("2 results for “acme”")
    expect(page).to_have_url(re.compile(r"/search/\?q=acme$"))
    assert "q=acme" in request.value.url
    assert page.evaluate("window.notReloaded === true")
    assert page.console_errors == []


def test_header_search_label_shows_on_focus(live_server, page: Page, data):
    page.goto(live_server.url + "/")
    label = page.locator("label[for=site-search-q]")
    assert label.bounding_box()["width"] <= 1  # visually hidden until the form has focus
    page.get_by_label("Find").focus()
    assert label.bounding_box()["width"] > 10
    assert page.console_errors == []


def test_header_form_and_search_page_work_without_javascript(live_server, no_js_page, data):
    no_js_page.goto(live_server.url + "/benchmarks/")
    header = no_js_page.locator("header form[role=search]")
    header.get_by_label("Find").fill("gpqa")
    header.get_by_role("button", name="Search").click()
    no_js_page.wait_for_url(re.compile(r"/search/\?q=gpqa$"))
    expect(no_js_page.get_by_role("link", name="GPQA Diamond")).to_be_visible()

    form = no_js_page.locator("#search-form")
    form.get_by_label("Benchmarks, models and organizations").fill("mbpp")
    form.get_by_role("button", name="Search").click()
    no_js_page.wait_for_url(re.compile(r"/search/\?q=mbpp$"))
    expect(no_js_page.locator("#search-results").get_by_role("link")).to_have_text(["MBPP"])
