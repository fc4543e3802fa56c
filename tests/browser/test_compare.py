"""The comparison page in Chromium: the autocomplete, removing in place, the chart,
the plain-form fallback without JavaScript, and the table on a phone."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_ai_model, make_benchmark, make_organization, make_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PICKER_LABEL = "Add a model to the comparison"
CHART = "canvas[data-chart=bars]"


@pytest.fixture
def data():
    acme = make_organization(slug="acme", name="Acme AI")
    zen = make_organization(slug="zen", name="Zen Labs")
    ai_models = [
        make_ai_model(slug="acme-large", name="Acme Large", organization=acme),
        make_ai_model(slug="acme-small", name="Acme Small", organization=acme),
        make_ai_model(slug="zen-one", name="Zen One", organization=zen),
        make_ai_model(slug="zen-two", name="Zen Two", organization=zen),
    ]
    for n in range(3):
        benchmark = make_benchmark(name=f"Bench {n}")
        for index, ai_model in enumerate(ai_models):
            make_result(ai_model=ai_model, benchmark=benchmark, score=Decimal(index + 1) / 10)
    return ai_models


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def chart_datasets(page: Page) -> int:
    page.wait_for_function(f"() => document.querySelector('{CHART}')?.chart !== undefined")
    return page.evaluate(f"document.querySelector('{CHART}').chart.data.datasets.length")


def test_add_with_the_autocomplete_by_keyboard_then_go_back(live_server, page, data):
    page.goto(live_server.url + "/compare/?models=acme-large,acme-small")
    expect(heading(page)).to_have_text("Compare Acme Large vs Acme Small")
    assert chart_datasets(page) == 2
    page.evaluate("window.notReloaded = true")  # a full page load would wipe it out

    box = page.get_by_label(PICKER_LABEL)
    box.click()
    box.press_sequentially("zen")
    suggestions = page.locator("#compare-suggestions a")
    expect(suggestions).to_have_text(["Zen One", "Zen Two"])
    expect(page.locator("#compare-suggest-status")).to_contain_text("2 models match “zen”")

    page.keyboard.press("Tab")  # the Add button
    page.keyboard.press("Tab")  # the first suggestion
    expect(suggestions.first).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/compare/\?models=acme-large,acme-small,zen-one$"))
    expect(heading(page)).to_have_text("Compare Acme Large vs Acme Small vs Zen One")
    expect(page).to_have_title("Compare Acme Large vs Acme Small vs Zen One — Benchboard")
    expect(page.locator("#compare-status")).to_have_text(
        "Comparing Acme Large, Acme Small and Zen One."
    )
    expect(page.get_by_label(PICKER_LABEL)).to_be_focused()
    assert chart_datasets(page) == 3
    assert page.evaluate("window.notReloaded === true")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/compare/\?models=acme-large,acme-small$"))
    expect(heading(page)).to_have_text("Compare Acme Large vs Acme Small")
    assert chart_datasets(page) == 2
    assert page.console_errors == []


def test_typing_a_name_and_pressing_enter_adds_it(live_server, page, data):
    page.goto(live_server.url + "/compare/?models=acme-large")
    expect(page.get_by_text("Pick at least one more model")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    box = page.get_by_label(PICKER_LABEL)
    box.fill("Zen Two")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/compare/\?models=acme-large,zen-two$"))
    expect(heading(page)).to_have_text("Compare Acme Large vs Zen Two")
    assert chart_datasets(page) == 2
    assert page.evaluate("window.notReloaded === true")
    assert page.console_errors == []


def test_remove_in_place(live_server, page, data):
    page.goto(live_server.url + "/compare/?models=acme-large,acme-small,zen-one")
    assert chart_datasets(page) == 3
    page.evaluate("window.notReloaded = true")

    page.get_by_role("link", name="Remove Acme Small").click()

    expect(page).to_have_url(re.compile(r"/compare/\?models=acme-large,zen-one$"))
    expect(heading(page)).to_have_text("Compare Acme Large vs Zen One")
    expect(heading(page)).to_be_focused()  # it names the models now compared
    expect(page.locator(".compare-model > a:first-child")).to_have_text(["Acme Large", "Zen One"])
    assert chart_datasets(page) == 2
    assert page.evaluate("window.notReloaded === true")

    page.go_back()
    expect(heading(page)).to_have_text("Compare Acme Large vs Acme Small vs Zen One")
    assert chart_datasets(page) == 3
    assert page.console_errors == []


def test_without_javascript_the_form_and_links_work(live_server, no_js_page, data):
    page = no_js_page
    page.goto(live_server.url + "/compare/?models=acme-large")

    page.get_by_label(PICKER_LABEL).fill("zen")
    page.get_by_role("button", name="Add").click()
    # Two models match: the page lists them.
    expect(
        page.get_by_role("heading", name="Several models match “zen”: which one?")
    ).to_be_visible()
    page.get_by_role("link", name="Add Zen Two").click()
    expect(page).to_have_url(re.compile(r"/compare/\?models=acme-large,zen-two$"))

    page.get_by_label(PICKER_LABEL).fill("acme small")
    page.get_by_role("button", name="Add").click()
    expect(page).to_have_url(re.compile(r"/compare/\?models=acme-large,zen-two,acme-small$"))
    expect(heading(page)).to_have_text("Compare Acme Large vs Zen Two vs Acme Small")

    page.get_by_role("link", name="Remove Zen Two").click()
    expect(page).to_have_url(re.compile(r"/compare/\?models=acme-large,acme-small$"))
    expect(heading(page)).to_have_text("Compare Acme Large vs Acme Small")
    # The chart's facts are in the table, which needs no script.
    expect(page.locator("#compare-benchmarks ~ .table-scroll tbody tr")).to_have_count(3)


def test_on_a_phone_the_table_scrolls_inside_its_wrapper(live_server, page, data):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/compare/?models=acme-large,acme-small,zen-one,zen-two")
    assert chart_datasets(page) == 4

    wrapper = page.locator("#compare-details ~ .table-scroll")
    sizes = wrapper.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] > sizes[1]
    assert wrapper.evaluate("el => { el.scrollLeft = 200; return el.scrollLeft; }") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []


def test_a_model_added_in_place_is_reported_in_place(live_server, page, data):
    """The report links of a column that an htmx swap brought in open the form in place
    too (static/js/reports.js listens for every page's report links at once)."""
    page.goto(live_server.url + "/compare/?models=acme-large,acme-small")
    page.evaluate("window.notReloaded = true")
    box = page.get_by_label(PICKER_LABEL)
    box.click()
    box.press_sequentially("zen one")
    page.locator("#compare-suggestions a", has_text="Zen One").click()
    expect(heading(page)).to_have_text("Compare Acme Large vs Acme Small vs Zen One")

    page.get_by_role("link", name="Notice missing or incorrect data? About Zen One").click()

    form = page.locator("#report-form")
    expect(form.get_by_role("heading", name="Report about Zen One")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    assert "/compare/" in page.url
