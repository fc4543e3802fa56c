"""The pure parts of `manage.py bench`: wrk's script and output, the budgets, the table.

wrk's own --latency report gives the 50th, 75th, 90th and 99th percentiles but not
the 95th the budgets need, so every run loads REPORT_LUA, whose done() prints one
`bench-json {...}` line with the exact percentiles and every error count.
"""

import json
import re
from dataclasses import asdict, dataclass, field

# Printed by wrk when a run ends (all times in microseconds).
REPORT_LUA = """
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'bench-json {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

# Rotates over the paths given after `--`; a path written "hx:/x/" is asked for as
# an htmx request (HX-Request: true).
MIX_LUA = (
    """
local targets = {}
local position = 0

function init(args)
  for _, arg in ipairs(args) do
    local htmx = string.sub(arg, 1, 3) == "hx:"
    if htmx then arg = string.sub(arg, 4) end
    targets[#targets + 1] = {path = arg, htmx = htmx}
  end
  position = math.random(#targets)
end

function request()
  position = position % #targets + 1
  local target = targets[position]
  local headers = {}
  if target.htmx then headers["HX-Request"] = "true" end
  return wrk.format(nil, target.path, headers)
end
"""
    + REPORT_LUA
)

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_REQUESTS_PER_SECOND = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.MULTILINE)
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_SUMMARY = re.compile(r"^\s+(\d+) requests in ([\d.]+)(us|ms|s|m|h),", re.MULTILINE)
_JSON_LINE = re.compile(r"^bench-json (\{.*\})\s*$", re.MULTILINE)


class WrkOutputError(ValueError):
    """wrk's output does not hold what a measurement needs."""


@dataclass(frozen=True)
class WrkRun:
    requests: int
    seconds: float
    requests_per_second: float
    # None when no request completed; the p95 also without REPORT_LUA.
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    socket_errors: int  # connect, read, write and timeout errors
    status_errors: int  # responses other than 2xx and 3xx

    @property
    def errors(self) -> int:
        return self.socket_errors + self.status_errors


def to_ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkRun:
    """Read one wrk run's output (run with --latency; REPORT_LUA adds the p95)."""
    per_second = _REQUESTS_PER_SECOND.search(output)
    summary = _SUMMARY.search(output)
    if per_second is None or summary is None:
        raise WrkOutputError(f"wrk printed no Requests/sec summary:\n{output}")
    report = _JSON_LINE.search(output)
    if report is not None:
        data = json.loads(report.group(1))
        answered = data["requests"] > 0
        return WrkRun(
            requests=data["requests"],
            seconds=data["duration_us"] / 1_000_000,
            requests_per_second=float(per_second.group(1)),
            p50_ms=data["p50_us"] / 1000 if answered else None,
            p95_ms=data["p95_us"] / 1000 if answered else None,
            p99_ms=data["p99_us"] / 1000 if answered else None,
            socket_errors=sum(data[name] for name in ("connect", "read", "write", "timeout")),
            status_errors=data["status"],
        )
    percentiles = {match[0]: to_ms(match[1], match[2]) for match in _PERCENTILE.findall(output)}
    requests = int(summary.group(1))
    if requests and not {"50", "99"} <= percentiles.keys():
        raise WrkOutputError(f"wrk printed no latency distribution (--latency):\n{output}")
    socket = _SOCKET_ERRORS.search(output)
    status = _NON_2XX.search(output)
    return WrkRun(
        requests=requests,
        seconds=to_ms(summary.group(2), summary.group(3)) / 1000,
        requests_per_second=float(per_second.group(1)),
        p50_ms=percentiles.get("50"),
        p95_ms=None,
        p99_ms=percentiles.get("99"),
        socket_errors=sum(int(count) for count in socket.groups()) if socket else 0,
        status_errors=int(status.group(1)) if status else 0,
    )


@dataclass(frozen=True)
class Page:
    """One measured address and what the bench knows of it before the load."""

    key: str  # home, benchmark, model, category, compare, partial, static
    label: str
    path: str
    htmx: bool = False
    rows: int | None = None  # table rows shown (benchmark leaderboard, model results)
    bytes: int | None = None
    queries: int | None = None


@dataclass
class Run:
    """Every page measured against one server configuration."""

    name: str  # "cached" or "uncached"
    measurements: dict[str, WrkRun] = field(default_factory=dict)

    def ratio(self, key: str) -> float | None:
        static = self.measurements.get("static")
        page = self.measurements.get(key)
        if static is None or page is None or not static.requests_per_second:
            return None
        return page.requests_per_second / static.requests_per_second


@dataclass(frozen=True)
class Budget:
    name: str
    passed: bool
    detail: str

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "FAIL"


# The budgets on its 2-core machine.
MAX_BENCHMARK_QUERIES = 5
UNCACHED_BENCHMARK_MIN_ROWS = 1000
UNCACHED_BENCHMARK_P95_MS = 50.0
CACHED_MIN_STATIC_RATIO = 0.5
CACHED_PAGES = ("benchmark", "model", "category")


def check_budgets(
    pages: dict[str, Page],
    cached: Run,
    uncached: Run,
    *,
    conditional_get: dict[str, int],
    load: WrkRun | None,
) -> list[Budget]:
    """PASS or FAIL for each of the issue's budgets; conditional_get maps a page key to
    the status its conditional GET (If-None-Match with its own ETag) answered, 0 when
    the page sent no ETag."""
    budgets = []
    benchmark = pages["benchmark"]
    budgets.append(
        Budget(
            f"benchmark page in at most {MAX_BENCHMARK_QUERIES} queries",
            benchmark.queries is not None and benchmark.queries <= MAX_BENCHMARK_QUERIES,
            f"{benchmark.queries} queries",
        )
    )
    uncached_benchmark = uncached.measurements.get("benchmark")
    rows = benchmark.rows or 0
    p95 = uncached_benchmark.p95_ms if uncached_benchmark else None
    budgets.append(
        Budget(
            f"uncached benchmark page with >= {UNCACHED_BENCHMARK_MIN_ROWS:,} rows: "
            f"p95 < {UNCACHED_BENCHMARK_P95_MS:g} ms",
            rows >= UNCACHED_BENCHMARK_MIN_ROWS
            and p95 is not None
            and p95 < UNCACHED_BENCHMARK_P95_MS,
            f"{rows:,} rows, p95 {format_ms(p95)}",
        )
    )
    for key in CACHED_PAGES:
        ratio = cached.ratio(key)
        budgets.append(
            Budget(
                f"cached {pages[key].label} page >= {CACHED_MIN_STATIC_RATIO:g} x static req/s",
                ratio is not None and ratio >= CACHED_MIN_STATIC_RATIO,
                f"{_ratio(ratio)} of the static file",
            )
        )
    for key, status in conditional_get.items():
        budgets.append(
            Budget(
                f"unchanged {pages[key].label} page: conditional GET answers 304",
                status == 304,
                f"answered {status}" if status else "the page sent no ETag",
            )
        )
    if load is not None:
        budgets.append(
            Budget(
                "load run: no errors",
                load.errors == 0 and load.requests > 0,
                f"{load.requests:,} requests in {load.seconds:.0f} s, "
                f"{load.socket_errors} socket errors, {load.status_errors} non-2xx/3xx",
            )
        )
    return budgets


def format_ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} ms"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def run_table(pages: dict[str, Page], run: Run) -> str:
    """A Markdown table of one run: each page's size, queries, throughput and latency,
    and its errors (socket errors and responses other than 2xx and 3xx)."""
    lines = [
        f"{run.name}:",
        "",
        "| page | URL | rows | bytes | queries | req/s | p50 | p95 | p99 | x static | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, page in pages.items():
        measured = run.measurements.get(key)
        url = f"{page.path} (htmx)" if page.htmx else page.path
        if measured is None:
            numbers = ["", "", "", "", "", ""]
        else:
            numbers = [
                f"{measured.requests_per_second:,.0f}",
                format_ms(measured.p50_ms),
                format_ms(measured.p95_ms),
                format_ms(measured.p99_ms),
                _ratio(run.ratio(key)),
                f"{measured.errors:,}",
            ]
        cells = [page.label, f"`{url}`", _count(page.rows), _count(page.bytes)]
        lines.append("| " + " | ".join([*cells, _count(page.queries), *numbers]) + " |")
    return "\n".join(lines)


def budget_table(budgets: list[Budget]) -> str:
    lines = ["| budget | result | measured |", "| --- | --- | --- |"]
    lines += [f"| {b.name} | {b.verdict} | {b.detail} |" for b in budgets]
    return "\n".join(lines)


def results_json(
    *,
    setup: dict[str, object],
    pages: dict[str, Page],
    runs: list[Run],
    load: WrkRun | None,
    conditional_get: dict[str, int],
    budgets: list[Budget],
) -> str:
    return json.dumps(
        {
            "setup": setup,
            "pages": {key: asdict(page) for key, page in pages.items()},
            "runs": {
                run.name: {
                    key: {**asdict(measured), "static_ratio": run.ratio(key)}
                    for key, measured in run.measurements.items()
                }
                for run in runs
            },
            "load": asdict(load) if load else None,
            "conditional_get": conditional_get,
            "budgets": [{**asdict(b), "verdict": b.verdict} for b in budgets],
        },
        indent=2,
    )
