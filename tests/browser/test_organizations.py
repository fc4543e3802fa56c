"""An organization's page in Chromium: its models link to their pages, with no errors."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_ai_model, make_organization, make_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_follow_a_model_from_its_organization(live_server, page):
    acme = make_organization(slug="acme", name="Acme AI", website="https://acme.example/")
    ai_model = make_ai_model(slug="acme-large", name="Acme Large", organization=acme)
    make_result(ai_model=ai_model)

    page.goto(live_server.url + "/organizations/")
    page.get_by_role("link", name="Acme AI").click()
    expect(page).to_have_url(live_server.url + "/organizations/acme/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme AI")

    page.locator("#organization-models ~ .table-scroll").get_by_role(
        "link", name="Acme Large", exact=True
    ).click()

    expect(page).to_have_url(live_server.url + "/models/acme-large/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Large")
    assert page.console_errors == []
