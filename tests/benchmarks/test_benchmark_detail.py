import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.models import Result
from benchmarks.services import refresh_result_stats
from models_registry.models import AIModel
from sources.models import CURATORS, standard_source
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_license,
    make_offering,
    make_organization,
    make_ranked_results,
    make_result,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def gpqa():
    reasoning = make_category(slug="reasoning", name="Reasoning")
    health = make_category(slug="healthcare", name="Healthcare")
    benchmark = make_benchmark(
        slug="gpqa",
        name="GPQA",
        description="Graduate-level questions.",
        categories=[reasoning, health],
        paper_url="https://arxiv.org/abs/2311.12022",
        paper_title="GPQA: A Graduate-Level Google-Proof Q&A Benchmark",
        paper_authors="Ada\nBrian\nChen\nDana\nEli\nFay",
        paper_published_on=datetime.date(2023, 11, 20),
        paper_abstract="We present GPQA.",
    )
    openai = make_organization(slug="openai", name="OpenAI")
    meta = make_organization(slug="meta", name="Meta")
    open_licence = make_license(name="Llama", open_weights=True)
    closed = make_license(name="Proprietary", open_weights=False)
    gpt = make_ai_model(slug="gpt-5", name="GPT-5", organization=openai, license=closed)
    llama = make_ai_model(
        slug="llama-4",
        name="Llama 4",
        organization=meta,
        license=open_licence,
        parameter_count=400 * 10**9,
        input_context_length=1_000_000,
    )
    mini = make_ai_model(slug="gpt-5-mini", name="GPT-5 mini", organization=openai, license=closed)
    make_offering(
        ai_model=llama,
        input_usd_per_million=Decimal("0.20"),
        output_usd_per_million=Decimal("0.60"),
    )
    make_offering(
        ai_model=llama,
        input_usd_per_million=Decimal("0.50"),
        output_usd_per_million=Decimal("1.50"),
    )
    make_result(
        ai_model=gpt,
        benchmark=benchmark,
        score=Decimal("0.857"),
        recorded_on=datetime.date(2025, 8, 7),
    )
    make_result(
        ai_model=gpt,
        benchmark=benchmark,
        score=Decimal("0.800"),
        analysis_method="no tools",
        recorded_on=datetime.date(2025, 8, 7),
    )
    make_result(
        ai_model=llama,
        benchmark=benchmark,
        score=Decimal("0.699"),
        status=Result.Status.VERIFIED,
        verified_by="Benchboard curators",
        recorded_on=datetime.date(2025, 4, 5),
    )
    make_result(
        ai_model=mini,
        benchmark=benchmark,
        score=Decimal("0.699"),
        recorded_on=datetime.date(2025, 8, 7),
    )
    return benchmark


