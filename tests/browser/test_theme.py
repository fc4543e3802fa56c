"""What base.html and site.css give every page, in Chromium: the light and dark switch
(static/js/theme.js) and the phone layout of wide tables."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_license,
    make_offering,
    make_organization,
    make_result,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIGHT_BG = "rgb(255, 255, 255)"
DARK_BG = "rgb(13, 17, 23)"
# Every colour custom property site.css defines.
CUSTOM_PROPERTIES = """[...document.styleSheets]
    .filter(sheet => sheet.href && sheet.href.includes('/css/site.css'))
    .flatMap(sheet => [...sheet.cssRules])
    .flatMap(rule => rule.style ? [...rule.style] : [])
    .filter(name => name.startsWith('--'))"""


@pytest.fixture
def data():
    coding = make_category(slug="coding", name="Coding")
    benchmark = make_benchmark(slug="gpqa", name="GPQA", categories=[coding])
    org = make_organization(slug="acme", name="Acme Research Laboratories")
    licence = make_license(open_weights=True)
    for n in range(6):
        ai_model = make_ai_model(
            slug=f"model-{n}",
            name=f"Acme Frontier Model Number {n}",
            organization=org,
            license=licence if n % 2 else None,
        )
        make_offering(ai_model=ai_model)
        make_result(ai_model=ai_model, benchmark=benchmark, score=f"0.{n + 3}")


def background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def theme_button(page: Page, name: str):
    return page.locator(".theme-switch").get_by_role("button", name=name, exact=True)


def pressed(page: Page) -> list[str]:
    return page.locator(".theme-switch button[aria-pressed=true]").all_inner_texts()


# --- The light and dark switch -----------------------------------------------------------------


def test_choosing_dark_changes_the_colours_and_persists(live_server, page, data):
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + "/")
    expect(page.locator(".theme-switch")).to_be_visible()
    assert pressed(page) == ["System"]
    assert background(page) == LIGHT_BG

    theme_button(page, "Dark").click()
    assert background(page) == DARK_BG
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.documentElement).colorScheme") == "dark"
    assert pressed(page) == ["Dark"]

    page.reload()
    assert background(page) == DARK_BG
    assert pressed(page) == ["Dark"]
    page.get_by_role("link", name="Benchmarks", exact=True).click()
    page.wait_for_url("**/benchmarks/")
    assert background(page) == DARK_BG
    assert pressed(page) == ["Dark"]

    theme_button(page, "System").click()
    assert background(page) == LIGHT_BG
    assert page.evaluate("document.documentElement.hasAttribute('data-theme')") is False
    assert page.evaluate("localStorage.getItem('benchboard-theme')") is None
    page.reload()
    assert background(page) == LIGHT_BG
    assert page.console_errors == []


def test_system_setting_decides_until_a_choice_is_made(live_server, page, data):
    page.emulate_media(color_scheme="dark")
    page.goto(live_server.url + "/")
    assert background(page) == DARK_BG
    page.emulate_media(color_scheme="light")
    assert background(page) == LIGHT_BG

    page.emulate_media(color_scheme="dark")
    theme_button(page, "Light").click()
    assert background(page) == LIGHT_BG
    assert page.evaluate("getComputedStyle(document.documentElement).colorScheme") == "light"
    page.reload()
    assert background(page) == LIGHT_BG  # the choice wins over the system
    assert page.console_errors == []


def test_dark_values_are_the_same_chosen_or_from_the_system(live_server, page, data):
    page.emulate_media(color_scheme="dark")
    page.goto(live_server.url + "/")
    names = page.evaluate(CUSTOM_PROPERTIES)
    assert {"--bg", "--fg", "--chart-open", "--chart-series-1", "--chart-series-4"} <= set(names)
    read = """names => names.map(name =>
        getComputedStyle(document.documentElement).getPropertyValue(name).trim())"""
    from_system = page.evaluate(read, names)
    theme_button(page, "Dark").click()
    page.emulate_media(color_scheme="light")
    assert page.evaluate(read, names) == from_system
    theme_button(page, "Light").click()
    assert page.evaluate(read, names) != from_system


def test_another_open_tab_follows_the_choice(live_server, page, data):
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + "/")
    other = page.context.new_page()
    other.goto(live_server.url + "/benchmarks/")
    assert background(other) == LIGHT_BG

    theme_button(page, "Dark").click()
    other.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
    assert background(other) == DARK_BG
    assert pressed(other) == ["Dark"]
    assert page.console_errors == []


def test_the_stored_choice_applies_before_the_body_exists(live_server, page, data):
    page.goto(live_server.url + "/")
    theme_button(page, "Dark").click()
    # Record the theme at the moment <body> is parsed, before anything can be painted.
    page.add_init_script(
        """new MutationObserver((changes, observer) => {
            if (document.body) {
                window.themeAtBody = document.documentElement.dataset.theme || "none";
                observer.disconnect();
            }
        }).observe(document, {childList: true, subtree: true});"""
    )
    page.reload()
    assert page.evaluate("window.themeAtBody") == "dark"
    inline = page.locator("script:not([src]):not([type='application/json'])")
    assert inline.count() == 0  # a strict CSP forbids inline scripts


def test_the_switch_works_from_the_keyboard(live_server, page, data):
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + "/")
    page.locator("#site-search-q").focus()
    for _ in range(4):  # the search button, then System, Light, Dark
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Dark"
    page.keyboard.press("Enter")
    assert background(page) == DARK_BG
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert background(page) == LIGHT_BG
    assert pressed(page) == ["Light"]
    group = page.get_by_role("group", name="Colour theme")
    expect(group.get_by_role("button")).to_have_count(3)
    assert page.console_errors == []


def test_a_theme_change_is_announced_and_charts_redraw_in_its_colours(live_server, page, data):
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + "/benchmarks/gpqa/")
    page.wait_for_function("() => document.querySelector('canvas[data-chart]').chart !== undefined")
    page.evaluate(
        """window.themeChanges = 0;
        document.addEventListener('benchboard:themechange', () => window.themeChanges++);"""
    )
    open_colour = """document.querySelector('canvas[data-chart]').chart.data.datasets
        .find(d => d.label === 'Open').backgroundColor"""
    assert page.evaluate(open_colour) == "#1a7f37"

    theme_button(page, "Dark").click()
    assert page.evaluate("window.themeChanges") == 1
    page.wait_for_function(f"() => {open_colour} === '#56d364'")
    assert page.console_errors == []


def test_without_javascript_there_is_no_switch_and_the_system_decides(
    live_server, no_js_page, data
):
    page = no_js_page
    page.emulate_media(color_scheme="dark")
    page.goto(live_server.url + "/")
    expect(page.locator(".theme-switch")).to_be_hidden()
    assert background(page) == DARK_BG
    page.emulate_media(color_scheme="light")
    assert background(page) == LIGHT_BG


# --- The phone layout --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "table"),
    [
        ("/benchmarks/gpqa/", "#leaderboard-table"),
        ("/models/", "#model-table"),
        # (A category's ranking fits a phone: its organization folds under the model;
        # tests/browser/test_catalog.py checks that.)
    ],
)
def test_wide_tables_scroll_inside_their_wrapper_with_the_row_headers_in_view(
    live_server, page: Page, data, path, table
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + path)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    wrapper = page.locator(f"{table} .table-scroll, .table-scroll:has({table})").first
    scroll_width, client_width = wrapper.evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert scroll_width > client_width
    wrapper.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    assert wrapper.evaluate("w => w.scrollLeft") > 0

    inner_left = wrapper.evaluate("w => w.getBoundingClientRect().left + w.clientLeft")
    row_header = wrapper.locator("tbody th[scope=row]").first
    column = row_header.evaluate("th => th.cellIndex")
    header = wrapper.locator("thead tr th").nth(column)
    for cell in [row_header, header]:
        assert abs(cell.bounding_box()["x"] - inner_left) <= 1
    # Opaque: the cells scrolled under it do not show through.
    assert row_header.evaluate("th => getComputedStyle(th).backgroundColor") == LIGHT_BG
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert page.console_errors == []


def test_header_and_footer_wrap_on_a_phone(live_server, page: Page, data):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ["/", "/benchmarks/", "/organizations/acme/", "/search/?q=acme"]:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), path
        for selector in ["header nav > *", "footer p"]:
            for box in [element.bounding_box() for element in page.locator(selector).all()]:
                if box:
                    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, selector)
    assert page.console_errors == []
