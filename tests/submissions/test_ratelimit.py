"""The ticket rate limit: fixed windows per client address, in the database or Redis."""

import datetime
import os
import threading
import uuid

import pytest
import redis
from django.db import connection, connections
from django.db.models import QuerySet
from django.test import RequestFactory

from submissions import ratelimit
from submissions.models import DataReport, RateLimitBucket, ResultSubmission
from tests.factories import make_ai_model, make_benchmark

LIMIT = 5
WINDOW = 600
# 10:00:00 UTC is a whole multiple of 600 seconds since the epoch: a window starts.
START = datetime.datetime(2025, 6, 1, 10, 0, tzinfo=datetime.UTC)
TEST_REDIS_URL = os.environ.get("BENCHBOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def limits(settings):
    settings.BENCHBOARD_TICKET_RATE_LIMIT = LIMIT
    settings.BENCHBOARD_TICKET_RATE_WINDOW = WINDOW
    settings.REDIS_URL = ""
    return settings


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(START + datetime.timedelta(seconds=125))
    monkeypatch.setattr(ratelimit, "clock", clock)
    return clock


@pytest.fixture
def redis_keys(monkeypatch, limits):
    """Count in the local Redis (database 15) under a prefix of this test's own."""
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.fail(
            f"The Redis rate limit is tested against a Redis at {TEST_REDIS_URL}: start one "
            "(.ci/run does) or set BENCHBOARD_TEST_REDIS_URL."
        )
    prefix = f"benchboard-test:{uuid.uuid4().hex}:"
    monkeypatch.setattr(ratelimit, "REDIS_KEY_PREFIX", prefix)
    limits.REDIS_URL = TEST_REDIS_URL
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


# Pure parts


def test_windows_are_fixed_and_shared_by_every_process():
    start, left = ratelimit.current_window(START + datetime.timedelta(seconds=125), WINDOW)

    assert start == START
    assert left == WINDOW - 125


def test_the_last_second_of_a_window_still_has_a_second_to_wait():
    start, left = ratelimit.current_window(START + datetime.timedelta(seconds=599.9), WINDOW)

    assert (start, left) == (START, 1)


def test_a_new_window_starts_on_the_boundary():
    start, left = ratelimit.current_window(START + datetime.timedelta(seconds=600), WINDOW)

    assert (start, left) == (START + datetime.timedelta(seconds=600), WINDOW)


def test_key_is_a_keyed_hash_not_the_address(settings):
    key = ratelimit.client_key("203.0.113.7")

    assert len(key) == 64 and int(key, 16) >= 0
    assert "203.0.113.7" not in key
    assert key != ratelimit.client_key("203.0.113.8")
    settings.SECRET_KEY = "another-secret-" + "y" * 40
    assert key != ratelimit.client_key("203.0.113.7")


@pytest.mark.parametrize(
    ("remote_addr", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", "unknown"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_client_address_is_remote_addr_with_ipv6_per_network(remote_addr, counted_as):
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)

    assert ratelimit.client_address(request) == counted_as


def test_forwarded_headers_are_not_trusted():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )

    assert ratelimit.client_address(request) == "203.0.113.7"


# Counting in the database


@pytest.mark.django_db
def test_the_sixth_hit_in_a_window_is_refused(clock):
    verdicts = [ratelimit.hit("203.0.113.7") for _ in range(LIMIT + 1)]

    assert [v.allowed for v in verdicts] == [True] * LIMIT + [False]
    assert [v.count for v in verdicts] == list(range(1, LIMIT + 2))
    assert verdicts[-1].retry_after == WINDOW - 125
    bucket = RateLimitBucket.objects.get()
    assert (bucket.window_start, bucket.count) == (START, LIMIT + 1)
    assert bucket.key == ratelimit.client_key("203.0.113.7")


@pytest.mark.django_db
def test_a_new_window_allows_again(clock):
    for _ in range(LIMIT + 1):
        ratelimit.hit("203.0.113.7")

    clock.advance(WINDOW - 125)  # exactly the next window's start

    assert ratelimit.hit("203.0.113.7").allowed


@pytest.mark.django_db
def test_addresses_are_counted_apart(clock):
    for _ in range(LIMIT):
        ratelimit.hit("203.0.113.7")

    assert ratelimit.hit("203.0.113.8").allowed
    assert not ratelimit.hit("203.0.113.7").allowed


@pytest.mark.django_db
def test_ended_windows_are_cleared_out_now_and_then(clock, monkeypatch):
    monkeypatch.setattr(ratelimit, "CLEANUP_ONE_IN", 10**12)  # no chance clean-up yet
    ratelimit.hit("203.0.113.7")
    clock.advance(WINDOW)
    ratelimit.hit("203.0.113.8")
    assert RateLimitBucket.objects.count() == 2

    monkeypatch.setattr(ratelimit, "CLEANUP_ONE_IN", 1)  # every hit cleans up
    ratelimit.hit("203.0.113.9")

    assert (
        sorted(RateLimitBucket.objects.values_list("window_start", flat=True))
        == [START + datetime.timedelta(seconds=WINDOW)] * 2
    )


@pytest.mark.django_db
def test_losing_the_race_to_create_the_bucket_still_counts(clock, monkeypatch):
    real_update = QuerySet.update
    raced = []

    def update_then_lose_the_race(self, **fields):
        if self.model is RateLimitBucket and not raced:
            # Our UPDATE finds no row; another process then inserts the window's row
            # (committed before our INSERT, which therefore fails).
            raced.append(True)
            key = ratelimit.client_key("203.0.113.7")
            RateLimitBucket.objects.bulk_create(
                [RateLimitBucket(key=key, window_start=START, count=1)]
            )
            return 0
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", update_then_lose_the_race)

    verdict = ratelimit.hit("203.0.113.7")

    assert raced
    assert verdict.count == 2
    assert RateLimitBucket.objects.get().count == 2


def _hit_in_a_thread(address: str, times: int, verdicts: list, barrier=None) -> None:
    try:
        if barrier is not None:
            barrier.wait()
        for _ in range(times):
            verdicts.append(ratelimit.hit(address))
    finally:
        connections.close_all()  # each thread opened its own database connection


@pytest.mark.django_db(transaction=True)
def test_separate_connections_share_one_counter(clock):
    verdicts: list[ratelimit.Verdict] = []
    for times in (3, 3):
        thread = threading.Thread(target=_hit_in_a_thread, args=("203.0.113.7", times, verdicts))
        thread.start()
        thread.join()

    assert [v.count for v in verdicts] == [1, 2, 3, 4, 5, 6]
    assert [v.allowed for v in verdicts] == [True] * 5 + [False]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="an in-memory SQLite test database serializes threads with table locks",
)
def test_simultaneous_first_hits_are_all_counted(clock):
    threads_count = 8
    verdicts: list[ratelimit.Verdict] = []
    barrier = threading.Barrier(threads_count)
    threads = [
        threading.Thread(target=_hit_in_a_thread, args=("203.0.113.7", 1, verdicts, barrier))
        for _ in range(threads_count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(v.count for v in verdicts) == list(range(1, threads_count + 1))
    assert sum(v.allowed for v in verdicts) == LIMIT
    assert RateLimitBucket.objects.get().count == threads_count


# Counting in Redis


@pytest.mark.django_db
def test_redis_counts_instead_of_the_database(clock, redis_keys):
    client, prefix = redis_keys

    verdicts = [ratelimit.hit("203.0.113.7") for _ in range(LIMIT + 1)]

    assert [v.allowed for v in verdicts] == [True] * LIMIT + [False]
    assert not RateLimitBucket.objects.exists()
    (key,) = client.keys(f"{prefix}*")
    assert key.decode() == (
        f"{prefix}{ratelimit.client_key('203.0.113.7')}:{int(START.timestamp())}"
    )
    assert b"203.0.113.7" not in key
    assert int(client.get(key)) == LIMIT + 1
    assert 0 < client.ttl(key) <= WINDOW - 125 + 1


@pytest.mark.django_db
def test_redis_windows_end_too(clock, redis_keys):
    for _ in range(LIMIT + 1):
        ratelimit.hit("203.0.113.7")

    clock.advance(WINDOW)

    assert ratelimit.hit("203.0.113.7").count == 1


@pytest.mark.django_db
def test_unreachable_redis_falls_back_to_the_database(clock, limits, caplog):
    limits.REDIS_URL = "redis://127.0.0.1:1/15"

    verdict = ratelimit.hit("203.0.113.7")

    assert verdict.allowed
    assert RateLimitBucket.objects.get().count == 1
    assert "Redis unreachable" in caplog.text


# Through the views


def report(**fields) -> dict[str, str]:
    return {"kind": "other", "description": "Something is off.", "website": ""} | fields


def submission(**fields) -> dict[str, str]:
    return {
        "ai_model": "gpt-5",
        "benchmark": "gpqa",
        "score": "0.5",
        "source_url": "https://example.org/",
        "website": "",
    } | fields


@pytest.fixture
def targets(db):
    make_benchmark(slug="gpqa", name="GPQA")
    make_ai_model(slug="gpt-5", name="GPT-5")


REPORT_URL = "/reports/new/?benchmark=gpqa"


@pytest.mark.django_db
def test_sixth_ticket_gets_429_with_retry_after_and_nothing_saved(client, clock, targets):
    for _ in range(LIMIT):
        assert client.post(REPORT_URL, report()).status_code == 303

    response = client.post(REPORT_URL, report(description="The sixth."))

    assert response.status_code == 429
    assert response["Retry-After"] == str(WINDOW - 125)
    assert "Please wait a little" in response.content.decode()
    assert "try again in 8 minutes" in response.content.decode()
    assert DataReport.objects.count() == LIMIT
    assert not DataReport.objects.filter(description="The sixth.").exists()

    clock.advance(WINDOW)
    assert client.post(REPORT_URL, report()).status_code == 303
    assert DataReport.objects.count() == LIMIT + 1


@pytest.mark.django_db
def test_reports_and_submissions_share_the_limit(client, clock, targets):
    for _ in range(3):
        client.post(REPORT_URL, report())
    for _ in range(2):
        assert client.post("/submit/", submission()).status_code == 303

    response = client.post("/submit/", submission())

    assert response.status_code == 429
    assert response["Retry-After"]
    assert ResultSubmission.objects.count() == 2


@pytest.mark.django_db
def test_gets_and_invalid_forms_do_not_count(client, clock, targets):
    for _ in range(10):
        client.get(REPORT_URL)
        client.get("/submit/")
        assert client.post(REPORT_URL, report(description="")).status_code == 200

    assert not RateLimitBucket.objects.exists()
    assert client.post(REPORT_URL, report()).status_code == 303


@pytest.mark.django_db
def test_honeypot_catches_count(client, clock, targets):
    for _ in range(LIMIT):
        client.post(REPORT_URL, report(website="spam"))

    assert client.post(REPORT_URL, report()).status_code == 429
    assert not DataReport.objects.exists()


@pytest.mark.django_db
def test_another_address_is_not_limited(client, clock, targets):
    for _ in range(LIMIT + 1):
        client.post(REPORT_URL, report(), REMOTE_ADDR="203.0.113.7")

    assert client.post(REPORT_URL, report(), REMOTE_ADDR="203.0.113.8").status_code == 303
    assert not RateLimitBucket.objects.filter(key__contains="203.0.113").exists()


@pytest.mark.django_db
def test_htmx_over_the_limit_keeps_the_form_and_says_why(client, clock, targets):
    for _ in range(LIMIT):
        client.post(REPORT_URL, report())

    response = client.post(
        REPORT_URL, report(description="Keep my words."), headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    # htmx swaps only successful responses, so the message comes with a 200.
    assert response.status_code == 200
    assert response["Retry-After"] == str(WINDOW - 125)
    assert page.lstrip().startswith('<section id="report-form"')
    assert "you have reached that" in page
    assert "Keep my words." in page
    assert DataReport.objects.count() == LIMIT


@pytest.mark.django_db
def test_the_limit_holds_through_redis_too(client, clock, targets, redis_keys):
    for _ in range(LIMIT):
        assert client.post(REPORT_URL, report()).status_code == 303

    assert client.post("/submit/", submission()).status_code == 429
    assert not RateLimitBucket.objects.exists()
    assert not ResultSubmission.objects.exists()
