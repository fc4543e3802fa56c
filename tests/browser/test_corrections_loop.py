"""The community data loop end to end, in Chromium: a visitor reports, a curator fixes,
everyone sees what changed; a submission is accepted; a revert restores the old value."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from benchmarks.models import Result
from tests.factories import make_ai_model, make_benchmark, make_organization, make_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-curator-passphrase"


@pytest.fixture
def data(curators_group):
    openai = make_organization(name="OpenAI")
    gpt = make_ai_model(slug="gpt-5", name="GPT-5", organization=openai)
    make_ai_model(slug="llama-4", name="Llama 4", organization=make_organization(name="Meta"))
    benchmark = make_benchmark(slug="gpqa", name="GPQA")
    result = make_result(
        ai_model=gpt,
        benchmark=benchmark,
        score=Decimal("0.857"),
        recorded_on=datetime.date(2025, 8, 7),
    )
    curator = User.objects.create_user("cora", "cora@example.org", PASSWORD, is_staff=True)
    curator.groups.add(curators_group)
    return result


@pytest.fixture
def curator_page(browser: Browser, live_server, data):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("cora")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()
    assert "/admin/login" not in page.url, page.locator(".errornote").all_inner_texts()
    yield page
    context.close()


def leaderboard_scores(page: Page) -> dict[str, str]:
    """Each row's model and score (the third cell: rank, model, score), as the page shows it."""
    rows = page.locator("#leaderboard-table tbody tr")
    return {
        rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("> :nth-child(3)").inner_text()
        for i in range(rows.count())
    }


def run_action(curator: Page, live_server, changelist: str, action: str) -> None:
    curator.goto(f"{live_server.url}{changelist}")
    curator.locator("input.action-select").first.check()
    curator.locator("select[name=action]").select_option(action)
    curator.get_by_role("button", name="Run").click()


def test_report_fix_and_revert(live_server, page: Page, curator_page: Page, data):
    # A visitor reports a wrong score from its leaderboard row, inline.
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    page.get_by_role("link", name="Report a problem with GPT-5's result").click()
    form = page.locator("#report-form")
    expect(form.get_by_label("What is wrong")).to_be_visible()
    form.get_by_label("What is wrong").select_option("wrong_value")
    form.get_by_label("Describe the problem").fill("The paper says 0.875 <b>not</b> 0.857.")
    form.get_by_label("Correct value").fill("0.875")
    form.get_by_role("button", name=re.compile("Send")).click()
    status_link = page.locator("#report-form a[href*='/reports/']").first
    expect(status_link).to_be_visible()
    status_url = status_link.get_attribute("href")
    assert page.console_errors == []

    # A curator applies the suggested value in the admin, with a public reason and reply.
    run_action(
        curator_page,
        live_server,
        "/admin/submissions/datareport/",
        "apply_suggested_value",
    )
    curator_page.get_by_label("Public reason").fill("Corrected to the paper's table 2")
    curator_page.get_by_label("Reply to the visitor").fill("Thanks, fixed.")
    curator_page.locator("input[type=submit]").click()
    expect(curator_page.locator(".messagelist")).to_contain_text("1")

    # The leaderboard shows the new value and the public change log says why.
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    assert leaderboard_scores(page) == {"GPT-5": "87.5%"}
    log = page.locator("table.change-log")
    expect(log).to_contain_text("from 85.7% to 87.5%")  # in the page's unit
    expect(log).to_contain_text("Corrected to the paper's table 2")
    expect(log).not_to_contain_text("cora")

    # The private status page shows "resolved" and the reply; the visitor's text is escaped.
    page.goto(status_url if status_url.startswith("http") else live_server.url + status_url)
    expect(page.locator("main")).to_contain_text("Resolved")
    expect(page.locator("main")).to_contain_text("Thanks, fixed.")
    expect(page.locator("main")).to_contain_text("<b>not</b>")

    # A revert in the history brings the old value back.
    result = Result.objects.get(pk=data.pk)
    before = result.history.order_by("history_date", "history_id").first()
    curator_page.goto(
        f"{live_server.url}/admin/benchmarks/result/{result.pk}/history/{before.history_id}/"
    )
    curator_page.get_by_label("Public reason").fill("The paper was misread")
    curator_page.locator("input[type=submit][name=_save]").click()
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    assert leaderboard_scores(page) == {"GPT-5": "85.7%"}
    expect(page.locator("table.change-log")).to_contain_text("The paper was misread")


def test_accepted_submission_appears_on_the_leaderboard(
    live_server, page: Page, curator_page: Page, data
):
    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    page.get_by_role("link", name="Submit a missing result").click()
    page.get_by_label("Model").fill("llama-4")
    page.get_by_label("Score").fill("0.699")
    page.get_by_label("Source").fill("https://ai.meta.com/blog/llama-4/")
    page.get_by_role("button", name=re.compile("Send|Submit")).click()
    expect(page.locator("main")).to_contain_text("New")

    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    assert "Llama 4" not in leaderboard_scores(page)  # nothing public before review

    run_action(curator_page, live_server, "/admin/submissions/resultsubmission/", "accept")
    curator_page.get_by_label("Public reason").fill("Added from Meta's announcement")
    curator_page.locator("input[type=submit]").click()

    page.goto(f"{live_server.url}/benchmarks/gpqa/")
    assert leaderboard_scores(page) == {"GPT-5": "85.7%", "Llama 4": "69.9%"}
    assert page.console_errors == []
