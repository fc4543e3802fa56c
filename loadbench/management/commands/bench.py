"""`manage.py bench` (make bench): measure the site served as in production.

The command starts itself again under loadbench.settings with the bench's
own database (BENCH_DATABASE_URL, default a SQLite file in .bench/), DEBUG off and a
generated secret key, so it never touches the database or static files of `make run`.
That inner run loads the large demo dataset (once), collects the static files,
counts each page's SQL queries in-process, serves the site with gunicorn with the
page cache on and then off, measures each page with wrk, checks the issue's budgets
and writes .bench/results.json and .bench/results.md. The exit status is 1 when a
budget fails.
"""

import http.client
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.models import Benchmark, Category, Result
from config.env import env_int, env_str
from loadbench import results
from loadbench.results import Page, Run, WrkRun
from models_registry.models import AIModel

BENCH_SETTINGS = "loadbench.settings"
BENCH_DIR = Path(settings.BASE_DIR) / ".bench"
DEFAULT_DATABASE_URL = "sqlite:///.bench/bench.sqlite3"
CEILING_NAME = "bench-ceiling.html"
SERVER_START_SECONDS = 60
# An uncached page of the large dataset can take seconds to render, longer on a busy
# machine: neither gunicorn nor wrk should cut such a request off as a failure.
REQUEST_TIMEOUT_SECONDS = 120
COMPARED_MODELS = 3


def options() -> dict[str, int]:
    """The bench's knobs, from the environment (README: Measuring speed)."""
    cores = os.cpu_count() or 1
    return {
        "seconds": env_int("BENCH_SECONDS", 10, minimum=1),
        "warmup_seconds": env_int("BENCH_WARMUP_SECONDS", 2, minimum=0),
        "threads": env_int("BENCH_THREADS", 2, minimum=1),
        "connections": env_int("BENCH_CONNECTIONS", 32, minimum=1),
        "load_seconds": env_int("BENCH_LOAD_SECONDS", 60, minimum=0),
        "load_connections": env_int("BENCH_LOAD_CONNECTIONS", 50, minimum=1),
        "workers": env_int("BENCH_WORKERS", 2 * cores, minimum=1),
        "models": env_int("BENCH_MODELS", 2000, minimum=1),
        "benchmarks": env_int("BENCH_BENCHMARKS", 300, minimum=1),
    }


