"""axe-core (from node_modules) finds no violation on the main pages, light and dark.

axe is run through `page.evaluate(source)`: Playwright sends it over the DevTools protocol,
so a strict Content-Security-Policy (no inline scripts, no unknown script origins) does not
block it, and the pages are checked exactly as they are served.
"""

import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

from benchmarks.models import Result
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_license,
    make_offering,
    make_organization,
    make_provider,
    make_ranked_results,
    make_result,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

STATUSES = [Result.Status.VERIFIED, Result.Status.SELF_REPORTED, Result.Status.THIRD_PARTY]


@cache
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make setup` (npm ci installs axe-core).")
    return AXE.read_text()


@pytest.fixture
def catalogue():
    """Several labs, open and proprietary models, three benchmarks, results of every status."""
    reasoning = make_category(slug="reasoning", name="Reasoning", description="Thinking hard.")
    coding = make_category(slug="coding", name="Coding")
    gpqa = make_benchmark(
        slug="gpqa",
        name="GPQA",
        description="Graduate-level questions written by domain experts.",
        categories=[reasoning],
        paper_url="https://example.org/gpqa",
        paper_title="GPQA: a graduate-level benchmark",
        paper_authors="A. Author\nB. Author",
        paper_published_on=datetime.date(2023, 11, 20),
        paper_abstract="We present a dataset of hard questions.",
    )
    swe = make_benchmark(slug="swe-bench", name="SWE-bench", categories=[coding, reasoning])
    arena = make_benchmark(
        slug="arena", name="Arena", categories=[coding], max_score=Decimal("2000")
    )
    open_licence = make_license(slug="apache-2", name="Apache 2.0", open_weights=True)
    closed_licence = make_license(slug="proprietary", name="Proprietary", open_weights=False)
    provider = make_provider(slug="cloudco", name="CloudCo")
    labs = [make_organization(slug=f"lab-{n}", name=f"Lab {n}") for n in range(3)]
    for n in range(8):
        ai_model = make_ai_model(
            slug=f"model-{n}",
            name=f"Model {n}",
            organization=labs[n % 3],
            license=open_licence if n % 2 else closed_licence,
            parameter_count=(n + 1) * 7_000_000_000 if n % 2 else None,
            input_context_length=128_000,
            release_date=datetime.date(2024, 1 + n, 1),
            description=f"Model {n} is a general model.",
        )
        make_offering(ai_model=ai_model, provider=provider)
        for benchmark, base in ((gpqa, "0.40"), (swe, "0.30"), (arena, "1100")):
            make_result(
                ai_model=ai_model,
                benchmark=benchmark,
                score=Decimal(base) * (1 + Decimal(n) / 10),
                status=STATUSES[n % 3],
                verified_by="Benchboard" if STATUSES[n % 3] == Result.Status.VERIFIED else "",
                verified_on=datetime.date(2025, 1, 1) if n % 3 == 0 else None,
                analysis_method="0-shot" if n % 2 else "",
                recorded_on=datetime.date(2024, 1 + n, 15),
            )
    return gpqa


PAGES = [
    "/",
    "/benchmarks/gpqa/",
    "/categories/reasoning/",
    "/models/model-3/",
    "/compare/?models=model-2,model-3",
    "/reports/new/?benchmark=gpqa",
]


def violations(page: Page) -> list[str]:
    page.evaluate(axe_source())
    found = page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => ({id: v.id, "
        "impact: v.impact, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' "
        "+ n.failureSummary)}))"
    )
    return [f"{v['id']} ({v['impact']}): {node}" for v in found for node in v["nodes"]]


def load(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violation_in_the_system_colour_scheme(live_server, page, catalogue, path, scheme):
    page.emulate_media(color_scheme=scheme)
    load(page, live_server.url + path)
    assert violations(page) == []
    assert page.console_errors == []


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violation_with_the_dark_theme_chosen_on_a_light_system(
    live_server, page, catalogue, path
):
    page.emulate_media(color_scheme="light")
    load(page, live_server.url + "/")
    page.get_by_role("button", name="Dark").click()
    load(page, live_server.url + path)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert violations(page) == []


def test_no_axe_violation_with_the_report_form_open_on_the_benchmark_page(
    live_server, page, catalogue
):
    load(page, live_server.url + "/benchmarks/gpqa/")
    page.get_by_role("link", name="Report a problem with Model 0's result").click()
    page.get_by_label("What is wrong").wait_for()
    assert violations(page) == []


def test_axe_runs_under_the_pages_content_security_policy(live_server, page, catalogue):
    """The check above is not vacuous: with the site's CSP on, axe still reports problems."""
    response = page.goto(live_server.url + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        """() => {
        const img = document.createElement('img');
        img.src = '/static/favicon.svg';
        const faint = document.createElement('p');
        faint.textContent = 'Barely readable';
        faint.style.color = '#eeeeee';
        document.querySelector('main').append(img, faint);
    }"""
    )
    found = {line.split(" ")[0] for line in violations(page)}
    assert {"image-alt", "color-contrast"} <= found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violation_on_paged_leaderboards_and_rankings(live_server, page, scheme):
    """120 models: the benchmark leaderboard and the category ranking show their pager."""
    category = make_category(slug="long", name="Long")
    benchmark = make_benchmark(slug="long", name="Long", categories=[category])
    make_ranked_results(benchmark, 120)
    page.emulate_media(color_scheme=scheme)
    for path in ("/benchmarks/long/?page=2", "/categories/long/?page=2"):
        load(page, live_server.url + path)
        assert page.get_by_role("navigation", name="Pages").is_visible()
        assert violations(page) == []
    assert page.console_errors == []
