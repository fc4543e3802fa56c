"""The strict Content Security Policy in Chromium: every public page, the htmx swaps, the
charts and the admin run without a single violation or console error."""

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from models_registry.models import AIModel
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_license,
    make_offering,
    make_organization,
    make_provider,
    make_result,
)
from tests.test_curators import make_data_report, make_result_submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-admin-passphrase"
# Every violation, inline or not, is an event on the document; the init script runs
# before any of the page's own scripts, on every page the test opens.
LISTEN_FOR_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} (${event.documentURI})`
  );
});
"""
CHART = "canvas[data-chart]"
# A function, not an expression: Playwright evaluates an expression with eval() on every
# poll, which the policy refuses ('unsafe-eval').
CHART_DRAWN = f"() => document.querySelector('{CHART}')?.chart !== undefined"


class Watched:
    """The page, and the violations seen on every document it has shown."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.violations: list[str] = []

    def collect(self) -> None:
        self.violations += self.page.evaluate("window.cspViolations.splice(0)")

    def goto(self, url: str) -> None:
        if self.page.url.startswith("http"):
            self.collect()
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def assert_clean(self) -> None:
        self.collect()
        assert self.violations == []
        errors = [f"{e} {getattr(e, 'location', '')}" for e in self.page.console_errors]
        assert errors == []


@pytest.fixture
def watched(page: Page) -> Iterator[Watched]:
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    watched = Watched(page)
    # Chromium only warns about a header it cannot apply (an unknown feature, a bad directive).
    page.on(
        "console",
        lambda message: (
            message.type == "warning"
            and re.search(r"Permissions-Policy|Content Security Policy", message.text)
            and watched.violations.append(message.text)
        ),
    )
    yield watched


@pytest.fixture
def data(curators_group) -> dict[str, str]:
    category = make_category(slug="reasoning", name="Reasoning")
    acme = make_organization(slug="acme", name="Acme AI")
    zen = make_organization(slug="zen", name="Zen Labs")
    open_weights = make_license(open_weights=True)
    atlas = make_ai_model(slug="atlas", name="Atlas", organization=acme, license=open_weights)
    zephyr = make_ai_model(slug="zephyr", name="Zephyr", organization=zen)
    make_offering(ai_model=atlas, provider=make_provider(name="Cloudy"))
    benchmark = make_benchmark(slug="gpqa", name="GPQA", categories=[category])
    other = make_benchmark(slug="mmlu", name="MMLU", categories=[category])
    for month, (ai_model, score) in enumerate([(atlas, "0.61"), (zephyr, "0.72")], start=1):
        for bench in (benchmark, other):
            make_result(
                ai_model=ai_model,
                benchmark=bench,
                score=Decimal(score),
                recorded_on=datetime.date(2025, month, 1),
            )
    report = make_data_report(benchmark=benchmark)
    submission = make_result_submission(ai_model=atlas, benchmark=benchmark)
    return {"report": report.reference, "submission": submission.reference}


def public_pages(data: dict[str, str]) -> list[str]:
    return [
        "/",
        "/benchmarks/",
        "/benchmarks/gpqa/",
        "/categories/",
        "/categories/reasoning/",
        "/models/",
        "/models/atlas/",
        "/organizations/",
        "/organizations/acme/",
        "/compare/?models=atlas,zephyr",
        "/search/?q=atl",
        "/reports/new/?benchmark=gpqa",
        "/submit/",
        f"/reports/{data['report']}/",
        f"/submissions/{data['submission']}/",
    ]


def test_every_public_page_loads_without_a_violation(live_server, watched, data):
    for path in public_pages(data):
        watched.goto(live_server.url + path)
        expect(watched.page.locator("main")).to_be_visible()
        if watched.page.locator(CHART).count():
            watched.page.wait_for_function(
                f"() => [...document.querySelectorAll('{CHART}')].every((c) => c.chart)"
            )

    watched.assert_clean()


def test_htmx_swaps_and_charts_run_without_a_violation(live_server, watched, data):
    page = watched.page
    # The benchmark page: its chart, a sort through htmx, Back, the report form inline.
    watched.goto(f"{live_server.url}/benchmarks/gpqa/")
    page.wait_for_function(CHART_DRAWN)
    with page.expect_request(lambda r: "sort=model" in r.url and r.headers.get("hx-request")):
        page.locator("#sort-model").click()
    expect(page.locator("#leaderboard-table tbody th[scope=row]").first).to_have_text("Atlas")
    page.go_back()
    expect(page.locator("#leaderboard-table tbody th[scope=row]").first).to_have_text("Zephyr")
    page.wait_for_function(CHART_DRAWN)
    page.get_by_role("link", name="Report a problem with Atlas's result").click()
    expect(page.locator("#report-form").get_by_label("What is wrong")).to_be_visible()

    # Search as you type.
    watched.goto(f"{live_server.url}/search/")
    page.get_by_label("Benchmarks, models and organizations").press_sequentially("zen", delay=20)
    expect(page.locator("#search-results").get_by_role("link", name="Zen Labs")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search/\?q=zen$"))

    # The comparison chart, drawn again after a model is added through htmx.
    watched.goto(f"{live_server.url}/compare/?models=atlas")
    page.get_by_label("Add a model to the comparison").press_sequentially("zep", delay=20)
    page.locator("#compare-suggestions a").first.click()
    expect(page).to_have_url(re.compile(r"/compare/\?models=atlas,zephyr$"))
    page.wait_for_function(CHART_DRAWN)

    watched.assert_clean()


def test_the_admin_works_under_the_policy(live_server, watched, data):
    page = watched.page
    admin = User.objects.create_superuser("ada", "ada@example.org", PASSWORD)
    watched.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()
    assert "/admin/login" not in page.url

    atlas_id = AIModel.objects.get(slug="atlas").pk
    for path in (
        "/admin/",
        "/admin/models_registry/aimodel/",
        f"/admin/models_registry/aimodel/{atlas_id}/change/",
        "/admin/benchmarks/result/",
        "/admin/submissions/datareport/",
    ):
        watched.goto(live_server.url + path)
        expect(page.locator("#content")).to_be_visible()
    # The admin's own scripts ran on the change page (last visited).
    assert page.evaluate("typeof django === 'object' && typeof django.jQuery === 'function'")

    # The admin's pages link no icon: Chromium's /favicon.ico is redirected to ours.
    watched.assert_clean()


def test_the_listener_does_see_a_violation(live_server, watched, data):
    """The other tests' silence means something: an inline style is refused and seen."""
    page = watched.page
    watched.goto(f"{live_server.url}/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_function("() => window.cspViolations.length > 0")
    watched.collect()
    assert any(v.startswith("style-src") for v in watched.violations), watched.violations


def test_the_listener_does_see_a_header_chromium_cannot_apply(live_server, watched, data):
    def unknown_feature(route):
        response = route.fetch()
        headers = {**response.headers, "permissions-policy": "no-such-feature=()"}
        route.fulfill(response=response, headers=headers)

    watched.page.route(f"{live_server.url}/", unknown_feature)
    watched.goto(f"{live_server.url}/")
    expect(watched.page.locator("main")).to_be_visible()

    assert any("no-such-feature" in v for v in watched.violations), watched.violations