def table_models(content: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', content)


def test_page_states_the_facts(client, gpqa):
    content = client.get("/benchmarks/gpqa/").content.decode()

    assert "<h1>GPQA</h1>" in content
    assert (
        "GPT-5 from OpenAI currently leads the GPQA leaderboard with a score of 85.7% "
        "across 3 evaluated AI models."
    ) in content
    assert "1 verified, 3 self-reported result" in content
    assert "scored in percent" in content
    assert "The current average across reported models is 75.17%" in content
    assert 'href="/categories/healthcare/">best AI for healthcare</a>' in content
    assert 'href="/categories/reasoning/">best AI for reasoning</a>' in content
    assert "Ada, Brian, Chen, Dana, and 2 others" in content
    assert "20 November 2023" in content
    assert "We present GPQA." in content
    assert 'href="/reports/new/?benchmark=gpqa"' in content
    assert "GPT-5 mini" in content


def test_leaderboard_ranks_best_result_per_model_with_shared_ranks(client, gpqa):
    content = client.get("/benchmarks/gpqa/").content.decode()
    # Equal scores: the earlier result first.
    assert table_models(content) == ["GPT-5", "Llama 4", "GPT-5 mini"]
    ranks = re.findall(r"<tr>\s*<td>(\d+)</td>", content)
    assert ranks == ["1", "2", "2"]
    assert "400B" in content
    assert "1M" in content
    assert "$0.2 / $0.6" in content  # the cheapest provider
    assert "Verified" in content


def test_every_result_switch(client, gpqa):
    content = client.get("/benchmarks/gpqa/?rows=all").content.decode()
    assert table_models(content) == ["GPT-5", "GPT-5", "Llama 4", "GPT-5 mini"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=model", ["GPT-5", "GPT-5 mini", "Llama 4"]),
        ("sort=-model", ["Llama 4", "GPT-5 mini", "GPT-5"]),
        ("sort=-parameters", ["Llama 4", "GPT-5", "GPT-5 mini"]),
        ("sort=score", ["GPT-5 mini", "Llama 4", "GPT-5"]),
        ("sort=-score", ["GPT-5", "Llama 4", "GPT-5 mini"]),
        ("sort=-rank", ["GPT-5 mini", "Llama 4", "GPT-5"]),
        ("sort=cost", ["Llama 4", "GPT-5", "GPT-5 mini"]),
        ("licence=open", ["Llama 4"]),
        ("licence=proprietary", ["GPT-5", "GPT-5 mini"]),
        ("verified=on", ["Llama 4"]),
        ("org=meta", ["Llama 4"]),
        ("q=mini", ["GPT-5 mini"]),
        (
            "sort=nonsense&rows=many&licence=x&org=nobody&q=&sort=-source",
            ["GPT-5", "Llama 4", "GPT-5 mini"],
        ),
        ("q=" + "x" * 500, ["GPT-5", "Llama 4", "GPT-5 mini"]),
        ("sort=model&sort=-score", ["GPT-5", "Llama 4", "GPT-5 mini"]),
    ],
)
def test_sorting_and_filters_and_bad_parameters(client, gpqa, query, expected):
    response = client.get(f"/benchmarks/gpqa/?{query}")
    assert response.status_code == 200
    assert table_models(response.content.decode()) == expected


def test_headers_carry_aria_sort_and_links_that_keep_the_filters(client, gpqa):
    content = client.get("/benchmarks/gpqa/?licence=proprietary&sort=model").content.decode()
    assert 'aria-sort="ascending"' in content
    assert content.count("aria-sort=") == 1
    assert 'href="/benchmarks/gpqa/?licence=proprietary&amp;sort=-model"' in content
    assert 'href="/benchmarks/gpqa/?licence=proprietary&amp;sort=-score"' in content
    # The default order (rank, best first) needs no parameter.
    assert 'href="/benchmarks/gpqa/?licence=proprietary"' in content
    assert "leaderboard, sorted by model, ascending</caption>" in content


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("sort=score&order=desc", "sort=-score"),
        ("sort=model&order=asc&page=2", "sort=model&page=2"),
        ("order=desc", "sort=-rank"),
        ("license=open&sort=license&order=desc", "licence=open&sort=-licence"),
        ("rows=all&license=open&sort=model", "rows=all&licence=open&sort=model"),
        ("sort=-license", "sort=-licence"),
        ("license=all&rows=all", "rows=all"),
        ("license=proprietary&licence=open", "licence=open"),
        ("q=gpt&order=sideways", "q=gpt"),
    ],
)
def test_the_old_spellings_redirect_to_the_current_ones(client, gpqa, old, new):
    """Links to the site exist: `?sort=score&order=desc` and `?license=` were the
    leaderboard's spellings before every list sorted with `?sort=-score` and filtered
    with `?licence=`."""
    for path in ("/benchmarks/gpqa/", "/benchmarks/gpqa/leaderboard.csv"):
        response = client.get(f"{path}?{old}")
        assert response.status_code == 301
        assert response["Location"] == f"{path}?{new}"


