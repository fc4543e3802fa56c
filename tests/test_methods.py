"""Every page answers HEAD as it answers GET, and OPTIONS with the methods it allows, as
HTTP says (issue 15: 23 of 25 public addresses refused HEAD with 405, and monitors and
link checkers send HEAD). A method a page does not take is a 405 naming those it does."""

import pytest
from django.test import override_settings

from tests.test_fuzz import small_catalogue_paths

pytestmark = pytest.mark.django_db

FORMS = {"/reports/new/", "/submit/"}


@pytest.fixture
def paths() -> list[str]:
    """Every public address, filled from a small catalogue."""
    return small_catalogue_paths()[0]


@pytest.mark.parametrize("cached", [True, False])
def test_every_page_answers_head_with_its_gets_status_and_headers(client, paths, cached):
    with override_settings(BENCHBOARD_PAGE_CACHE=cached):
        for path in paths:
            get = client.get(path, {"benchmark": "gpqa"} if path in FORMS else {})
            head = client.head(path, {"benchmark": "gpqa"} if path in FORMS else {})
            assert head.status_code == get.status_code, path
            assert head["Content-Type"] == get["Content-Type"], path
            assert head.content == b"", path
    assert len(paths) >= 25


def test_every_page_answers_options_with_the_methods_it_allows(client, paths):
    for path in paths:
        response = client.options(path)
        assert response.status_code == 200, path
        expected = "GET, HEAD, POST, OPTIONS" if path in FORMS else "GET, HEAD, OPTIONS"
        assert response["Allow"] == expected, path
        assert response.content == b"", path


def test_a_method_a_page_does_not_take_is_a_405_naming_those_it_does(client, paths):
    response = client.delete("/benchmarks/gpqa/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert client.post("/benchmarks/").status_code == 405
    assert client.put("/submit/").status_code == 405
    assert client.post("/sitemap.xml").status_code == 405  # Django's own view too
