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
