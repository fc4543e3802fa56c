"""A source's data-health page in Chromium, on the real snapshot: it fits a phone and a
desktop without scrolling the page sideways, and each kind of anomaly opens to its list."""

import pytest
from playwright.sync_api import expect

from sources.models import RunAnomaly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_SCROLL_WIDTH = "() => document.documentElement.scrollWidth"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_fits_and_a_kind_opens_to_its_anomalies(
    live_server, page, committed_real_data, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/sources/llm-stats/")
    expect(page.get_by_role("heading", level=1)).to_have_text("LLM Stats")

    assert page.evaluate(PAGE_SCROLL_WIDTH) <= width

    anomaly = RunAnomaly.objects.filter(run__source__slug="llm-stats").order_by("pk").first()
    kind = page.locator("details.anomaly-kind").filter(
        has=page.locator(".anomaly-kind-name", has_text=anomaly.kind[0].upper() + anomaly.kind[1:])
    )
    expect(kind).to_have_count(1)
    message = kind.get_by_text(anomaly.message, exact=False).first
    expect(message).to_be_hidden()

    kind.locator("summary").click()

    expect(kind).to_have_attribute("open", "")
    expect(message).to_be_visible()
    assert page.evaluate(PAGE_SCROLL_WIDTH) <= width
    assert page.console_errors == []


def test_the_list_links_to_the_source(live_server, page, committed_real_data):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server.url + "/sources/")
    assert page.evaluate(PAGE_SCROLL_WIDTH) <= 390
    page.locator(".source-table").get_by_role("link", name="LLM Stats", exact=True).click()
    expect(page).to_have_url(live_server.url + "/sources/llm-stats/")
    assert page.console_errors == []
