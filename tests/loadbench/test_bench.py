"""`manage.py bench`: reading wrk's output, the budgets, the tables (pure), and finding
and counting the pages it measures (against the test database)."""

import json

import pytest

from loadbench import results
from loadbench.results import Page, Run, WrkOutputError, WrkRun, parse_wrk

# wrk 4.1.0 output, as printed with --latency and REPORT_LUA (a 404 page: every
# response counts as an error).
WITH_REPORT = """\
Running 1s test @ http://127.0.0.1:18931/missing
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.54ms   13.66ms  88.58ms   88.14%
    Req/Sec   538.10    390.31     1.08k    60.00%
  Latency Distribution
     50%    2.39ms
     75%    9.60ms
     90%   25.82ms
     99%   66.12ms
  546 requests in 1.04s, 277.27KB read
  Non-2xx or 3xx responses: 546
Requests/sec:    524.78
Transfer/sec:    266.49KB
bench-json {"requests": 546, "duration_us": 1040437, "bytes": 283920, "connect": 0, \
"read": 0, "write": 0, "status": 546, "timeout": 0, "p50_us": 2392, "p95_us": 39035, \
"p99_us": 66124}
"""

# Without the script: wrk's own report only, with socket errors and mixed units.
WITHOUT_REPORT = """\
Running 10s test @ http://127.0.0.1:8000/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   210.05ms  301.12ms   1.99s    88.14%
    Req/Sec    80.10     30.31   150.00     60.00%
  Latency Distribution
     50%  850.00us
     75%   99.60ms
     90%  500.82ms
     99%    1.50s
  1606 requests in 10.04s, 27.27MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
Requests/sec:    159.96
Transfer/sec:      2.72MB
"""

NOTHING_ANSWERED = """\
Running 2s test @ http://127.0.0.1:8000/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 2.01s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
bench-json {"requests": 0, "duration_us": 2010000, "bytes": 0, "connect": 0, "read": 0, \
"write": 0, "status": 0, "timeout": 0, "p50_us": 0, "p95_us": 0, "p99_us": 0}
"""


def test_parse_wrk_reads_the_report_line_for_exact_percentiles_and_errors():
    run = parse_wrk(WITH_REPORT)

    assert run.requests == 546
    assert run.seconds == pytest.approx(1.040437)
    assert run.requests_per_second == pytest.approx(524.78)
    assert (run.p50_ms, run.p95_ms, run.p99_ms) == pytest.approx((2.392, 39.035, 66.124))
    assert (run.socket_errors, run.status_errors, run.errors) == (0, 546, 546)


def test_parse_wrk_falls_back_to_the_latency_distribution_and_converts_units():
    run = parse_wrk(WITHOUT_REPORT)

    assert run.requests == 1606
    assert run.seconds == pytest.approx(10.04)
    assert run.requests_per_second == pytest.approx(159.96)
    assert run.p50_ms == pytest.approx(0.85)
    assert run.p95_ms is None
    assert run.p99_ms == pytest.approx(1500.0)
    assert (run.socket_errors, run.status_errors) == (10, 0)


def test_parse_wrk_gives_no_latency_when_nothing_was_answered():
    run = parse_wrk(NOTHING_ANSWERED)

    assert run.requests == 0
    assert (run.p50_ms, run.p95_ms, run.p99_ms) == (None, None, None)
    assert results.format_ms(run.p95_ms) == "n/a"


@pytest.mark.parametrize(
    "output",
    [
        "",
        "unable to connect to 127.0.0.1:8000 Connection refused\n",
        WITHOUT_REPORT.replace("     50%  850.00us\n", ""),
    ],
)
def test_parse_wrk_refuses_output_without_what_a_measurement_needs(output):
    with pytest.raises(WrkOutputError):
        parse_wrk(output)


def test_the_scripts_report_every_percentile_and_the_mix_rotates_with_htmx_paths():
    assert "latency:percentile(95)" in results.REPORT_LUA
    assert results.MIX_LUA.endswith(results.REPORT_LUA)
    assert 'headers["HX-Request"] = "true"' in results.MIX_LUA


def measured(requests_per_second: float, p95_ms: float = 10.0, **fields) -> WrkRun:
    values = {
        "requests": 1000,
        "seconds": 10.0,
        "requests_per_second": requests_per_second,
        "p50_ms": p95_ms / 2,
        "p95_ms": p95_ms,
        "p99_ms": p95_ms * 2,
        "socket_errors": 0,
        "status_errors": 0,
    }
    return WrkRun(**(values | fields))


def site_pages(*, rows: int = 1500, queries: int = 4) -> dict[str, Page]:
    return {
        "home": Page("home", "home", "/", bytes=20_000, queries=6),
        "benchmark": Page(
            "benchmark", "benchmark", "/benchmarks/b/", rows=rows, bytes=900_000, queries=queries
        ),
        "model": Page("model", "model", "/models/m/", rows=80, bytes=60_000, queries=8),
        "category": Page("category", "category", "/categories/c/", rows=40, queries=5),
        "partial": Page(
            "partial", "htmx sort partial", "/benchmarks/b/?sort=model", htmx=True, queries=3
        ),
        "static": Page("static", "static file (ceiling)", "/static/x.html", bytes=900_000),
    }


def runs(*, cached_rate: float = 600.0, uncached_p95: float = 40.0) -> tuple[Run, Run]:
    cached = Run("cached")
    cached.measurements = {
        "home": measured(cached_rate),
        "benchmark": measured(cached_rate),
        "model": measured(cached_rate),
        "category": measured(cached_rate),
        "partial": measured(cached_rate),
        "static": measured(1000.0),
    }
    uncached = Run("uncached")
    uncached.measurements = {
        "benchmark": measured(50.0, p95_ms=uncached_p95),
        "static": measured(1000.0),
    }
    return cached, uncached