def test_htmx_request_gets_only_the_table(client, gpqa):
    response = client.get("/benchmarks/gpqa/?sort=model", headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="leaderboard-table"')
    assert "<html" not in content
    assert "FAQ" not in content
    assert "HX-Request" in response["Vary"]
    assert table_models(content) == ["GPT-5", "GPT-5 mini", "Llama 4"]


def test_history_restore_gets_the_full_page(client, gpqa):
    headers = HTMX | {"HX-History-Restore-Request": "true"}
    content = client.get("/benchmarks/gpqa/", headers=headers).content.decode()
    assert "<html" in content


def test_meta_tags_and_structured_data(client, gpqa):
    content = client.get("/benchmarks/gpqa/?sort=model").content.decode()
    assert "<title>GPQA leaderboard — Benchboard</title>" in content
    assert '<link rel="canonical" href="http://testserver/benchmarks/gpqa/">' in content
    assert '<meta property="og:title" content="GPQA leaderboard">' in content
    assert '<meta name="description" content="GPT-5 from OpenAI currently leads' in content
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    data = [json.loads(block) for block in blocks]
    assert [item["@type"] for item in data] == ["Dataset", "FAQPage"]
    questions = {q["name"]: q["acceptedAnswer"]["text"] for q in data[1]["mainEntity"]}
    assert questions["What is the highest GPQA score?"] == (
        "The highest GPQA score is 85.7%, achieved by GPT-5 from OpenAI."
    )
    assert (
        "Llama 4 by Meta is the top-ranked open model"
        in questions["What is the best open model on GPQA?"]
    )
    # The same answers are on the page for people.
    assert "The highest GPQA score is 85.7%, achieved by GPT-5 from OpenAI." in content


def test_chart_data_and_its_text_alternative(client, gpqa):
    content = client.get("/benchmarks/gpqa/").content.decode()
    data = json.loads(
        re.search(
            r'<script id="progress-data" type="application/json">(.*?)</script>', content
        ).group(1)
    )
    assert len(data["points"]) == 4
    steps = [(data["models"][p[2]], p[1]) for p in data["frontier"]]
    assert steps == [(["Llama 4", "Meta"], 69.9), (["GPT-5", "OpenAI"], 85.7)]
    assert (
        "The best score rose from 69.9% (Llama 4, Apr 2025) to 85.7% (GPT-5, Aug 2025)" in content
    )
    assert "<script>" not in content  # no inline scripts


def test_related_benchmarks(client, gpqa):
    reasoning = gpqa.categories.get(slug="reasoning")
    other = make_benchmark(name="MMLU", description="Many subjects.", categories=[reasoning])
    make_result(benchmark=other)
    make_benchmark(name="Unrelated")
    content = client.get("/benchmarks/gpqa/").content.decode()
    assert "More evaluations to explore" in content
    assert "MMLU" in content and "Many subjects." in content
    assert "Unrelated" not in content
    assert "View all reasoning</a>" in content


def test_empty_benchmark_reads_well(client):
    make_benchmark(slug="mimic-cxr", name="MIMIC CXR", categories=[make_category(name="Vision")])
    content = client.get("/benchmarks/mimic-cxr/").content.decode()
    assert "No AI model has a result on the MIMIC CXR leaderboard yet." in content
    assert "No results for MIMIC CXR yet." in content
    assert "No dated results yet" in content


def test_unknown_benchmark_is_404(client):
    assert client.get("/benchmarks/nope/").status_code == 404
    assert client.get("/benchmarks/nope/leaderboard.csv").status_code == 404


def test_csv_download_follows_the_filters_and_order(client, gpqa):
    response = client.get("/benchmarks/gpqa/leaderboard.csv?licence=proprietary&sort=-model")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="gpqa-leaderboard.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["rank"], r["model"], r["score"], r["reported_score"]) for r in rows] == [
        ("2", "GPT-5 mini", "69.9", "0.699"),
        ("1", "GPT-5", "85.7", "0.857"),
    ]
    assert {r["score_unit"] for r in rows} == {"percent"}


def test_json_download(client, gpqa):
    data = client.get("/benchmarks/gpqa/leaderboard.json?rows=all").json()
    assert data["benchmark"]["slug"] == "gpqa"
    assert data["query"]["rows"] == "all"
    assert len(data["rows"]) == 4
    assert data["rows"][0]["model_slug"] == "gpt-5"


def test_csv_cells_cannot_become_spreadsheet_formulas(client):
    benchmark = make_benchmark(slug="b")
    make_result(
        benchmark=benchmark, ai_model=make_ai_model(name='=HYPERLINK("x")'), analysis_method="-"
    )
    rows = list(
        csv.DictReader(io.StringIO(client.get("/benchmarks/b/leaderboard.csv").content.decode()))
    )
    assert rows[0]["model"] == '\'=HYPERLINK("x")'
    assert rows[0]["analysis_method"] == "-"


def test_what_visitors_cannot_inject(client):
    benchmark = make_benchmark(
        slug="x", name="<script>alert(1)</script>", description="</script><b>"
    )
    make_result(benchmark=benchmark, ai_model=make_ai_model(name="<img src=x onerror=alert(1)>"))
    content = client.get("/benchmarks/x/").content.decode()
    assert "<script>alert(1)" not in content
    assert "<img src=x" not in content
    assert "</script><b>" not in content


