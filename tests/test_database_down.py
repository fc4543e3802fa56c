"""The real site, served by gunicorn in a subprocess, when its database fails.

- Unreachable database: every page that needs it answers 503 with Retry-After and
  our page (config/errors.py); robots.txt, which needs no database, still works.
- A connection killed by the server (what a PostgreSQL restart does to clients):
  the next request succeeds, because settings turn on CONN_HEALTH_CHECKS.

The server runs as in production (DEBUG off, a secret key, allowed hosts); only
static files come from the finders, as in every test (tests/conftest.py), since
collectstatic has not run.
"""

import http.client
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import make_benchmark

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
NOTHING_LISTENS = "postgres://postgres@127.0.0.1:1/benchboard"

SETTINGS_MODULE = """
from config.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""


@dataclass
class Page:
    status: int
    headers: http.client.HTTPMessage
    body: str


@dataclass
class Server:
    port: int
    log: Path

    def get(self, path: str) -> Page:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return Page(response.status, response.headers, response.read().decode())
        finally:
            conn.close()


@contextmanager
def serve(tmp_path: Path, *, database_url: str, extra_settings: str = "", **env: str):
    """gunicorn with one sync worker (one persistent connection), on a free port."""
    (tmp_path / "served_settings.py").write_text(SETTINGS_MODULE + extra_settings)
    log = tmp_path / "server.log"
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
        "DJANGO_SETTINGS_MODULE": "served_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "database-down-test-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        **env,
    }
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "--bind=127.0.0.1:0",
                "--workers=1",
                "--no-control-socket",
                f"--chdir={settings.BASE_DIR}",
            ],
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Server(port=_listening_port(process, log), log=log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _listening_port(process: subprocess.Popen, log: Path) -> int:
    """The port gunicorn chose, from its "Listening at: http://127.0.0.1:PORT" line.

    Requests sent once it listens wait in the socket's queue until the worker is up.
    """
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            if "Listening at: http://127.0.0.1:" in line:
                return int(line.split("127.0.0.1:")[1].split()[0])
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        time.sleep(0.05)
    pytest.fail(f"gunicorn did not start listening in 30 s:\n{log.read_text()}")


# Unreachable database


def test_unreachable_database_answers_503_with_retry_after(tmp_path):
    paths = ["/", "/benchmarks/gpqa/", "/models/", "/no-such-page/"]

    with serve(tmp_path, database_url=NOTHING_LISTENS) as server:
        pages = {path: server.get(path) for path in paths}
        robots = server.get("/robots.txt")
        for _ in range(20):
            assert server.get("/benchmarks/gpqa/").status == 503

    for path, page in pages.items():
        assert page.status == 503, path
        assert page.headers["Retry-After"] == "30", path
        assert "no-store" in page.headers["Cache-Control"], path
        assert "Benchboard is temporarily unavailable" in page.body, path
        assert 'href="/"' in page.body
        assert "Traceback" not in page.body
        assert "OperationalError" not in page.body
    assert robots.status == 200
    assert "Sitemap: http://127.0.0.1" in robots.body
    # The outage is logged once, with its cause, not once a request (24 of them here).
    log = server.log.read_text()
    assert log.count("Service Unavailable:") == 1, log
    assert log.count("The database cannot be reached (OperationalError)") == 1, log
    assert "Service Unavailable: /\n" in log  # the first failed request
    assert "Service Unavailable: /models/" not in log
    assert "Connection refused" in log
    assert "Internal Server Error" not in log


# A connection killed by the server


def _postgres_url() -> str:
    """The test database this test run made, for the server in the subprocess."""
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or 5432
    return f"postgres://{params['USER']}{password}@{host}:{port}/{params['NAME']}"


def _server_backends(application_name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name]
        )
        return [pid for (pid,) in cursor.fetchall()]


def _terminate(pid: int) -> None:
    """What a restart does to each client; returns once the backend has ended."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
        assert cursor.fetchone() == (True,)


@contextmanager
def _server_with_one_connection(tmp_path: Path, extra_settings: str = "") -> Iterator[tuple]:
    application_name = f"benchboard-recovery-{uuid.uuid4().hex[:12]}"
    make_benchmark(slug="gpqa", name="GPQA Diamond")
    with serve(
        tmp_path,
        database_url=_postgres_url(),
        extra_settings=extra_settings,
        # libpq names the server's connection, so this test finds it among others'.
        PGAPPNAME=application_name,
        # Every request must reach the database, not a cached page.
        BENCHBOARD_PAGE_CACHE="0",
    ) as server:
        first = server.get("/benchmarks/gpqa/")
        assert first.status == 200
        assert "GPQA Diamond" in first.body
        [pid] = _server_backends(application_name)
        _terminate(pid)
        assert _server_backends(application_name) == []
        yield server, application_name, pid


POSTGRES_ONLY = pytest.mark.skipif(
    not ON_POSTGRES,
    reason=(
        "PostgreSQL only: it kills the server's connection with pg_terminate_backend, and "
        "only the PostgreSQL settings keep persistent, health-checked connections (SQLite "
        "opens a file, there is no server to drop it). The suite runs on PostgreSQL too "
        "(.ci/run), where this runs."
    ),
)


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_next_request_after_the_server_kills_the_connection_succeeds(tmp_path):
    with _server_with_one_connection(tmp_path) as (server, application_name, killed_pid):
        page = server.get("/benchmarks/gpqa/")
        home = server.get("/")
        [new_pid] = _server_backends(application_name)

    assert page.status == 200
    assert "GPQA Diamond" in page.body
    assert home.status == 200
    assert new_pid != killed_pid
    log = server.log.read_text()
    assert "Service Unavailable" not in log
    assert "Internal Server Error" not in log


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_without_health_checks_the_killed_connection_fails_one_request(tmp_path):
    """The control: this is what CONN_HEALTH_CHECKS saves visitors from, and proof the
    test above really kills the connection the server would have used."""
    without_checks = '\nDATABASES["default"]["CONN_HEALTH_CHECKS"] = False\n'
    with _server_with_one_connection(tmp_path, without_checks) as (server, _, _):
        failed = server.get("/benchmarks/gpqa/")
        after = server.get("/benchmarks/gpqa/")

    assert failed.status == 503
    assert failed.headers["Retry-After"] == "30"
    assert "Benchboard is temporarily unavailable" in failed.body
    # Django drops the broken connection at the end of that request; the next connects.
    assert after.status == 200
