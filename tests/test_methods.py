"""Every page answers HEAD as it answers GET, and OPTIONS with the methods it allows, as
HTTP says (issue 15: 23 of 25 public addresses refused HEAD with 405, and monitors and
link checkers send HEAD). A method a page does not take is a 405 naming those it does."""

import pytest
from django.test import override_settings

from sources.models import CURATORS, standard_source
from submissions.models import DataReport, ResultSubmission
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_provider,
    make_result,
)
from tests.test_fuzz import public_get_paths

pytestmark = pytest.mark.django_db

FORMS = {"/reports/new/", "/submit/"}


@pytest.fixture
def paths() -> list[str]:
    """Every public address, filled from a small catalogue."""
    category = make_category(slug="reasoning", name="Reasoning")
    benchmark = make_benchmark(slug="gpqa", name="GPQA", categories=[category])
    gpt = make_ai_model(slug="gpt-5", name="GPT-5")
    make_result(ai_model=gpt, benchmark=benchmark)
    make_provider(slug="groq")
    standard_source(CURATORS)
    report = DataReport.objects.create(
        kind=DataReport.Kind.choices[0][0], description="Off.", benchmark=benchmark
    )
    submission = ResultSubmission.objects.create(
        ai_model=gpt, benchmark=benchmark, score="0.5", source_url="https://example.org/"
    )
    return public_get_paths(
        {
            "benchmarks:detail": {"slug": "gpqa"},
            "benchmarks:leaderboard-csv": {"slug": "gpqa"},
            "benchmarks:leaderboard-json": {"slug": "gpqa"},
            "benchmarks:category-detail": {"slug": "reasoning"},
            "models_registry:detail": {"slug": "gpt-5"},
            "organizations:detail": {"slug": gpt.organization.slug},
            "providers:detail": {"slug": "groq"},
            "sources:detail": {"slug": "curators"},
            "submissions:report-status": {"reference": report.reference},
            "submissions:submission-status": {"reference": submission.reference},
        }
    )


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
