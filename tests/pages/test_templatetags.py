"""The template filters and tags of pages.templatetags.benchboard."""

import datetime
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import ordinal
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as django_format

from benchmarks.models import Benchmark, Result
from models_registry.models import DatePrecision
from models_registry.profile import ResultRow
from pages.templatetags.benchboard import (
    NO_VALUE,
    _url_of_slug,
    leaderboard_rows,
    model_result_rows,
    nth,
    precise_date,
)
from sources.models import Source
from tests.benchmarks.test_leaderboard import row

DJANGO_FORMATS = {DatePrecision.DAY: "j M Y", DatePrecision.MONTH: "M Y", DatePrecision.YEAR: "Y"}
DATES = [
    datetime.date(year, month, day)
    for year in (7, 999, 2024)
    for month in range(1, 13)
    for day in (1, 9, 28)
]


@pytest.mark.parametrize("language", ["en-us", "de"])
@pytest.mark.parametrize("precision", list(DJANGO_FORMATS))
def test_precise_date_writes_what_djangos_date_format_writes(language, precision):
    with translation.override(language):
        written = [precise_date(date, precision) for date in DATES]
        expected = [django_format(date, DJANGO_FORMATS[precision]) for date in DATES]
    assert written == expected


def test_precise_date_examples():
    may = datetime.date(2024, 5, 3)
    assert precise_date(may) == "3 May 2024"
    assert precise_date(may, DatePrecision.MONTH) == "May 2024"
    assert precise_date(may, DatePrecision.YEAR) == "2024"
    assert precise_date(may, "unknown") == "3 May 2024"
    assert precise_date(None) == ""
    with translation.override("de"):
        assert precise_date(may) == "3 Mai 2024"


@pytest.mark.parametrize("slug", ["gpt-5", "Llama 3.1 (405B)", "qwën-2", "a&b", "50%", "o'brien"])
def test_model_urls_are_what_reverse_gives(slug):
    assert _url_of_slug("models_registry:detail")(slug) == reverse(
        "models_registry:detail", args=[slug]
    )


def cells(html: str) -> list[str]:
    return re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html)


def test_a_leaderboard_row_shows_every_fact_of_its_result():
    result = row(
        7,
        "0.8571",
        source_name="LLM Stats",
        source_slug="llm-stats",
        model="gpt-5",
        rank=1,
        status="verified",
        status_label="Verified",
        analysis_method="5-shot",
        parameter_count=400 * 10**9,
        context_length=128_000,
        input_usd_per_million=Decimal("1.250"),
        output_usd_per_million=Decimal("10"),
        is_open=True,
        release_date=datetime.date(2025, 8, 7),
        release_date_precision=DatePrecision.MONTH,
        recorded_on=datetime.date(2025, 9, 1),
        source_url="https://example.com/card?a=1&b=2",
    )
    shown = leaderboard_rows(
        [replace(result, score=Decimal("85.71"))],
        max_score=Decimal(100),
        report_url="/reports/new/",
    )
    assert shown.count("<tr>") == 1
    assert cells(shown) == [
        "1",
        '<a href="/models/gpt-5/">Gpt-5</a>',
        "85.71%<meter aria-hidden=true value=.857></meter>",
        "Acme",
        '<span class="badge-verified">Verified</span>',
        "400B",
        "128K",
        "$1.25 / $10",
        '<span class="badge-open">Open</span>',
        "5-shot",
        "Aug 2025",
        "1 Sep 2025",
        # The source by name (the row gives the link its context), linked to the result.
        '<a href="https://example.com/card?a=1&amp;b=2" rel=nofollow>LLM Stats</a> · '
        '<a href="/reports/new/?result=7" data-report '
        'aria-label="Report a problem with Gpt-5\'s result">Report</a>',
    ]


def test_what_a_leaderboard_row_lacks_shows_as_a_dash():
    shown = leaderboard_rows(
        [row(3, None, recorded_on=None, input_usd_per_million=Decimal("1"))],
        max_score=Decimal(1),
        report_url="/reports/new/",
    )
    # No rank, no normalized score (the score as reported, said to be off the scale), no
    # method, size, context, price (one of the two is not a cost), dates or source.
    assert cells(shown)[0] == NO_VALUE
    assert cells(shown)[2] == '0 <span class="muted">(off the scale: not ranked)</span>'
    assert cells(shown)[5:8] == [NO_VALUE, NO_VALUE, NO_VALUE]
    assert cells(shown)[8] == '<span class="badge-proprietary">Proprietary</span>'
    assert cells(shown)[9:12] == [NO_VALUE, NO_VALUE, NO_VALUE]
    assert cells(shown)[12].startswith(f"{NO_VALUE} · <a href=")


def test_a_leaderboard_row_escapes_every_text():
    hostile = '<img src=x onerror="alert(1)">'
    shown = leaderboard_rows(
        [
            row(
                1,
                "0.5",
                model_name=hostile,
                organization_name=hostile,
                analysis_method=hostile,
                status=hostile,
                status_label=hostile,
                source_url='https://example.com/"><script>',
            )
        ],
        max_score=Decimal(1),
        report_url='/r/"><b>',
    )
    assert "<img" not in shown
    assert "<script>" not in shown
    assert "<b>" not in shown
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in shown


