"""What a visitor downloads: the HTML of a large leaderboard, our JavaScript, and how long
static files may be cached."""

import datetime
import gzip
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

from benchmarks.models import Result
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

pytestmark = pytest.mark.django_db

# Bytes of uncompressed HTML for the 100-model leaderboard below (the budget). The
# page weighed 174 KB before its rows lost their classes and <time> wrappers, the chart's
# data became compact arrays and the change log showed only its latest entries; about
# 97.5 KB now.
HTML_BUDGET = 100_000
JS_BUDGET = 100_000  # bytes, gzip-compressed, all our scripts together

STATUSES = [Result.Status.VERIFIED, Result.Status.SELF_REPORTED, Result.Status.THIRD_PARTY]


@pytest.fixture
def big_leaderboard():
    """100 models from 20 labs on one benchmark, with prices, sizes and links.

    Names, slugs and source links are a little longer than the imported LLM Stats data's
    averages (15, 17 and 50 characters).
    """
    benchmark = make_benchmark(
        slug="gpqa",
        name="GPQA",
        description="A challenging dataset of 448 multiple-choice questions written by domain "
        "experts in biology, physics, and chemistry.",
        categories=[make_category(slug="reasoning", name="Reasoning")],
        paper_url="https://arxiv.org/abs/2311.12022",
        paper_title="GPQA: A Graduate-Level Google-Proof Q&A Benchmark",
    )
    licences = [
        make_license(slug="apache-2-0", name="Apache 2.0", open_weights=True),
        make_license(slug="proprietary", name="Proprietary", open_weights=False),
    ]
    labs = [
        make_organization(slug=f"research-lab-{n}", name=f"Research Lab {n} AI") for n in range(20)
    ]
    provider = make_provider(slug="inference-cloud", name="Inference Cloud")
    for n in range(100):
        ai_model = make_ai_model(
            slug=f"model-{n}-pro-instruct",
            name=f"Model {n} Pro Instruct",
            organization=labs[n % 20],
            license=licences[n % 2],
            parameter_count=(n + 1) * 1_500_000_000 if n % 2 == 0 else None,
            input_context_length=128_000 + n * 1000,
            release_date=datetime.date(2023, 1, 1) + datetime.timedelta(days=9 * n),
        )
        make_offering(
            ai_model=ai_model,
            provider=provider,
            input_usd_per_million=Decimal("0.15") * (n % 7 + 1),
            output_usd_per_million=Decimal("0.60") * (n % 7 + 1),
        )
        status = STATUSES[n % 3]
        # Scores in no particular order of date, as on real leaderboards; every fifth model
        # also has an older result (a second chart point, not a row by default).
        score = Decimal("0.2500") + Decimal(n * 37 % 100) / 160
        for offset, method in ((0, "0-shot CoT"), (-60, "5-shot"))[: 2 if n % 5 == 0 else 1]:
            make_result(
                ai_model=ai_model,
                benchmark=benchmark,
                score=score + Decimal(offset) / 10_000,
                status=status,
                verified_by="Benchboard curators" if status == Result.Status.VERIFIED else "",
                analysis_method=method,
                source_url=f"https://lab-{n % 20}.example.com/news/model-{n}-pro-instruct",
                recorded_on=datetime.date(2023, 3, 1) + datetime.timedelta(days=9 * n + offset),
            )
    return benchmark


def test_a_leaderboard_of_100_models_stays_within_the_html_budget(client, big_leaderboard):
    response = client.get("/benchmarks/gpqa/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<th scope="row"><a href="/models/model-') == 100
    assert html.count('<a href="/reports/new/?result=') == 100  # every row can be reported
    assert len(response.content) < HTML_BUDGET, len(response.content)


# All the JavaScript we serve (static paths): htmx from django-htmx, Chart.js from npm,
# and every script of our own in static/js. DEBUG adds django-htmx.js; it is not counted
# because production runs without DEBUG.
THIRD_PARTY_SCRIPTS = ["django_htmx/htmx-2.min.js", "vendor/chart.js/chart.umd.min.js"]


def our_scripts() -> list[str]:
    return sorted(
        path
        for finder in finders.get_finders()
        for path, _storage in finder.list(ignore_patterns=[])
        if path.startswith("js/") and path.endswith(".js")
    )


def test_all_our_javascript_is_under_100_kb_gzipped():
    scripts = THIRD_PARTY_SCRIPTS + our_scripts()
    assert "js/charts.js" in scripts and "js/theme.js" in scripts

    compressed = {}
    for path in scripts:
        found = finders.find(path)
        assert found, f"{path} is not found by the staticfiles finders: run `make setup`"
        compressed[path] = len(gzip.compress(Path(found).read_bytes(), compresslevel=9))

    assert sum(compressed.values()) < JS_BUDGET, compressed


def test_pages_load_no_script_outside_the_budget(client):
    make_benchmark(slug="gpqa", name="GPQA")
    counted = {static(path) for path in THIRD_PARTY_SCRIPTS + our_scripts()}
    for url in ["/", "/benchmarks/gpqa/", "/compare/", "/reports/new/"]:
        html = client.get(url).content.decode()
        sources = set(re.findall(r'<script[^>]* src="([^"]+)"', html))
        assert sources and sources <= counted, (url, sources - counted)


MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_hashed_static_files_are_served_with_a_long_immutable_max_age(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    call_command("collectstatic", "--no-input", verbosity=0)
    client = Client()  # a new handler: WhiteNoise indexes STATIC_ROOT when it is created

    html = client.get("/").content.decode()
    hashed_css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
    hashed_js = re.search(r'src="(/static/js/theme\.[0-9a-f]{12}\.js)"', html)
    assert hashed_css and hashed_js, "pages link the hashed names"

    for url in [hashed_css[1], hashed_js[1]]:
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200
        cache_control = response.headers["Cache-Control"]
        assert "immutable" in cache_control and "public" in cache_control
        max_age = int(re.search(r"max-age=(\d+)", cache_control)[1])
        assert max_age >= 365 * 24 * 3600
        assert response.headers["Content-Encoding"] == "gzip"
        response.close()

    # The unhashed name still works, but may change at the next deployment: short-lived.
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    response.close()