class Command(BaseCommand):
    help = (
        "Build a large synthetic dataset in the bench database, serve the site with gunicorn "
        "(DEBUG off, page cache on and off), measure each page with wrk, check the budgets "
        "and write .bench/results.json and .bench/results.md."
    )

    def handle(self, **options_) -> None:
        if shutil.which("wrk") is None:
            raise CommandError("wrk is not installed (Debian: apt-get install wrk; or make bench).")
        if settings.SETTINGS_MODULE != BENCH_SETTINGS:
            self.run_inside_bench_settings()
            return
        self.knobs = options()
        BENCH_DIR.mkdir(exist_ok=True)
        self.prepare_database()
        self.stdout.write("Collecting static files")
        call_command("collectstatic", interactive=False, verbosity=0)
        pages = self.find_pages()
        self.count_queries(pages)
        pages["static"] = self.write_ceiling(size=pages["benchmark"].bytes or 0)
        self.report_pages(pages)

        cached, uncached = Run("cached"), Run("uncached")
        conditional_get: dict[str, int] = {}
        load = None
        with self.server(page_cache=True) as port:
            for key in pages:
                self.measure(port, pages, key, cached)
            conditional_get = {
                key: conditional_get_status(port, pages[key].path)
                for key in ("home", "benchmark", "model", "category")
            }
            if self.knobs["load_seconds"]:
                load = self.load_run(port, pages)
        # An uncached page of the large dataset takes seconds, so the requests wrk leaves
        # queued would hold up the next page: each page gets a server of its own.
        for key in pages:
            with self.server(page_cache=False) as port:
                self.measure(port, pages, key, uncached)

        budgets = results.check_budgets(
            pages, cached, uncached, conditional_get=conditional_get, load=load
        )
        self.write_results(pages, [cached, uncached], load, conditional_get, budgets)
        if not all(budget.passed for budget in budgets):
            raise CommandError("A budget failed (see the table above).", returncode=1)

    # --- The outer run ------------------------------------------------------------------

    def run_inside_bench_settings(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS,
            "DATABASE_URL": env_str("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            # testserver: the in-process test client that counts queries.
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
            # Queries are counted with the page cache off; each server sets its own.
            "BENCHBOARD_PAGE_CACHE": "0",
        }
        manage = Path(settings.BASE_DIR) / "manage.py"
        completed = subprocess.run([sys.executable, manage, "bench"], env=env, check=False)
        if completed.returncode:
            # The inner run has said why.
            sys.exit(completed.returncode)

    # --- Data -------------------------------------------------------------------------

    def prepare_database(self) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        wanted = {"models": self.knobs["models"], "benchmarks": self.knobs["benchmarks"]}
        # load_demo makes exactly the models and benchmarks asked for, so the counts tell
        # whether the bench database already holds the dataset.
        held = {"models": AIModel.objects.count(), "benchmarks": Benchmark.objects.count()}
        if held == wanted:
            self.stdout.write("Reusing the bench dataset")
        else:
            self.stdout.write(
                f"Loading the bench dataset ({wanted['models']:,} models, "
                f"{wanted['benchmarks']:,} benchmarks): about a minute per 100,000 results"
            )
            call_command("load_demo", **wanted, stdout=self.stdout)
        self.stdout.write(
            f"Dataset: {AIModel.objects.count():,} models, {Benchmark.objects.count():,} "
            f"benchmarks, {Result.objects.count():,} results"
        )

    def find_pages(self) -> dict[str, Page]:
        benchmark = (
            Benchmark.objects.annotate(result_count=Count("results"))
            .order_by("-result_count", "pk")
            .first()
        )
        models = list(
            AIModel.objects.annotate(result_count=Count("results")).order_by("-result_count", "pk")[
                :COMPARED_MODELS
            ]
        )
        category = (
            Category.objects.annotate(benchmark_count=Count("benchmarks"))
            .order_by("-benchmark_count", "pk")
            .first()
        )
        if benchmark is None or not models or category is None:
            raise CommandError("The bench database holds no benchmarks, models or categories.")
        benchmark_path = reverse("benchmarks:detail", args=[benchmark.slug])
        compared = ",".join(model.slug for model in models)
        return {
            "home": Page("home", "home", reverse("pages:home")),
            "benchmark": Page("benchmark", "benchmark", benchmark_path, rows=benchmark.model_count),
            "model": Page(
                "model",
                "model",
                reverse("models_registry:detail", args=[models[0].slug]),
                rows=models[0].result_count,
            ),
            "category": Page(
                "category",
                "category",
                reverse("benchmarks:category-detail", args=[category.slug]),
                rows=category.benchmark_count,
            ),
            "compare": Page(
                "compare",
                f"compare {len(models)} models",
                f"{reverse('compare:detail')}?models={compared}",
            ),
            "partial": Page(
                "partial",
                "htmx sort partial",
                f"{benchmark_path}?sort=model",
                htmx=True,
                rows=benchmark.model_count,
            ),
        }

    def count_queries(self, pages: dict[str, Page]) -> None:
        """Each page's SQL queries and size, in-process, with the page cache off."""
        client = Client()
        for key, page in list(pages.items()):
            headers = {"HX-Request": "true"} if page.htmx else {}
            client.get(page.path, headers=headers)  # one-off queries (sessions, caches)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page.path, headers=headers)
            if response.status_code != 200:
                raise CommandError(f"{page.path} answered {response.status_code}, not 200.")
            pages[key] = Page(
                **{**page.__dict__, "bytes": len(response.content), "queries": len(queries)}
            )

    def write_ceiling(self, *, size: int) -> Page:
        """A static file as large as the benchmark page, served by the same whitenoise."""
        line = b"<p>Benchboard bench: a static file as large as the benchmark page.</p>\n"
        body = (line * (size // len(line) + 1))[:size]
        (Path(settings.STATIC_ROOT) / CEILING_NAME).write_bytes(body)
        return Page(
            "static",
            "static file (ceiling)",
            f"/{settings.STATIC_URL.strip('/')}/{CEILING_NAME}",
            bytes=size,
        )

    def report_pages(self, pages: dict[str, Page]) -> None:
        for page in pages.values():
            self.stdout.write(
                f"  {page.label}: {page.path}  {page.bytes or 0:,} bytes, "
                f"{page.queries if page.queries is not None else '-'} queries"
            )

    # --- Serving and measuring ------------------------------------------------------

    @contextmanager
    def server(self, *, page_cache: bool) -> Iterator[int]:
        port = free_port()
        env = {**os.environ, "BENCHBOARD_PAGE_CACHE": "1" if page_cache else "0"}
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [
            str(gunicorn),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(self.knobs["workers"]),
            "--timeout",
            str(REQUEST_TIMEOUT_SECONDS),
            "--log-level",
            "warning",
        ]
        self.stdout.write(
            f"Serving with gunicorn ({self.knobs['workers']} workers), page cache "
            f"{'on' if page_cache else 'off'}, on 127.0.0.1:{port}"
        )
        process = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
        try:
            wait_until_serving(process, port)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def measure(self, port: int, pages: dict[str, Page], key: str, run: Run) -> None:
        page = pages[key]
        target = f"{page.path} (htmx)" if page.htmx else page.path
        self.stdout.write(f"  {run.name}: {target}")
        extra = ["-H", "HX-Request: true"] if page.htmx else []
        # Uncached, one request at a time: the latency is the time to render the page,
        # not the time spent queued behind other renders.
        connections = None if run.name == "cached" else 1
        if run.name == "cached":
            self.fill_every_worker(port, page, rounds=2)
        if self.knobs["warmup_seconds"]:
            self.wrk(port, page.path, self.knobs["warmup_seconds"], extra, connections=connections)
        run.measurements[key] = self.wrk(
            port, page.path, self.knobs["seconds"], extra, connections=connections
        )

    def fill_every_worker(self, port: int, page: Page, *, rounds: int) -> None:
        """As many simultaneous requests as there are workers: a busy sync worker takes
        no new connection, so each worker renders (and caches) the page once a round."""
        headers = {"HX-Request": "true"} if page.htmx else {}
        workers = self.knobs["workers"]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for _ in range(rounds):
                statuses = list(
                    pool.map(lambda _: get(port, page.path, headers)[0], range(workers))
                )
                if set(statuses) != {200}:
                    raise CommandError(f"{page.path} answered {statuses} when served.")

    def load_run(self, port: int, pages: dict[str, Page]) -> WrkRun:
        seconds, connections = self.knobs["load_seconds"], self.knobs["load_connections"]
        self.stdout.write(
            f"Load run: {seconds} s at {connections} connections over every page in turn"
        )
        paths = [f"hx:{page.path}" if page.htmx else page.path for page in pages.values()]
        return self.wrk(
            port, "/", seconds, ["--", *paths], connections=connections, script=results.MIX_LUA
        )

    def wrk(
        self,
        port: int,
        path: str,
        seconds: int,
        extra: list[str],
        *,
        connections: int | None = None,
        script: str = results.REPORT_LUA,
    ) -> WrkRun:
        connections = connections or self.knobs["connections"]
        threads = min(self.knobs["threads"], connections)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", dir=BENCH_DIR) as lua:
            lua.write(script)
            lua.flush()
            command = [
                "wrk",
                "--latency",
                f"--threads={threads}",
                f"--connections={connections}",
                f"--duration={seconds}s",
                f"--timeout={REQUEST_TIMEOUT_SECONDS}s",
                f"--script={lua.name}",
            ]
            # wrk takes its own options before the URL and the script's arguments after "--".
            script_args = extra[extra.index("--") :] if "--" in extra else []
            options_ = [arg for arg in extra if arg not in script_args]
            url = f"http://127.0.0.1:{port}{path}"
            completed = subprocess.run(
                [*command, *options_, url, *script_args],
                capture_output=True,
                text=True,
                check=False,
            )
        if completed.returncode:
            raise CommandError(f"wrk failed: {completed.stderr or completed.stdout}")
        return results.parse_wrk(completed.stdout)

    # --- Results --------------------------------------------------------------------

    def write_results(
        self,
        pages: dict[str, Page],
        runs: list[Run],
        load: WrkRun | None,
        conditional_get: dict[str, int],
        budgets: list[results.Budget],
    ) -> None:
        setup = {
            **self.knobs,
            "cores": os.cpu_count(),
            # Other work on the machine takes its share of the cores: say how much.
            "load_average": [round(load, 1) for load in os.getloadavg()],
            "database": settings.DATABASES["default"]["ENGINE"],
            "models": AIModel.objects.count(),
            "benchmarks": Benchmark.objects.count(),
            "results": Result.objects.count(),
            "measured_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        }
        summary = (
            f"Dataset: {setup['models']:,} models, {setup['benchmarks']:,} benchmarks, "
            f"{setup['results']:,} results ({setup['database'].rsplit('.', 1)[-1]}). "
            f"gunicorn with {self.knobs['workers']} workers on {setup['cores']} cores; wrk "
            f"{self.knobs['threads']} threads, {self.knobs['connections']} connections, "
            f"{self.knobs['seconds']} s per page after {self.knobs['warmup_seconds']} s of "
            f"warm-up. Queries counted with the page cache off. Load average at the end "
            f"(1, 5, 15 min): {', '.join(map(str, setup['load_average']))}."
        )
        if load is not None:
            summary += (
                f"\n\nLoad run: {load.seconds:.0f} s at {self.knobs['load_connections']} "
                f"connections over every page (page cache on): {load.requests:,} requests, "
                f"{load.requests_per_second:,.0f} req/s, p99 {results.format_ms(load.p99_ms)}, "
                f"{load.socket_errors} socket errors, {load.status_errors} non-2xx/3xx."
            )
        markdown = "\n\n".join(
            [
                f"# make bench, {setup['measured_at']}",
                summary,
                *(results.run_table(pages, run) for run in runs),
                results.budget_table(budgets),
            ]
        )
        self.stdout.write("\n" + markdown + "\n")
        (BENCH_DIR / "results.md").write_text(markdown + "\n")
        (BENCH_DIR / "results.json").write_text(
            results.results_json(
                setup=setup,
                pages=pages,
                runs=runs,
                load=load,
                conditional_get=conditional_get,
                budgets=budgets,
            )
            + "\n"
        )
        self.stdout.write(f"Written to {BENCH_DIR / 'results.md'} and results.json")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(process: subprocess.Popen, port: int) -> None:
    """Poll the home page until the server answers it; fail if gunicorn exits first."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"gunicorn exited with status {process.returncode}.")
        try:
            status, _ = get(port, "/")
        except OSError:
            time.sleep(0.2)
            continue
        if status != 200:
            raise CommandError(f"The served home page answered {status}, not 200.")
        return
    raise CommandError(f"gunicorn did not answer within {SERVER_START_SECONDS} s.")


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        client.request("GET", path, headers=headers or {})
        response = client.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        client.close()


def conditional_get_status(port: int, path: str) -> int:
    """The status of a GET with If-None-Match set to the ETag the page just gave; 0 when
    it gave none."""
    _, headers = get(port, path)
    etag = headers.get("etag")
    if not etag:
        return 0
    status, _ = get(port, path, {"If-None-Match": etag})
    return status
