"""The page cache of the public pages (config/caching.py): served from the cache,
invalidated by every kind of change to the data, answered 304 to a matching ETag, and
never holding anything personal (cookies, CSRF tokens)."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from benchmarks.models import Result
from config import caching
from config.cache_backends import BoundedLocMemCache
from ingest.demo import delete_demo, load_demo
from ingest.services import import_llmstats
from submissions import notifications, services
from tests.factories import (
    delete,
    make_ai_model,
    make_benchmark,
    make_category,
    make_offering,
    make_result,
    save,
)
from tests.test_curators import form_data, make_curator, make_data_report

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parent.parent
HTMX = {"HX-Request": "true"}
TEST_REDIS_URL = os.environ.get("BENCHBOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LLMSTATS_FIXTURE = BASE_DIR / "tests" / "fixtures" / "llmstats"
LARGE_RESULTS = "data/organizations/acme/models/acme-large/benchmarks.json"


def queries(client, url: str, **kwargs) -> tuple[int, HttpResponse]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    return len(captured), response


@pytest.fixture
def gpqa():
    benchmark = make_benchmark(slug="gpqa", name="GPQA", categories=[make_category()])
    make_result(
        benchmark=benchmark,
        ai_model=make_ai_model(slug="gpt-5", name="GPT-5"),
        score=Decimal("0.5"),
        normalized_score=Decimal("0.5"),
    )
    return benchmark


# Serving from the cache -----------------------------------------------------------------

PUBLIC_PAGES = [
    "/",
    "/benchmarks/",
    "/benchmarks/gpqa/",
    "/benchmarks/gpqa/?sort=-score&rows=all",
    "/benchmarks/gpqa/leaderboard.csv",
    "/benchmarks/gpqa/leaderboard.json",
    "/categories/",
    "/models/",
    "/models/gpt-5/",
    "/models/download.csv",
    "/organizations/",
    "/compare/?models=gpt-5",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_public_page_is_served_from_the_cache_with_one_query(client, gpqa, url):
    first_count, first = queries(client, url)
    second_count, second = queries(client, url)

    assert first.status_code == second.status_code == 200
    assert first_count > 1
    assert second_count == 1  # the data version, the same in every process
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert first["Cache-Control"] == "max-age=0, must-revalidate, public"
    assert "HX-Request" in first["Vary"]


def test_the_htmx_partial_and_the_page_are_cached_apart(client, gpqa):
    page = client.get("/benchmarks/gpqa/")
    partial = client.get("/benchmarks/gpqa/", headers=HTMX)
    restore = client.get("/benchmarks/gpqa/", headers=HTMX | {"HX-History-Restore-Request": "true"})

    assert b"<html" in page.content
    assert b"<html" not in partial.content
    assert b"<html" in restore.content
    # The ETag is the content's: the partial's differs; a history restore is the page.
    assert page["ETag"] != partial["ETag"]
    assert restore["ETag"] == page["ETag"] and restore.content == page.content
    assert client.get("/benchmarks/gpqa/", headers=HTMX).content == partial.content
    assert client.get("/benchmarks/gpqa/").content == page.content


def test_each_query_string_is_its_own_page(client, gpqa):
    make_result(benchmark=gpqa, ai_model=make_ai_model(name="Zeta"), score=Decimal("0.9"))
    by_score = client.get("/benchmarks/gpqa/?sort=-score").content
    by_name = client.get("/benchmarks/gpqa/?sort=model").content
    assert by_score != by_name
    assert client.get("/benchmarks/gpqa/?sort=-score").content == by_score


def test_a_missing_page_is_not_cached(client, gpqa):
    assert client.get("/benchmarks/nope/").status_code == 404
    make_benchmark(slug="nope")
    assert client.get("/benchmarks/nope/").status_code == 200


def test_search_is_not_cached(client, gpqa):
    client.get("/search/?q=gpqa")
    count, response = queries(client, "/search/?q=gpqa")
    assert count > 0
    assert "ETag" not in response


def test_nothing_is_cached_when_the_page_cache_is_off(client, gpqa, settings):
    settings.BENCHBOARD_PAGE_CACHE = False
    client.get("/benchmarks/gpqa/")
    count, response = queries(client, "/benchmarks/gpqa/")
    assert count > 0
    assert "ETag" not in response


# Conditional GET ----------------------------------------------------------------------


def test_a_matching_etag_is_answered_304_with_one_query(client, gpqa, django_assert_num_queries):
    etag = client.get("/benchmarks/gpqa/")["ETag"]

    with django_assert_num_queries(1):  # the data version
        response = client.get("/benchmarks/gpqa/", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "HX-Request" in response["Vary"]
    assert response["Cache-Control"] == "max-age=0, must-revalidate, public"


def test_a_weak_or_listed_etag_matches_too(client, gpqa):
    etag = client.get("/benchmarks/gpqa/")["ETag"]
    for header in (f"W/{etag}", f'"other", {etag}'):
        assert client.get("/benchmarks/gpqa/", headers={"If-None-Match": header}).status_code == 304


def test_the_page_etag_does_not_answer_for_the_partial(client, gpqa):
    etag = client.get("/benchmarks/gpqa/")["ETag"]
    response = client.get("/benchmarks/gpqa/", headers=HTMX | {"If-None-Match": etag})
    assert response.status_code == 200


def test_another_server_process_answers_the_same_etag_with_304(client, gpqa):
    """Each gunicorn worker has its own local cache and data version: the ETag is the
    page's content, so a worker that never saw the page still answers 304."""
    first = client.get("/benchmarks/gpqa/")
    cache.clear()  # as if another worker, with an empty cache, got the next request

    again = client.get("/benchmarks/gpqa/", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_an_old_etag_gets_the_changed_page(client, gpqa):
    etag = client.get("/benchmarks/gpqa/")["ETag"]
    gpqa.name = "GPQA Diamond"
    save(gpqa)

    response = client.get("/benchmarks/gpqa/", headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert "GPQA Diamond" in response.content.decode()
    assert response["ETag"] != etag


# Invalidation: every kind of change shows on the next request ------------------------


def shows(client, url: str, text: str) -> bool:
    return text in client.get(url).content.decode()


def test_an_admin_edit_shows_at_once(client, gpqa):
    category = gpqa.categories.get()
    assert shows(client, f"/categories/{category.slug}/", category.name)
    client.force_login(make_curator(is_superuser=True))

    url = f"/admin/benchmarks/category/{category.pk}/change/"

    response = client.post(url, form_data(client.get(url)) | {"name": "Renamed in the admin"})

    assert response.status_code == 302
    client.logout()
    assert shows(client, f"/categories/{category.slug}/", "Renamed in the admin")
    assert shows(client, "/benchmarks/gpqa/", "renamed in the admin")


def test_a_curator_applying_a_report_shows_at_once(client, gpqa, monkeypatch):
    monkeypatch.setattr(notifications, "notify_reporter", lambda ticket, *, base_url: True)
    result = gpqa.results.get()
    assert shows(client, "/benchmarks/gpqa/", "50.0%")
    assert not shows(client, "/benchmarks/gpqa/", "71.3%")
    report = make_data_report(result=result, suggested_value="0.713")

    services.apply_report(
        report=report, curator=make_curator(), public_reason="Corrected", base_url="http://x/"
    )

    assert shows(client, "/benchmarks/gpqa/", "71.3%")
    assert shows(client, "/models/gpt-5/", "71.3%")


def test_a_revert_shows_at_once(client, gpqa):
    result = gpqa.results.get()
    result.score = Decimal("0.75")
    result.normalized_score = Decimal("0.75")
    save(result)
    assert shows(client, "/benchmarks/gpqa/", "75.0%")

    services.revert_change(
        historical_record=result.history.earliest(),
        curator=make_curator(),
        public_reason="Mistaken",
    )

    page = client.get("/benchmarks/gpqa/").content.decode()
    leaderboard = page.split('<table class="leaderboard">', 1)[1]
    row = leaderboard.split("<tbody", 1)[1].split("</tr>", 1)[0]  # its first row
    assert "<td>50.0%" in row
    assert "75.0%" not in row


def test_an_offering_price_change_shows_on_the_model_page(client, gpqa):
    offering = make_offering(
        ai_model=gpqa.results.get().ai_model,
        input_usd_per_million=Decimal("1.25"),
        output_usd_per_million=Decimal("10"),
    )
    assert shows(client, "/models/gpt-5/", "$1.25")

    offering.input_usd_per_million = Decimal("0.75")
    offering.save()

    page = client.get("/models/gpt-5/").content.decode()
    assert "$0.75" in page
    assert "$1.25" not in page


def test_a_new_result_and_a_deletion_show_at_once(client, gpqa):
    row = ">Claude</a></th>"  # the model's cell in the leaderboard
    assert not shows(client, "/benchmarks/gpqa/", row)
    result = make_result(benchmark=gpqa, ai_model=make_ai_model(name="Claude"))
    assert shows(client, "/benchmarks/gpqa/", row)
    delete(result)
    assert not shows(client, "/benchmarks/gpqa/", row)


def test_a_category_added_to_a_benchmark_shows_at_once(client, gpqa):
    extra = make_category(name="Astrophysics")
    assert not shows(client, "/benchmarks/gpqa/", "astrophysics")
    gpqa.categories.add(extra)
    assert shows(client, "/benchmarks/gpqa/", "astrophysics")
    gpqa.categories.remove(extra)
    assert not shows(client, "/benchmarks/gpqa/", "astrophysics")


def test_an_organization_rename_shows_on_every_page(client, gpqa):
    organization = gpqa.results.get().ai_model.organization
    for url in ("/", "/models/", "/models/gpt-5/", "/benchmarks/gpqa/", "/organizations/"):
        assert not shows(client, url, "Renamed Lab"), url
    organization.name = "Renamed Lab"
    organization.save()
    for url in ("/", "/models/", "/models/gpt-5/", "/benchmarks/gpqa/", "/organizations/"):
        assert shows(client, url, "Renamed Lab"), url


def test_an_import_shows_at_once(client, tmp_path):
    tree = tmp_path / "llmstats"
    shutil.copytree(LLMSTATS_FIXTURE, tree)
    import_llmstats(root=tree)
    before = client.get("/models/acme-large/").content.decode()
    assert "86.12%" not in before
    path = tree / LARGE_RESULTS
    records = json.loads(path.read_text(encoding="utf-8"))
    records[0].update(score=0.8612, normalized_score=0.8612)
    path.write_text(json.dumps(records), encoding="utf-8")

    # Bulk updates send no signal: the import says itself that the data changed.
    import_llmstats(root=tree)

    assert shows(client, "/models/acme-large/", "86.12%")


def test_the_demo_banner_follows_load_demo_and_its_removal(client, gpqa):
    assert not shows(client, "/", "Demo data:")
    assert not shows(client, "/benchmarks/gpqa/", "Demo data:")

    load_demo(models=12, benchmarks=8, seed=1)

    assert shows(client, "/", "Demo data:")
    assert shows(client, "/benchmarks/gpqa/", "Demo data:")

    delete_demo()

    assert not shows(client, "/", "Demo data:")
    assert not shows(client, "/benchmarks/gpqa/", "Demo data:")


def test_a_write_in_a_transaction_bumps_again_when_it_commits(gpqa):
    before = caching.data_version()
    with transaction.atomic():
        for score in ("0.6", "0.7", "0.8"):
            result = gpqa.results.get()
            result.score = Decimal(score)
            save(result)
    assert caching.data_version() > before
    # (The test runs in a transaction that never commits: its callbacks are listed.)
    # One bump on commit for the whole transaction, however many rows it wrote.
    registered = [
        func
        for _savepoints, func, _robust in connection.run_on_commit
        if getattr(func, "bumps_data_version", False)
    ]
    assert len(registered) == 1
    during = caching.data_version()
    registered[0]()
    assert caching.data_version() > during


def test_a_change_another_process_made_shows_on_the_next_request(client, gpqa):
    """Another server worker, or a management command: its write reaches the database
    and the data version there, never this process's cache. Here the change is made
    without a signal, and the version bumped as the other process's write does."""
    assert shows(client, "/benchmarks/gpqa/", "50.0%")
    Result.objects.filter(benchmark=gpqa).update(
        score=Decimal("0.65"), normalized_score=Decimal("0.65")
    )
    assert shows(client, "/benchmarks/gpqa/", "50.0%")  # still this process's cached page

    with connection.cursor() as cursor:  # the other process's bump, in SQL
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval('benchboard_data_version')")
        else:
            cursor.execute("UPDATE benchboard_data_version SET version = version + 1")

    assert shows(client, "/benchmarks/gpqa/", "65.0%")


def test_a_version_is_never_used_twice_even_after_a_rollback(gpqa):
    before = caching.data_version()
    with contextlib.suppress(RuntimeError), transaction.atomic():
        caching.bump_data_version()
        raise RuntimeError("rolled back")
    caching.bump_data_version()
    assert caching.data_version() > before + 1 or connection.vendor == "postgresql"
    assert caching.data_version() > before


# Nothing personal is cached ---------------------------------------------------------


def test_public_pages_carry_no_csrf_token_and_set_no_cookie(client, gpqa):
    for url in ("/", "/benchmarks/gpqa/", "/models/gpt-5/"):
        response = client.get(url)
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert "X-CSRFToken" not in response.content.decode()
        assert not response.cookies, url


def test_the_report_form_is_never_cached(client, gpqa):
    response = client.get("/reports/new/?benchmark=gpqa")
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "csrftoken" in response.cookies
    assert "ETag" not in response
    count, again = queries(client, "/reports/new/?benchmark=gpqa")
    assert count > 0
    assert "ETag" not in again


@pytest.mark.parametrize(
    "personal",
    [
        lambda request, response: response.set_cookie("seen", "1"),
        lambda request, response: get_token(request),
        lambda request, response: response.headers.__setitem__("Vary", "Cookie"),
        lambda request, response: request.session.__getitem__("anything"),
        lambda request, response: response.headers.__setitem__("Cache-Control", "private"),
    ],
    ids=["set-cookie", "csrf-token", "vary-cookie", "session-read", "private"],
)
def test_a_response_that_is_personal_is_never_cached(personal):
    from django.contrib.sessions.backends.cache import SessionStore

    calls = []

    @caching.cache_public_page
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        response = HttpResponse("hello")
        with contextlib.suppress(KeyError):  # the session is empty
            personal(request, response)
        return response

    def request() -> HttpRequest:
        made = RequestFactory().get("/personal/")
        made.session = SessionStore()
        return made

    first = view(request())
    view(request())
    assert len(calls) == 2
    assert "ETag" not in first


def test_get_and_head_are_answered_from_the_cache_and_nothing_else():
    calls = []

    @caching.cache_public_page
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(request.method)
        return HttpResponse("hello")

    view(RequestFactory().get("/page/"))
    assert view(RequestFactory().head("/page/")).content == b"hello"  # the server drops it
    view(RequestFactory().post("/page/"))
    view(RequestFactory().post("/page/"))
    assert calls == ["GET", "POST", "POST"]


def test_the_host_is_part_of_the_key(client, gpqa, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    one = client.get("/benchmarks/gpqa/", HTTP_HOST="one.example").content.decode()
    two = client.get("/benchmarks/gpqa/", HTTP_HOST="two.example").content.decode()
    assert "http://one.example/benchmarks/gpqa/" in one
    assert "http://two.example/benchmarks/gpqa/" in two


# Redis ------------------------------------------------------------------------------


@pytest.fixture
def redis_cache(settings):
    """Django's Redis cache on the test Redis (db 15), under a prefix of this test's own."""
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.fail(
            f"The Redis cache is tested against a Redis at {TEST_REDIS_URL}: start one "
            "(.ci/run does) or set BENCHBOARD_TEST_REDIS_URL."
        )
    prefix = f"test-caching-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_pages_are_cached_in_redis_and_invalidated(client, gpqa, redis_cache):
    redis_client, prefix = redis_cache
    first = client.get("/benchmarks/gpqa/")
    page_keys = list(redis_client.scan_iter(f"{prefix}:*benchboard:page:*"))
    assert len(page_keys) == 1
    assert redis_client.ttl(page_keys[0]) <= caching.PAGE_LIFETIME
    count, second = queries(client, "/benchmarks/gpqa/")
    assert (count, second.content) == (1, first.content)  # one query: the data version
    assert (
        client.get("/benchmarks/gpqa/", headers={"If-None-Match": first["ETag"]}).status_code == 304
    )

    gpqa.name = "GPQA Redis"
    save(gpqa)

    assert shows(client, "/benchmarks/gpqa/", "GPQA Redis")
    assert len(list(redis_client.scan_iter(f"{prefix}:*benchboard:page:*"))) == 2


def test_an_unreachable_redis_serves_pages_uncached(client, gpqa, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/15",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.get("/benchmarks/gpqa/")
    assert response.status_code == 200
    assert "GPQA" in response.content.decode()
    count, again = queries(client, "/benchmarks/gpqa/")
    assert again.status_code == 200 and count > 1  # rendered again: nothing was kept


# Settings ---------------------------------------------------------------------------

PRINT_CACHES = """
import json
from django.conf import settings
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"],
    "location": settings.CACHES["default"].get("LOCATION"),
    "page_cache": settings.BENCHBOARD_PAGE_CACHE}))
"""


def cache_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "BENCHBOARD_PAGE_CACHE")}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", PRINT_CACHES],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_default_to_local_memory_and_the_page_cache_on():
    process = cache_settings()
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout) == {
        "backend": "config.cache_backends.BoundedLocMemCache",
        "location": "benchboard",
        "page_cache": True,
    }


def test_the_local_memory_cache_keeps_its_bytes_under_its_bound():
    """Pages with unique query strings once grew a worker from 70 to 187 MB: the stored
    bytes stay under MAX_BYTES, the least recently used leaving first."""
    bounded = BoundedLocMemCache(
        "bounded-test", {"OPTIONS": {"MAX_ENTRIES": 10_000, "MAX_BYTES": 1_000_000}}
    )
    page = "x" * 100_000
    bounded.set("kept", page)
    for n in range(50):
        bounded.set(f"page-{n}", page)
        bounded.get("kept")  # read often: recently used

    stored = sum(map(len, bounded._cache.values()))
    assert stored <= 1_000_000
    assert len(bounded._cache) == 9
    assert bounded.get("kept") == page
    assert bounded.get("page-49") == page and bounded.get("page-0") is None
    bounded.clear()


def test_settings_use_redis_when_cache_url_says_so():
    process = cache_settings(CACHE_URL="redis://127.0.0.1:6379/3", BENCHBOARD_PAGE_CACHE="0")
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout) == {
        "backend": "django.core.cache.backends.redis.RedisCache",
        "location": "redis://127.0.0.1:6379/3",
        "page_cache": False,
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CACHE_URL": "memcached://127.0.0.1"}, "CACHE_URL must be empty or start with"),
        ({"BENCHBOARD_PAGE_CACHE": "sometimes"}, "BENCHBOARD_PAGE_CACHE must be one of"),
    ],
)
def test_settings_refuse_malformed_values(env, message):
    process = cache_settings(**env)
    assert process.returncode != 0
    assert message in process.stderr
