import pytest

from benchmarks.context_processors import DEMO_URL_PREFIX
from tests.factories import make_ai_model, make_benchmark, make_organization, make_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data():
    org = make_organization(name="Acme Labs", website=DEMO_URL_PREFIX + "acme")
    ai_model = make_ai_model(slug="acme-1", name="Acme One", organization=org)
    benchmark = make_benchmark(slug="mbpp+", name="MBPP+")
    make_result(ai_model=ai_model, benchmark=benchmark)


def test_home_page_in_chromium(live_server, page, data):
    page.goto(live_server.url + "/")

    assert page.title() == "Benchboard"
    assert page.get_by_role("status").inner_text().startswith("Demo data:")
    assert page.evaluate("typeof window.htmx") == "object"
    page.get_by_role("link", name="MBPP+").click()
    page.wait_for_url("**/benchmarks/mbpp+/")
    assert page.get_by_role("heading", level=1).inner_text() == "MBPP+"
    assert page.console_errors == []


def test_keyboard_reaches_content_through_the_skip_link(live_server, page, data):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_home_page_without_javascript(live_server, no_js_page, data):
    no_js_page.goto(live_server.url + "/")
    no_js_page.get_by_role("link", name="Acme One").click()
    no_js_page.wait_for_url("**/models/acme-1/")
    assert no_js_page.get_by_role("heading", level=1).inner_text() == "Acme One"