def verdicts(budgets: list[results.Budget]) -> dict[str, str]:
    return {budget.name: budget.verdict for budget in budgets}


def test_every_budget_passes_when_the_numbers_are_within_them():
    cached, uncached = runs()

    budgets = results.check_budgets(
        site_pages(),
        cached,
        uncached,
        conditional_get={"benchmark": 304, "model": 304},
        load=measured(300.0),
    )

    assert set(verdicts(budgets).values()) == {"PASS"}
    assert len(budgets) == 8
    assert cached.ratio("benchmark") == pytest.approx(0.6)


def test_budgets_fail_on_each_number_outside_them():
    cached, uncached = runs(cached_rate=400.0, uncached_p95=50.0)

    budgets = results.check_budgets(
        site_pages(queries=6),
        cached,
        uncached,
        conditional_get={"benchmark": 200, "model": 0},
        load=measured(300.0, status_errors=2),
    )

    assert set(verdicts(budgets).values()) == {"FAIL"}
    details = {budget.name: budget.detail for budget in budgets}
    assert details["cached benchmark page >= 0.5 x static req/s"] == "0.40 of the static file"
    assert details["unchanged benchmark page: conditional GET answers 304"] == "answered 200"
    assert details["unchanged model page: conditional GET answers 304"] == ("the page sent no ETag")
    assert "2 non-2xx/3xx" in details["load run: no errors"]


def test_the_latency_budget_needs_a_benchmark_page_of_a_thousand_rows():
    cached, uncached = runs(uncached_p95=5.0)

    budgets = results.check_budgets(
        site_pages(rows=999), cached, uncached, conditional_get={}, load=None
    )

    name = "uncached benchmark page with >= 1,000 rows: p95 < 50 ms"
    assert verdicts(budgets)[name] == "FAIL"
    assert {budget.name: budget.detail for budget in budgets}[name] == "999 rows, p95 5.0 ms"
    assert not any(budget.name.startswith("load run") for budget in budgets)


def test_run_table_shows_each_page_with_its_ratio_to_the_static_file():
    cached, _ = runs()

    table = results.run_table(site_pages(), cached).splitlines()

    assert table[0] == "cached:"
    assert table[2].startswith("| page | URL | rows | bytes | queries | req/s |")
    assert table[2].endswith("| x static | errors |")
    benchmark_row = next(line for line in table if line.startswith("| benchmark |"))
    assert benchmark_row == (
        "| benchmark | `/benchmarks/b/` | 1,500 | 900,000 | 4 | 600 | 5.0 ms | 10.0 ms "
        "| 20.0 ms | 0.60 | 0 |"
    )
    assert "| htmx sort partial | `/benchmarks/b/?sort=model (htmx)` |" in "\n".join(table)


def test_run_table_counts_each_pages_errors():
    cached, _ = runs()
    cached.measurements["model"] = measured(600.0, socket_errors=2, status_errors=3)

    table = results.run_table(site_pages(), cached)

    model_row = next(line for line in table.splitlines() if line.startswith("| model |"))
    assert model_row.endswith("| 0.60 | 5 |")


def test_a_page_the_run_did_not_measure_has_empty_numbers():
    _, uncached = runs()

    table = results.run_table(site_pages(), uncached)

    assert "| home | `/` |  | 20,000 | 6 |  |  |  |  |  |  |" in table


def test_budget_table_and_results_json_hold_every_verdict():
    cached, uncached = runs()
    pages = site_pages()
    load = measured(300.0)
    budgets = results.check_budgets(
        pages, cached, uncached, conditional_get={"benchmark": 304}, load=load
    )

    table = results.budget_table(budgets)
    data = json.loads(
        results.results_json(
            setup={"workers": 4},
            pages=pages,
            runs=[cached, uncached],
            load=load,
            conditional_get={"benchmark": 304},
            budgets=budgets,
        )
    )

    assert table.count("| PASS |") == len(budgets)
    assert data["runs"]["cached"]["benchmark"]["static_ratio"] == pytest.approx(0.6)
    assert data["runs"]["uncached"]["benchmark"]["p95_ms"] == 40.0
    assert data["pages"]["partial"]["htmx"] is True
    assert [budget["verdict"] for budget in data["budgets"]] == ["PASS"] * len(budgets)
    assert data["load"]["requests"] == 1000


# Finding and counting the pages (against the test database) -------------------------


@pytest.mark.django_db
def test_the_bench_measures_the_most_measured_pages_and_counts_their_queries(settings):
    from loadbench.management.commands.bench import Command
    from tests.factories import make_ai_model, make_benchmark, make_category, make_result

    settings.BENCHBOARD_PAGE_CACHE = False
    big_category, small_category = make_category(), make_category()
    largest, other = make_benchmark(categories=[big_category]), make_benchmark()
    big_category.benchmarks.add(other)
    other.categories.add(small_category)
    models = [make_ai_model() for _ in range(4)]
    for ai_model in models:
        make_result(benchmark=largest, ai_model=ai_model)
    # Two results of one model: the most results, but one model more on the leaderboard.
    make_result(benchmark=largest, ai_model=models[0], analysis_method="5-shot")
    make_result(benchmark=other, ai_model=models[0])

    pages = Command().find_pages()
    Command().count_queries(pages)

    assert pages["benchmark"].path == largest.get_absolute_url()
    assert pages["benchmark"].rows == 4
    assert pages["partial"].htmx and pages["partial"].rows == 4
    assert pages["model"].path == models[0].get_absolute_url()
    assert pages["category"].path == big_category.get_absolute_url()
    assert all(page.bytes and page.queries for page in pages.values())
    assert pages["benchmark"].queries <= results.MAX_BENCHMARK_QUERIES