def _bulk_results(benchmark, count: int) -> None:
    org = make_organization()
    licence = make_license()
    AIModel.objects.bulk_create(
        AIModel(
            slug=f"bulk-{benchmark.pk}-{i}",
            name=f"Bulk {benchmark.pk}-{i}",
            organization=org,
            license=licence,
        )
        for i in range(count)
    )
    models = AIModel.objects.filter(slug__startswith=f"bulk-{benchmark.pk}-")
    source = standard_source(CURATORS)
    Result.objects.bulk_create(
        Result(
            ai_model=ai_model,
            benchmark=benchmark,
            source=source,
            score=Decimal(i % 97) / 100,
            normalized_score=Decimal(i % 97) / 100,
            recorded_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 700),
        )
        for i, ai_model in enumerate(models)
    )
    # As the import and load_demo do after their bulk writes.
    refresh_result_stats([benchmark.pk])


def _queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers=headers).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/benchmarks/{slug}/",
        "/benchmarks/{slug}/?rows=all&sort=cost&licence=open",
        "/benchmarks/{slug}/leaderboard.csv",
    ],
)
def test_query_count_is_the_same_with_5_and_1000_results(client, url, uncached_pages):
    category = make_category()
    small = make_benchmark(categories=[category])
    large = make_benchmark(categories=[category])
    _bulk_results(small, 5)
    _bulk_results(large, 1000)

    assert _queries(client, url.format(slug=small.slug)) == _queries(
        client, url.format(slug=large.slug)
    )
    assert _queries(client, url.format(slug=small.slug), **HTMX) == _queries(
        client, url.format(slug=large.slug), **HTMX
    )


def test_same_facts_as_the_reference_page(client):
    """The MIMIC CXR page of ../shared/reference, rebuilt from the same data."""
    categories = [
        make_category(slug=slug, name=name)
        for slug, name in [
            ("multimodal", "Multimodal"),
            ("healthcare", "Healthcare"),
            ("vision", "Vision"),
        ]
    ]
    benchmark = make_benchmark(
        slug="mimic-cxr",
        name="MIMIC CXR",
        modality="multimodal",
        categories=categories,
        description="MIMIC-CXR is a large publicly available dataset of chest radiographs.",
        paper_url="https://arxiv.org/abs/1901.07042",
        paper_title=(
            "MIMIC-CXR-JPG, a large publicly available database of labeled chest radiographs"
        ),
        paper_authors="\n".join(
            [
                "Alistair E. W. Johnson",
                "Tom J. Pollard",
                "Nathaniel R. Greenbaum",
                "Matthew P. Lungren",
            ]
            + [f"Author {n}" for n in range(6)]
        ),
    )
    google = make_organization(slug="google", name="Google")
    medgemma = make_ai_model(
        slug="medgemma-4b-it",
        name="MedGemma 4B IT",
        organization=google,
        license=make_license(
            name="Health AI Developer Foundations terms of use", open_weights=True
        ),
        parameter_count=4 * 10**9,
    )
    make_result(ai_model=medgemma, benchmark=benchmark, score=Decimal("0.889"))

    content = client.get("/benchmarks/mimic-cxr/").content.decode()

    for fact in [
        "MedGemma 4B IT from Google leads the MIMIC CXR leaderboard with a score of 88.9%",
        "MIMIC CXR is a multimodal benchmark that evaluates AI models on healthcare, multimodal "
        "and vision tasks",
        "Benchboard tracks 1 model on this benchmark, scored in percent",
        "The current average across reported models is 88.9%, with the leader reaching 88.9%",
        "best AI for multimodal",
        "best AI for healthcare",
        "best AI for vision",
        "MIMIC-CXR-JPG, a large publicly available database of labeled chest radiographs",
        "Alistair E. W. Johnson, Tom J. Pollard, Nathaniel R. Greenbaum, Matthew P. Lungren, "
        "and 6 others",
        "The highest MIMIC CXR score is 88.9%, achieved by MedGemma 4B IT from Google.",
        "1 model has been evaluated on the MIMIC CXR benchmark, with 0 verified results, "
        "1 self-reported result.",
        "The MIMIC CXR paper (MIMIC-CXR-JPG, a large publicly available database of labeled "
        "chest radiographs) is available at https://arxiv.org/abs/1901.07042.",
        "MIMIC CXR is categorized under healthcare, multimodal and vision.",
        "MedGemma 4B IT by Google is the top-ranked open model on MIMIC CXR, with a score of "
        "88.9% (rank #1).",
        "4B",
        "Notice missing or incorrect data?",
        "State-of-the-art frontier",
    ]:
        assert fact in content, fact


