"""The benchmark page with the keyboard alone: Tab to reach things, Enter, Space, typing.

No element is clicked or focused by the test itself; focus only moves by Tab.
test_benchmark_page.py covers Enter on a focused sort link, test_report_form.py the focus
placed in the form and on the confirmation.
"""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from submissions.models import DataReport
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_license,
    make_organization,
    make_result,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODELS = [("Zephyr", True, "0.61"), ("Atlas", False, "0.72"), ("Nimbus", True, "0.55")]

FOCUSED_TEXT = "() => (document.activeElement.innerText || document.activeElement.name || '')"


@pytest.fixture(autouse=True)
def _count_in_the_database(settings):
    settings.REDIS_URL = ""


@pytest.fixture
def benchmark():
    benchmark = make_benchmark(slug="gpqa", name="GPQA")
    org = make_organization(name="Acme")
    for name, is_open, score in MODELS:
        make_result(
            ai_model=make_ai_model(
                slug=name.lower(),
                name=name,
                organization=org,
                license=make_license(open_weights=is_open),
            ),
            benchmark=benchmark,
            score=Decimal(score),
            recorded_on=datetime.date(2025, 1, 1),
        )
    return benchmark


def tab_to(page: Page, target: Locator, *, limit: int = 150) -> None:
    """Press Tab until `target` has the focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
        seen.append(page.evaluate(FOCUSED_TEXT)[:30])
    pytest.fail(f"Tab never reached {target}; reached {seen}")


def has_visible_outline(page: Page) -> bool:
    return page.evaluate(
        """() => {
        const style = getComputedStyle(document.activeElement);
        return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    }"""
    )


def model_column(page: Page) -> list[str]:
    return page.locator("#leaderboard-table tbody th[scope=row]").all_inner_texts()


def test_sort_and_filter_the_leaderboard_with_the_keyboard(live_server, page, benchmark):
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    assert model_column(page) == ["Atlas", "Zephyr", "Nimbus"]

    tab_to(page, page.locator("#sort-model"))
    assert has_visible_outline(page)
    page.keyboard.press("Enter")
    expect(page.locator("#leaderboard-table tbody th[scope=row]").first).to_have_text("Atlas")
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Model")
    assert model_column(page) == ["Atlas", "Nimbus", "Zephyr"]

    page.locator("body").focus()  # back to the top of the page: Tab order starts again
    tab_to(page, page.get_by_label("Licence"))
    page.keyboard.press("ArrowDown")  # "Open and proprietary" -> "Open"
    expect(page.locator("#leaderboard-table tbody tr")).to_have_count(2)
    assert model_column(page) == ["Nimbus", "Zephyr"]  # still sorted by name
    assert "licence=open" in page.url and "sort=model" in page.url

    tab_to(page, page.get_by_label("Search models"))
    page.keyboard.type("zep")
    expect(page.locator("#leaderboard-table tbody tr")).to_have_count(1)
    assert model_column(page) == ["Zephyr"]
    assert page.console_errors == []


def test_report_a_problem_with_the_keyboard(live_server, page, benchmark):
    page.goto(f"{live_server.url}/benchmarks/gpqa/")

    tab_to(page, page.get_by_role("link", name="Report a problem with Atlas's result"))
    page.keyboard.press("Enter")
    expect(page.get_by_label("What is wrong")).to_be_focused()
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("What is wrong").input_value() != ""
    page.keyboard.press("Tab")
    expect(page.get_by_label("Describe the problem")).to_be_focused()
    page.keyboard.type("Atlas scores 0.71 in the paper.")
    tab_to(page, page.get_by_role("button", name="Send report"))
    assert has_visible_outline(page)
    page.keyboard.press("Space")

    heading = page.get_by_role("heading", name="Thank you: your report is in")
    expect(heading).to_be_focused()
    report = DataReport.objects.get()
    assert report.description == "Atlas scores 0.71 in the paper."
    assert report.result.ai_model.name == "Atlas"
    assert page.console_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_links_and_buttons_show_where_the_focus_is(live_server, page, benchmark, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    for role, name in [
        ("link", "Skip to content"),
        ("link", "Benchmarks"),
        ("button", "Search"),
        ("button", "System"),
        ("link", "Notice missing or incorrect data?"),
        ("button", "Apply"),
        ("link", "Atlas"),
        ("link", "CSV"),
    ]:
        tab_to(page, page.get_by_role(role, name=name, exact=True).first)
        assert has_visible_outline(page), (role, name)
