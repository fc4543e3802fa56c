"""The model list in Chromium: a filter swaps the table through htmx, and no JavaScript."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_ai_model, make_license, make_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEWEST_FIRST = ["Gamma Open", "Beta Closed", "Alpha Open"]


@pytest.fixture
def data():
    acme = make_organization(slug="acme", name="Acme")
    open_licence = make_license(open_weights=True)
    for name, licence, day in [
        ("Alpha Open", open_licence, 1),
        ("Beta Closed", None, 2),
        ("Gamma Open", open_licence, 3),
    ]:
        make_ai_model(
            name=name, organization=acme, license=licence, release_date=datetime.date(2025, 1, day)
        )


def names(page: Page):
    return page.locator("#model-table tbody th[scope=row] > a")


def is_htmx_swap(request) -> bool:
    return (
        "/models/" in request.url
        and request.headers.get("hx-request") == "true"
        and "hx-history-restore-request" not in request.headers
    )


def test_a_filter_swaps_the_table_and_updates_the_address(live_server, page, data):
    page.goto(live_server.url + "/models/")
    expect(names(page)).to_have_text(NEWEST_FIRST)
    page.evaluate("window.notReloaded = true")  # a full page load would wipe it out

    with page.expect_request(is_htmx_swap) as request:
        page.get_by_label("Weights").select_option("open")

    expect(names(page)).to_have_text(["Gamma Open", "Alpha Open"])
    assert "licence=open" in request.value.url
    expect(page).to_have_url(re.compile(r"/models/\?.*licence=open"))
    expect(page.locator("#model-summary")).to_have_text(re.compile(r"^2 matching models"))
    assert page.evaluate("window.notReloaded === true")
    assert page.console_errors == []


def test_the_form_works_without_javascript(live_server, no_js_page, data):
    page = no_js_page
    page.goto(live_server.url + "/models/")
    expect(names(page)).to_have_text(NEWEST_FIRST)

    page.get_by_label("Weights").select_option("proprietary")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"/models/\?.*licence=proprietary"))
    expect(names(page)).to_have_text(["Beta Closed"])
    expect(page.get_by_label("Weights")).to_have_value("proprietary")


# --- the real snapshot: widths -------------------------------------------------------------------

# Each header cell's right edge against its scroll container's; what scrolls inside it.
COLUMNS_FIT = """() => {
    const table = document.querySelector('table.model-table');
    const scroller = table.closest('.table-scroll');
    const edge = scroller.getBoundingClientRect().right;
    return {
        edge,
        overflowing: [...table.querySelectorAll('thead th')]
            .filter(th => th.getBoundingClientRect().right > edge + 0.5)
            .map(th => th.innerText.trim()),
        scrolls: scroller.scrollWidth > scroller.clientWidth,
        pageWidth: document.documentElement.scrollWidth,
    };
}"""


def test_at_1280_px_every_column_of_the_real_list_fits(live_server, browser, committed_real_data):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # Every page of the list, and the sorts that put the widest values first.
    urls = [f"/models/?page={n}" for n in range(1, 5)] + [
        "/models/?sort=-params",
        "/models/?sort=-context",
        "/models/?sort=org",
        "/models/?sort=-results",
        "/models/?sort=-output",
    ]
    for url in urls:
        page.goto(live_server.url + url)
        fit = page.evaluate(COLUMNS_FIT)
        assert fit["overflowing"] == [], url
        assert not fit["scrolls"], url
        assert fit["pageWidth"] <= 1280, url
    # Short labels keep their full text, on hover and for screen readers.
    expect(
        page.get_by_role("link", name=re.compile(r"^Input price, USD per million"))
    ).to_be_visible()
    expect(page.locator("thead abbr[title='Parameters']")).to_have_text("Params")
    context.close()


def test_on_a_phone_the_model_name_and_its_release_date_show(
    live_server, browser, committed_real_data
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/models/")

    sizes = page.evaluate(
        """() => {
        const row = document.querySelector('#model-table tbody tr');
        const box = element => {
            const r = element.getBoundingClientRect();
            return [r.left, r.right, r.width];
        };
        return {
            pageWidth: document.documentElement.scrollWidth,
            name: box(row.querySelector('th > a')),
            released: box(row.querySelector('td.num time')),
            organization: row.querySelector('.model-org').innerText,
        };
    }"""
    )

    assert sizes["pageWidth"] <= 390
    assert sizes["name"][0] >= 0 and sizes["name"][1] <= 390
    # The release date (the list's default order) beside the name, whole.
    assert sizes["released"][0] >= sizes["name"][1]
    assert sizes["released"][1] <= 390
    # The organization's column gives way to a line under the name.
    assert sizes["organization"] == "Anthropic"
    expect(page.locator("#model-table thead th").nth(1)).to_be_hidden()
    context.close()
