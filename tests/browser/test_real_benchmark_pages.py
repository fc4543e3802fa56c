"""Benchmark pages on the real LLM Stats snapshot in Chromium: the leaderboard fits the
screen, and the progress chart draws the frontier where records were set."""

import datetime

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The columns that must be in view at 1280 px without scrolling the table.
MAIN_COLUMNS = [
    "Rank",
    "Model",
    "Score",
    "Organization",
    "Status",
    "Parameters",
    "Context",
    "Cost",
    "Licence",
]

COLUMN_EDGES = """() => {
  const region = document.querySelector('#leaderboard-table .table-scroll').getBoundingClientRect();
  return [...document.querySelectorAll('#leaderboard-table thead th')].map(th => ({
    label: th.innerText.split('\\n')[0].trim(), right: th.getBoundingClientRect().right,
    regionRight: region.right,
  }));
}"""


def test_the_gpqa_leaderboard_shows_its_main_columns_at_1280_px(
    live_server, page: Page, committed_real_data
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    edges = {edge["label"].split(" (")[0]: edge for edge in page.evaluate(COLUMN_EDGES)}
    for label in MAIN_COLUMNS:
        edge = next(value for key, value in edges.items() if key.startswith(label))
        assert edge["right"] <= edge["regionRight"] + 1, label
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # A long method shows one line, and the whole of it on focus (a keyboard or a tap).
    texts = page.locator("#leaderboard-table .long-text")
    lengths = [len(text) for text in texts.all_inner_texts()]
    long_text = texts.nth(lengths.index(max(lengths)))
    one_line = long_text.bounding_box()["height"]
    long_text.focus()
    assert long_text.bounding_box()["height"] > one_line * 1.5
    assert page.console_errors == []


def test_on_a_phone_the_score_is_beside_the_model(live_server, page: Page, committed_real_data):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first_row = page.locator("#leaderboard-table tbody tr").first
    model = first_row.locator("th").bounding_box()
    score = first_row.locator("td").nth(1).bounding_box()
    assert score["x"] >= model["x"] + model["width"] - 1
    assert score["x"] + score["width"] <= 390
    assert first_row.locator("td").nth(1).inner_text().strip() == "88.4%"


def test_the_frontier_rises_at_the_date_of_each_record(
    live_server, page: Page, committed_real_data
):
    """Chart.js's "before" steps: flat at the old record, up at the new one's date (Claude 3
    Opus's 50.4% on GPQA, set in Feb 2024). The time axis ends a month after the last result."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    chart = page.wait_for_function(
        "() => document.querySelector('canvas[data-chart=progress]').chart"
    )
    facts = chart.evaluate(
        """chart => ({
          stepped: chart.data.datasets[0].stepped,
          steps: chart.data.datasets[0].data.map(p => [p.x, p.y, p.model]),
          xMax: chart.scales.x.max, yMax: chart.scales.y.max,
        })"""
    )
    assert facts["stepped"] == "before"
    day = 86_400_000
    opus = next(step for step in facts["steps"] if step[2] == "Claude 3 Opus")
    assert datetime.date(1970, 1, 1) + datetime.timedelta(days=opus[0] // day) == (
        datetime.date(2024, 2, 29)
    )
    assert opus[1] == 50.4
    last = max(step[0] for step in facts["steps"])
    assert facts["xMax"] <= last + 31 * day
    assert facts["yMax"] <= 100
    assert page.locator(".chart-frame").is_visible()


def test_without_javascript_the_chart_leaves_no_empty_box(
    live_server, no_js_page: Page, committed_real_data
):
    no_js_page.goto(f"{live_server.url}/benchmarks/gpqa/")
    assert not no_js_page.locator(".chart-frame").is_visible()
    assert no_js_page.locator("figure.chart figcaption").is_visible()
    assert no_js_page.locator("details.frontier-table summary").is_visible()