def test_pages_of_the_real_llmstats_data(client, llmstats_tree):
    call_command("import_llmstats", str(llmstats_tree), stdout=io.StringIO())

    gpqa = client.get("/benchmarks/gpqa/").content.decode()
    assert (
        "Grok-4 Heavy from xAI currently leads the GPQA leaderboard with a score of 88.4%" in gpqa
    )
    assert len(table_models(gpqa)) == 80
    mmlu = client.get("/benchmarks/mmlu/").content.decode()
    assert "currently leads the MMLU leaderboard" in mmlu
    mimic = client.get("/benchmarks/mimic-cxr/").content.decode()
    assert "No AI model has a result on the MIMIC CXR leaderboard yet." in mimic
    assert 'href="/categories/healthcare/">best AI for healthcare</a>' in mimic
    # Source ids with punctuation are pages too.
    assert client.get("/benchmarks/graphwalks-bfs-%3E128k/").status_code == 200
    assert client.get("/benchmarks/humanity's-last-exam/").status_code == 200


@pytest.fixture
def crowded():
    """A benchmark with 230 models, Model 001 best: three pages of the leaderboard."""
    benchmark = make_benchmark(slug="crowded", name="Crowded")
    organization = make_organization()
    make_ranked_results(benchmark, 230, organization=organization)
    return benchmark


def table_ranks(content: str) -> list[str]:
    return re.findall(r"<tr><td>(\d+)</td><th scope=\"row\">", content)


def test_a_long_leaderboard_shows_100_rows_a_page_with_global_ranks(client, crowded):
    first = client.get("/benchmarks/crowded/").content.decode()
    assert table_models(first) == [f"Model {n:03}" for n in range(1, 101)]
    assert "230 models, 1 to 100 shown" in first
    assert "Page 1 of 3" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'href="/benchmarks/crowded/?page=2"' in first

    last = client.get("/benchmarks/crowded/?page=3").content.decode()
    assert table_ranks(last) == [str(n) for n in range(201, 231)]
    assert "230 models, 201 to 230 shown" in last
    assert 'href="/benchmarks/crowded/?page=2"' in last and 'rel="next"' not in last


def test_leaderboard_pages_keep_the_query_and_sorting_or_filtering_starts_again(client, crowded):
    content = client.get("/benchmarks/crowded/?sort=-model&page=2").content.decode()
    assert table_models(content)[0] == "Model 130"
    assert 'href="/benchmarks/crowded/?sort=-model&amp;page=3"' in content
    # A new sort starts from the first page, and the downloads hold every row.
    assert 'href="/benchmarks/crowded/?sort=model"' in content
    assert "leaderboard.csv?sort=-model" in content
    assert "Download all as" in content
    # The filter form carries no page: a new filter starts from the first page too.
    assert 'name="page"' not in content


@pytest.mark.parametrize(("page", "first_rank"), [("abc", "1"), ("0", "1"), ("999", "201")])
def test_a_page_out_of_range_or_not_a_number_falls_back(client, crowded, page, first_rank):
    response = client.get(f"/benchmarks/crowded/?page={page}")
    assert response.status_code == 200
    assert table_ranks(response.content.decode())[0] == first_rank


def test_htmx_pages_swap_the_table_and_downloads_ignore_the_page(client, crowded):
    content = client.get("/benchmarks/crowded/?page=2", headers=HTMX).content.decode()
    assert content.lstrip().startswith('<div id="leaderboard-table"')
    assert table_ranks(content)[0] == "101"
    assert 'hx-get="/benchmarks/crowded/?page=3"' in content
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/benchmarks/crowded/leaderboard.csv?page=2").content.decode())
        )
    )
    assert len(rows) == 230


def test_a_short_leaderboard_has_no_pages(client, gpqa):
    content = client.get("/benchmarks/gpqa/").content.decode()
    assert "shown" not in content.split("table-status", 1)[1].split("</p>", 1)[0]
    assert 'aria-label="Pages"' not in content
