"""A model's page in Chromium: the category chart, the inline report form, a phone's width."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_offering,
    make_organization,
    make_result,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/models/acme-large/"
CANVAS = "#categories ~ figure canvas[data-chart]"


@pytest.fixture
def ai_model():
    acme = make_organization(slug="acme", name="Acme AI")
    ai_model = make_ai_model(slug="acme-large", name="Acme Large", organization=acme)
    reasoning = make_category(name="Reasoning")
    knowledge = make_category(name="Knowledge")
    math = make_category(name="Math")
    rival = make_ai_model(name="Rival")
    benchmarks = [
        ("GPQA", [reasoning, knowledge], "0.8", True),
        ("Error Rate", [reasoning], "0.3", False),
        ("MATH", [math], "0.6", True),
        ("Trivia", [], "0.7", True),  # no category: under "Other", not in the chart
    ]
    for name, categories, score, higher in benchmarks:
        benchmark = make_benchmark(
            slug=name.lower().replace(" ", "-"),
            name=name,
            categories=categories,
            higher_is_better=higher,
        )
        make_result(
            ai_model=ai_model,
            benchmark=benchmark,
            score=Decimal(score),
            analysis_method="5-shot with a long description of how it was measured",
        )
        make_result(ai_model=rival, benchmark=benchmark, score=Decimal("0.5"))
    make_offering(ai_model=ai_model)
    return ai_model


def test_the_chart_has_one_bar_per_category(live_server, page, ai_model):
    page.goto(live_server.url + URL)
    page.wait_for_function(f"() => document.querySelector('{CANVAS}').chart !== undefined")

    chart = page.evaluate(
        f"""() => {{
        const chart = document.querySelector('{CANVAS}').chart;
        return {{
            type: chart.config.type,
            labels: chart.data.labels,
            datasets: chart.data.datasets.map(d => ({{label: d.label, data: d.data}})),
        }};
    }}"""
    )

    assert chart["type"] == "bar"
    # Reasoning: GPQA 80% and Error Rate 100% - 30%; by results, then by name.
    assert chart["labels"] == ["Reasoning", "Knowledge", "Math"]
    assert chart["datasets"] == [{"label": "Acme Large", "data": [75.0, 80.0, 60.0]}]
    # The same numbers as text.
    expect(page.locator("table.category-scores tbody tr")).to_have_count(3)
    assert page.console_errors == []


def test_the_report_control_opens_the_form_in_place(live_server, page, ai_model):
    page.goto(live_server.url + URL)
    page.evaluate("window.notReloaded = true")

    with page.expect_request(lambda r: "/reports/new/?model=acme-large" in r.url) as request:
        page.get_by_role("link", name="Notice missing or incorrect data?").first.click()

    assert request.value.headers.get("hx-request") == "true"
    form = page.locator("#report-form")
    expect(form.get_by_role("heading", name="Report about Acme Large")).to_be_visible()
    expect(page.get_by_label("What is wrong")).to_be_focused()
    assert page.url == live_server.url + URL
    assert page.evaluate("window.notReloaded") is True
    assert page.console_errors == []


def test_a_row_report_control_opens_the_form_about_that_result(live_server, page, ai_model):
    page.goto(live_server.url + URL)

    row = page.locator("table.model-results tbody tr", has_text="MATH")
    with page.expect_request(lambda r: "/reports/new/?result=" in r.url) as request:
        row.get_by_role("link", name="Report a problem with the MATH result").click()

    assert request.value.headers.get("hx-request") == "true"
    expect(
        page.locator("#report-form").get_by_role("heading", name="Report about Acme Large on MATH")
    ).to_be_visible()
    assert page.url == live_server.url + URL
    assert page.console_errors == []


def test_without_javascript_the_report_control_is_a_plain_link(live_server, no_js_page, ai_model):
    page = no_js_page
    page.goto(live_server.url + URL)
    expect(page.locator("table.category-scores tbody tr")).to_have_count(3)

    page.get_by_role("link", name="Notice missing or incorrect data?").first.click()

    page.wait_for_url("**/reports/new/?model=acme-large")
    expect(page.get_by_role("heading", name="Report about Acme Large")).to_be_visible()


def test_on_a_phone_the_results_table_scrolls_not_the_page(live_server, page, ai_model):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + URL)

    sizes = page.evaluate(
        """() => {
        const wrapper = document.querySelector('#results ~ .table-scroll');
        const before = wrapper.getBoundingClientRect().width;
        wrapper.scrollLeft = 250;
        return {
            pageWidth: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            wrapperWidth: before,
            tableWidth: wrapper.scrollWidth,
            scrolled: wrapper.scrollLeft,
            pageScrolled: window.scrollX,
        };
    }"""
    )

    assert sizes["pageWidth"] <= sizes["viewport"] == 390
    assert sizes["wrapperWidth"] <= 390
    assert sizes["tableWidth"] > sizes["wrapperWidth"]
    assert sizes["scrolled"] > 0
    assert sizes["pageScrolled"] == 0
    assert page.console_errors == []


# --- the real snapshot ---------------------------------------------------------------------------

MEDGEMMA = "/models/medgemma-4b-it/"
GPT_5 = "/models/gpt-5-2025-08-07/"
# Where each header cell and the table end, against the right edge of its scroll container.
RESULTS_FIT = """() => {
    const table = document.querySelector('table.model-results');
    const edge = table.closest('.table-scroll').getBoundingClientRect().right;
    return {
        edge,
        table: table.getBoundingClientRect().right,
        columns: [...table.querySelectorAll('thead th')].map(
            th => [th.innerText.trim(), th.getBoundingClientRect().right]),
        rows: table.querySelectorAll('tbody tr').length,
    };
}"""


def test_real_results_show_once_with_a_category_filter_and_fit_1280(
    live_server, browser, committed_real_data
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for url, count in [(MEDGEMMA, 7), (GPT_5, 35)]:
        page.goto(live_server.url + url)
        fit = page.evaluate(RESULTS_FIT)
        assert fit["rows"] == count
        assert fit["table"] <= fit["edge"] + 0.5, url
        assert all(right <= fit["edge"] + 0.5 for _, right in fit["columns"]), fit
    context.close()


def test_without_javascript_the_category_filter_is_links(
    live_server, no_js_page, committed_real_data
):
    page = no_js_page
    page.goto(live_server.url + MEDGEMMA)
    rows = page.locator("table.model-results tbody tr")
    expect(rows).to_have_count(7)
    # The CheXpert CXR row: its categories as links.
    chexpert = rows.filter(has_text="CheXpert CXR")
    expect(chexpert.locator("a.tag")).to_have_text(["Healthcare", "Vision"])

    page.get_by_role("navigation", name="Filter by category").get_by_role(
        "link", name="Vision 5"
    ).click()

    page.wait_for_url("**/models/medgemma-4b-it/?category=vision#results")
    expect(rows).to_have_count(5)
    for row in rows.all():
        expect(row.locator("a.tag", has_text="Vision")).to_have_count(1)
    current = page.locator(".category-filter a[aria-current=true]")
    expect(current).to_have_text("Vision 5")

    page.get_by_role("link", name="Show all").click()
    expect(rows).to_have_count(7)


def test_on_a_phone_a_real_score_shows_beside_its_benchmark(
    live_server, browser, committed_real_data
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for url in (MEDGEMMA, GPT_5):
        page.goto(live_server.url + url)
        sizes = page.evaluate(
            """() => {
            const row = document.querySelector('table.model-results tbody tr');
            const name = row.querySelector('th').getBoundingClientRect();
            const score = row.querySelector('td').getBoundingClientRect();
            return {
                pageWidth: document.documentElement.scrollWidth,
                viewport: window.innerWidth,
                name: [name.left, name.right, name.top],
                score: [score.left, score.right, score.top],
            };
        }"""
        )
        assert sizes["pageWidth"] <= sizes["viewport"] == 390, url
        name_left, name_right, name_top = sizes["name"]
        score_left, score_right, score_top = sizes["score"]
        assert name_left >= 0
        assert score_left >= name_right - 1  # beside it, in the same row
        assert score_top == name_top
        assert score_right <= 390, url
    context.close()
