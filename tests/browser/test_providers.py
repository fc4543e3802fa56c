"""The provider pages in Chromium, on the real snapshot: the tables fit a laptop, a phone
scrolls them sideways without scrolling the page, and a sort swaps only the table."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = """wrapper => ({
    table: wrapper.querySelector('table').getBoundingClientRect().width,
    wrapper: wrapper.clientWidth,
    scroll: wrapper.scrollWidth,
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
})"""


def fully_visible(page: Page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


@pytest.mark.parametrize("path", ["/providers/", "/providers/deepinfra/"])
def test_at_1280_px_the_tables_fit_their_container(
    live_server, page: Page, committed_real_data, path
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + path)
    sizes = page.locator(".table-scroll").evaluate(SIZES)
    assert sizes["scroll"] <= sizes["wrapper"], sizes
    assert sizes["table"] <= sizes["wrapper"], sizes
    assert sizes["page"] <= sizes["viewport"], sizes
    assert page.console_errors == []


def test_at_390_px_the_list_shows_provider_and_price_without_page_scroll(
    live_server, page: Page, committed_real_data
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/providers/")
    wrapper = page.locator(".table-scroll")
    sizes = wrapper.evaluate(SIZES)
    assert sizes["page"] <= sizes["viewport"] == 390, sizes
    assert sizes["wrapper"] <= 390, sizes
    groq = page.locator("tbody tr", has=page.get_by_role("link", name="Groq", exact=True))
    assert fully_visible(page, groq.get_by_role("rowheader"))
    assert fully_visible(page, groq.locator("td").nth(1))  # the input price range
    expect(groq.locator("td").nth(1)).to_contain_text("$0.05")

    # The rest of the row scrolls into view inside the table, the provider staying put.
    wrapper.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    assert fully_visible(page, groq.locator("td").last)  # the median latency
    assert fully_visible(page, groq.get_by_role("rowheader"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_at_390_px_a_provider_page_shows_model_and_price(
    live_server, page: Page, committed_real_data
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/providers/groq/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.locator(
        "tbody tr", has=page.get_by_role("link", name="Llama 3.1 70B Instruct", exact=True)
    )
    assert fully_visible(page, row.get_by_role("link", name="Llama 3.1 70B Instruct"))
    assert fully_visible(page, row.locator("td").first)
    expect(row.locator("td").first).to_have_text("$0.59")
    assert page.console_errors == []


def test_sorting_swaps_the_table_and_follows_a_provider(
    live_server, page: Page, committed_real_data
):
    page.goto(live_server.url + "/providers/")
    page.locator("#sort-throughput").click()
    expect(page).to_have_url(live_server.url + "/providers/?sort=-throughput")
    expect(page.locator("#sort-throughput").locator("xpath=..")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(page.locator("tbody th").first).to_have_text("Cerebras")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)

    page.locator("tbody th").first.get_by_role("link").click()
    expect(page).to_have_url(live_server.url + "/providers/cerebras/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cerebras")
    assert page.console_errors == []
