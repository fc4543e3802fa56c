"""The home page in Chromium: links, search as you type, the phone layout, and no JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from models_registry.models import DEMO_URL_PREFIX
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_organization,
    make_result,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data():
    org = make_organization(slug="acme", name="Acme Labs", website=DEMO_URL_PREFIX + "acme")
    coding = make_category(slug="coding", name="Coding")
    benchmark = make_benchmark(slug="mbpp+", name="MBPP+", categories=[coding])
    ai_model = make_ai_model(slug="acme-1", name="Acme One", organization=org)
    make_result(ai_model=ai_model, benchmark=benchmark, score="0.9")
    for n, score in enumerate(["0.8", "0.7", "0.6"], start=2):
        make_result(
            ai_model=make_ai_model(
                slug=f"acme-{n}",
                name=f"Acme Model With A Rather Long Name {n}",
                organization=org,
            ),
            benchmark=benchmark,
            score=score,
        )


def test_home_page_in_chromium(live_server, page, data):
    page.goto(live_server.url + "/")

    assert page.title() == "Benchboard: open leaderboards for AI model benchmarks"
    expect(page.locator(".demo-banner")).to_have_text(re.compile(r"^\s*Demo data:"))
    assert page.evaluate("typeof window.htmx") == "object"
    page.locator("#home-benchmarks + ul").get_by_role("link", name="MBPP+").click()
    page.wait_for_url("**/benchmarks/mbpp+/")
    assert page.get_by_role("heading", level=1).inner_text() == "MBPP+"
    assert page.console_errors == []


def test_category_leaders_link_to_their_models_and_ranking(live_server, page, data):
    page.goto(live_server.url + "/")
    card = page.locator(".leader-card").filter(has=page.get_by_role("link", name="Coding"))
    expect(card.locator(".leader-list > li")).to_have_count(3)
    expect(card.locator(".leader-list > li").first).to_contain_text("Acme One")
    expect(card.locator(".leader-list > li").first).to_contain_text("66.7%")
    card.get_by_role("link", name="Full ranking for Coding").click()
    page.wait_for_url("**/categories/coding/")
    assert page.get_by_role("heading", level=1).inner_text() == "Best AI for Coding"
    assert page.console_errors == []


def test_keyboard_reaches_content_through_the_skip_link(live_server, page, data):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_typing_in_the_search_shows_results_here_and_enter_opens_the_search_page(
    live_server, page, data
):
    page.goto(live_server.url + "/")
    page.evaluate("window.notReloaded = true")
    box = page.get_by_label("Search benchmarks, models and organizations")

    with page.expect_request(lambda r: "/search/?q=mbpp" in r.url) as request:
        box.press_sequentially("mbpp", delay=20)

    assert request.value.headers.get("hx-request") == "true"
    results = page.locator("#search-results")
    link = results.get_by_role("link", name="MBPP+")
    expect(link).to_have_attribute("href", "/benchmarks/mbpp+/")
    expect(page.locator("#search-status")).to_have_text("1 result for “mbpp”")
    assert page.evaluate("window.notReloaded === true")
    assert page.url == live_server.url + "/"

    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=mbpp$"))
    expect(page.locator("#search-results").get_by_role("link", name="MBPP+")).to_be_visible()
    assert page.console_errors == []


def test_home_page_without_javascript(live_server, no_js_page, data):
    page = no_js_page
    page.goto(live_server.url + "/")
    expect(page.locator(".theme-switch")).to_be_hidden()
    page.get_by_role("link", name="Acme One").first.click()
    page.wait_for_url("**/models/acme-1/")
    assert page.get_by_role("heading", level=1).inner_text() == "Acme One"

    page.goto(live_server.url + "/")
    page.get_by_label("Search benchmarks, models and organizations").fill("acme one")
    page.locator("#home-search").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/\?q=acme\+one$"))
    expect(page.locator("#search-results").get_by_role("link", name="Acme One")).to_be_visible()


def test_phone_layout_never_scrolls_sideways(live_server, page: Page, data):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    for locator in [
        page.get_by_role("link", name="Benchboard", exact=True),
        page.locator("header form[role=search]"),
        page.locator(".theme-switch"),
        page.locator("#home-search"),
        page.locator(".leader-card").first,
        page.locator("footer p"),
    ]:
        box = locator.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, locator

    wrapper = page.locator(".home-results .table-scroll")
    scroll_width, client_width = wrapper.evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert scroll_width > client_width  # the table is wider than the phone
    wrapper.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    left = wrapper.bounding_box()["x"]
    for cell in [
        wrapper.locator("tbody th[scope=row]").first,
        wrapper.get_by_role("columnheader", name="Model"),
    ]:
        assert abs(cell.bounding_box()["x"] - left) <= 1.5
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert page.console_errors == []
