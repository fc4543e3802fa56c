"""Reporting incorrect data in a real Chromium: inline through htmx, and without JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from submissions.models import DataReport
from tests.factories import make_benchmark

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = 'The score of <b>Atlas</b> is 0.71 in the paper, not 0.72 & "more".'


@pytest.fixture(autouse=True)
def _count_in_the_database(settings):
    settings.REDIS_URL = ""


@pytest.fixture
def benchmark():
    return make_benchmark(slug="gpqa", name="GPQA")


def fill_in_the_report(page: Page) -> None:
    expect(page.get_by_role("heading", name="Report about GPQA")).to_be_visible()
    page.get_by_label("What is wrong").select_option("Wrong value")
    page.get_by_label("Describe the problem").fill(DESCRIPTION)
    page.get_by_label("Correct value").fill("0.71")
    page.get_by_label("Evidence").fill("https://example.org/paper.pdf")
    page.get_by_role("button", name="Send report").click()


def check_status_page(page: Page, report: DataReport) -> None:
    expect(page.get_by_role("heading", name="Your report", exact=True)).to_be_visible()
    expect(page.get_by_text(report.reference).first).to_be_visible()
    expect(page.get_by_text("Keep this page's address private")).to_be_visible()
    expect(page.get_by_text(DESCRIPTION)).to_be_visible()  # shown as text, never as markup
    assert page.locator("dd b").count() == 0
    expect(page.locator(".ticket-status")).to_have_text("New")


def test_report_is_sent_in_place_and_its_status_link_works(live_server, page, benchmark):
    page.goto(f"{live_server.url}/reports/new/?benchmark=gpqa")
    page.evaluate("window.notReloaded = true")

    with page.expect_request(lambda r: r.method == "POST") as request:
        fill_in_the_report(page)
    assert request.value.headers.get("hx-request") == "true"

    confirmation = page.locator("#report-form")
    expect(confirmation.get_by_role("heading", name="Thank you: your report is in")).to_be_focused()
    report = DataReport.objects.get()
    expect(confirmation).to_contain_text(report.reference)
    assert page.evaluate("window.notReloaded") is True  # swapped, not a new page
    assert report.benchmark == benchmark
    assert (report.kind, report.suggested_value) == (DataReport.Kind.WRONG_VALUE, "0.71")

    confirmation.get_by_role("link", name="your report's status").click()
    page.wait_for_url(re.compile(rf"/reports/{report.reference}/$"))
    check_status_page(page, report)
    assert page.console_errors == []


def test_a_form_loaded_by_htmx_into_another_page_sends_in_place(live_server, page, benchmark):
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    # What the benchmark page will do: fetch the form partial into a slot.
    page.evaluate(
        """() => {
        const slot = document.createElement('div');
        slot.id = 'report-form';
        document.querySelector('main').append(slot);
        htmx.ajax('GET', '/reports/new/?benchmark=gpqa',
                  {target: '#report-form', swap: 'outerHTML'});
    }"""
    )
    expect(page.get_by_label("What is wrong")).to_be_focused()

    fill_in_the_report(page)

    expect(page.get_by_role("heading", name="Thank you: your report is in")).to_be_visible()
    assert page.url == f"{live_server.url}/benchmarks/gpqa/"
    assert DataReport.objects.count() == 1
    assert page.console_errors == []


def test_without_javascript_the_report_is_sent_as_a_plain_form(live_server, no_js_page, benchmark):
    page = no_js_page
    page.goto(f"{live_server.url}/reports/new/?benchmark=gpqa")

    fill_in_the_report(page)

    page.wait_for_url(re.compile(r"/reports/[A-Za-z0-9_-]{16}/$"))
    report = DataReport.objects.get()
    assert page.url == f"{live_server.url}/reports/{report.reference}/"
    check_status_page(page, report)
    page.get_by_role("link", name=f"{live_server.url}/reports/{report.reference}/").click()
    check_status_page(page, report)


def test_without_javascript_errors_come_back_on_the_page(live_server, no_js_page, benchmark):
    page = no_js_page
    page.goto(f"{live_server.url}/reports/new/?benchmark=gpqa")
    page.get_by_label("What is wrong").select_option("Other")
    # Spaces pass the browser's own "required" check; the server strips them.
    page.get_by_label("Describe the problem").fill("   ")
    page.get_by_role("button", name="Send report").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the field marked below.")
    expect(page.get_by_label("Describe the problem")).to_have_attribute("aria-invalid", "true")
    assert not DataReport.objects.exists()
