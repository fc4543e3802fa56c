"""The header's search suggestions in Chromium: an ARIA combobox whose listbox htmx fills as
the visitor types, driven by the keyboard or the mouse, and the plain form without JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import violations
from tests.factories import make_ai_model, make_benchmark, make_category, make_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data():
    acme = make_organization(slug="acme", name="Acme Labs")
    make_ai_model(slug="acme-1", name="Acme One", organization=acme)
    make_ai_model(slug="acme-2", name="Acme Two", organization=acme)
    make_benchmark(slug="acme-bench", name="Acme Bench")
    make_category(slug="acme-skills", name="Acme Skills")
    make_benchmark(slug="gpqa", name="GPQA Diamond")


def type_query(page: Page, text: str) -> None:
    """Type into the header's box and wait for the suggestions of the whole text."""
    box = page.locator("#site-search-q")
    with page.expect_response(
        lambda response: (
            "/search/suggestions/" in response.url and response.url.endswith("q=" + text)
        )
    ):
        box.press_sequentially(text, delay=20)


def test_typing_shows_labelled_suggestions_as_a_combobox(live_server, page: Page, data):
    page.goto(live_server.url + "/benchmarks/")
    box = page.get_by_role("combobox", name="Find")
    listbox = page.locator("#site-search-listbox")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-controls", "site-search-listbox")
    expect(listbox).to_be_hidden()

    box.click()
    type_query(page, "acm")

    expect(listbox).to_be_visible()
    expect(listbox).to_have_attribute("role", "listbox")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".+"))
    options = listbox.get_by_role("option")
    expect(options).to_have_count(5)
    expect(page.get_by_role("group", name="Models").get_by_role("option")).to_have_count(2)
    expect(
        page.get_by_role("option", name=re.compile(r"^Acme One Acme Labs ?, model$"))
    ).to_have_attribute("href", "/models/acme-1/")
    expect(
        page.get_by_role("option", name=re.compile(r"^Acme Skills 0 benchmarks ?, category$"))
    ).to_have_attribute("href", "/categories/acme-skills/")
    expect(options.first.locator("mark")).to_have_text("Acm")
    expect(page.get_by_role("status").filter(has_text="suggestion")).to_have_text(
        "5 suggestions, up and down arrows to choose."
    )
    assert page.locator("#site-search-q").evaluate("el => el === document.activeElement")
    assert page.console_errors == []


def test_arrow_keys_move_through_the_options_and_enter_opens_one(live_server, page: Page, data):
    page.goto(live_server.url + "/")
    box = page.locator("#site-search-q")
    box.click()
    type_query(page, "acme")
    options = page.locator("#site-search-listbox [role=option]")
    expect(options).to_have_count(5)
    ids = options.evaluate_all("all => all.map(option => option.id)")
    assert len(set(ids)) == 5

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", ids[0])
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", ids[1])
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    box.press("ArrowUp")  # round the top to the last
    expect(box).to_have_attribute("aria-activedescendant", ids[4])
    box.press("ArrowDown")  # and back round to the first
    expect(box).to_have_attribute("aria-activedescendant", ids[0])
    box.press("ArrowDown")
    href = options.nth(1).get_attribute("href")
    assert box.evaluate("el => el === document.activeElement")  # the focus never left the box

    box.press("Enter")

    page.wait_for_url(live_server.url + href)
    assert page.console_errors == []


def test_escape_closes_and_enter_then_searches(live_server, page: Page, data):
    page.goto(live_server.url + "/")
    box = page.locator("#site-search-q")
    box.click()
    type_query(page, "acme")
    listbox = page.locator("#site-search-listbox")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")

    box.press("Escape")

    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    expect(box).to_have_value("acme")  # the first Escape only closes the list

    box.press("ArrowDown")  # opens it again
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Escape")

    box.press("Enter")  # no active option: the form searches
    page.wait_for_url(re.compile(r"/search/\?q=acme$"))
    assert page.console_errors == []


def test_a_click_outside_closes_and_a_click_on_an_option_opens_it(live_server, page: Page, data):
    page.goto(live_server.url + "/")
    box = page.locator("#site-search-q")
    box.click()
    type_query(page, "gpqa")
    listbox = page.locator("#site-search-listbox")
    expect(listbox).to_be_visible()

    page.locator("main h1").click()

    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    box.click()  # back in the box: its suggestions show again
    expect(listbox).to_be_visible()
    listbox.get_by_role("option", name=re.compile("GPQA Diamond")).click()
    page.wait_for_url(live_server.url + "/benchmarks/gpqa/")
    assert page.console_errors == []


def test_clearing_the_box_closes_the_list_and_no_match_is_announced(live_server, page: Page, data):
    page.goto(live_server.url + "/")
    box = page.locator("#site-search-q")
    box.click()
    type_query(page, "acme")
    listbox = page.locator("#site-search-listbox")
    expect(listbox).to_be_visible()

    box.fill("")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    type_query(page, "zzz")
    expect(listbox).to_be_hidden()
    expect(page.locator("#site-search-status")).to_have_text("No suggestions.")
    assert page.console_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violation_with_the_list_open_and_an_option_active(
    live_server, page: Page, data, scheme
):
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + "/")
    box = page.locator("#site-search-q")
    box.click()
    type_query(page, "acme")
    expect(page.locator("#site-search-listbox")).to_be_visible()
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(".+"))
    assert violations(page) == []
    assert page.console_errors == []


def test_at_390_px_the_list_fits_the_screen(live_server, page: Page, data):
    make_ai_model(name="Acme " + "Extraordinarily-Long-Model-Name-" * 3)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    page.locator("#site-search-q").click()
    type_query(page, "acme")
    listbox = page.locator("#site-search-listbox")
    expect(listbox).to_be_visible()

    box = listbox.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    for option in listbox.get_by_role("option").all():
        option_box = option.bounding_box()
        assert option_box["x"] >= 0 and option_box["x"] + option_box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []


def test_real_snapshot_suggestions(live_server, page: Page, committed_real_data):
    page.goto(live_server.url + "/")
    box = page.locator("#site-search-q")
    box.click()
    type_query(page, "gpqa")
    benchmarks = page.get_by_role("group", name="Benchmarks").get_by_role("option")
    expect(benchmarks.first).to_have_attribute("href", "/benchmarks/gpqa/")

    box.press("ArrowDown")  # the exact match comes first
    box.press("Enter")
    page.wait_for_url(live_server.url + "/benchmarks/gpqa/")

    box = page.locator("#site-search-q")
    box.click()
    type_query(page, "gpt")
    models = page.get_by_role("group", name="Models").get_by_role("option")
    expect(models).to_have_count(8)
    for option in models.all():
        assert option.locator("mark").inner_text() == "GPT"
        assert option.get_attribute("href").startswith("/models/gpt-")
    expect(models.filter(has_text="OpenAI")).to_have_count(8)
    assert page.console_errors == []


def test_without_javascript_the_header_form_still_searches(live_server, no_js_page: Page, data):
    no_js_page.goto(live_server.url + "/benchmarks/")
    expect(no_js_page.locator("#site-search-listbox")).to_be_hidden()
    header = no_js_page.locator("header form[role=search]")
    header.get_by_label("Find").fill("acme")
    header.get_by_label("Find").press("Enter")
    no_js_page.wait_for_url(re.compile(r"/search/\?q=acme$"))
    expect(no_js_page.get_by_role("link", name="Acme One")).to_be_visible()
    expect(no_js_page.locator("#site-search-listbox")).to_be_hidden()