def model_row(**fields) -> ResultRow:
    benchmark = Benchmark(
        slug=fields.pop("slug", "gpqa"),
        name=fields.pop("benchmark_name", "GPQA"),
        max_score=fields.pop("max_score", Decimal(1)),
        higher_is_better=fields.pop("higher_is_better", True),
    )
    rank = fields.pop("rank", None)
    model_count = fields.pop("model_count", None)
    source = Source(slug="llm-stats", name="LLM Stats")
    result = Result(pk=fields.pop("pk", 41), benchmark=benchmark, source=source, **fields)
    return ResultRow(result, rank, model_count)


def test_a_model_result_row_shows_its_rank_and_every_fact():
    shown = model_result_rows(
        [
            model_row(
                benchmark_name="Arena Elo",
                slug="arena-elo",
                max_score=Decimal(2000),
                score=Decimal("1402.5"),
                normalized_score=Decimal("0.70125"),
                analysis_method="5-shot",
                status=Result.Status.VERIFIED,
                recorded_on=datetime.date(2025, 3, 2),
                source_url="https://example.com/?a=1&b=2",
                rank=2,
                model_count=31,
            )
        ],
        report_url="/reports/new/",
    )
    assert shown.count("<tr>") == 1
    assert cells(shown) == [
        '<a href="/benchmarks/arena-elo/">Arena Elo</a>',
        "<strong>1402.5</strong>",
        "5-shot",
        "2nd of 31",
        '<span class="badge badge-verified">Verified</span>',
        '<time datetime="2025-03-02">2 Mar 2025</time>',
        '<a href="https://example.com/?a=1&amp;b=2" rel="external noopener nofollow">LLM Stats'
        '<span class="visually-hidden">, the source of the Arena Elo result</span></a> · '
        '<a class="report-link" href="/reports/new/?result=41" data-report '
        'aria-label="Report a problem with the Arena Elo result">Report</a>',
    ]


def test_an_unranked_model_result_row_says_so_and_dashes_what_it_lacks():
    shown = model_result_rows(
        [model_row(score=Decimal("0.3"), higher_is_better=False, recorded_on=None, source_url="")],
        report_url="/reports/new/",
    )
    row = cells(shown)
    assert row[0].endswith(' <span class="muted">(lower is better)</span>')
    assert row[1] == '<strong>0.3</strong> <span class="muted">(off the scale: not ranked)</span>'
    assert row[2] == NO_VALUE
    assert row[3] == (
        '<span aria-hidden="true">\N{EM DASH}</span>'
        '<span class="visually-hidden">not ranked: no normalized score</span>'
    )
    assert row[4] == '<span class="badge badge-self_reported">Self-reported</span>'
    assert row[5] == NO_VALUE
    # No link of its own: the source's name links its page.
    assert row[6].startswith('<a href="/sources/llm-stats/" rel="external noopener nofollow">')


def test_a_model_result_row_escapes_every_text():
    hostile = '<img src=x onerror="alert(1)">'
    shown = model_result_rows(
        [
            model_row(
                benchmark_name=hostile,
                score=Decimal("0.5"),
                analysis_method=hostile,
                source_url='https://example.com/"><script>',
            )
        ],
        report_url='/r/"><b>',
    )
    assert "<img" not in shown
    assert "<script>" not in shown
    assert "<b>" not in shown
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in shown


@pytest.mark.parametrize("language", ["en-us", "de", "en-us"])
def test_nth_is_humanizes_ordinal_in_the_active_language(language):
    with translation.override(language):
        assert [nth(n) for n in range(125)] == [ordinal(n) for n in range(125)]
    assert nth(None) == ""


def test_a_score_on_its_own_scale_keeps_the_number_its_source_reported():
    """An Elo reported as the fraction 0.874 of 3000 shows as 2622, with 0.874 beside it
    (for screen readers too); a percent-scale score has its bar, an Elo none."""
    shown = leaderboard_rows(
        [row(1, "0.874", rank=1)], max_score=Decimal(3000), report_url="/reports/new/"
    )
    assert cells(shown)[2] == (
        '<span class="rescaled" title="Reported as 0.874">2622'
        '<span class="visually-hidden"> (reported as 0.874)</span></span>'
    )
    elo = leaderboard_rows(
        [replace(row(1, "0.874", rank=1), score=Decimal("2622"))],
        max_score=Decimal(3000),
        report_url="/reports/new/",
    )
    assert cells(elo)[2] == "2622"


def test_a_long_method_is_shortened_with_all_of_it_there():
    method = "Thinking mode enabled (up to 128K tokens) with iterative problem solving"
    shown = leaderboard_rows(
        [row(1, "0.5", rank=1, analysis_method=method)],
        max_score=Decimal(1),
        report_url="/reports/new/",
    )
    assert cells(shown)[9] == (
        f'<span class="long-text" tabindex="0" title="{method}">{method}</span>'
    )
