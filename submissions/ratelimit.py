"""How many tickets (reports and submissions together) one visitor may send.

At most settings.BENCHBOARD_TICKET_RATE_LIMIT tickets per client address in each
fixed window of settings.BENCHBOARD_TICKET_RATE_WINDOW seconds. Windows start at
whole multiples of the window length since the epoch, so every server process
agrees on them without talking to the others.

What counts: a POST whose form is valid, including one caught by the honeypot
(it looks accepted to its sender). A GET never counts, and neither does a form
sent back with errors: only a ticket that would be saved costs anything, and a
visitor fixing a typo should not lose a turn.

Where it counts: in Redis (INCR, then EXPIRE at the end of the window) when
settings.REDIS_URL is set, else in the database (RateLimitBucket). Both hold across
processes. If Redis cannot be reached, the database counts instead, so an outage
neither lets spam through nor turns into an error page.

The address is REMOTE_ADDR, stored only as an HMAC-SHA256 keyed with SECRET_KEY.
IPv6 addresses are counted per /64 network (one household or host usually holds a
whole /64). Behind a reverse proxy REMOTE_ADDR is the proxy's own address, so every
visitor would share one counter: have the proxy (or a middleware you trust) set
REMOTE_ADDR to the client's address. X-Forwarded-For is not read here because any
client can send one.

Ended windows are deleted from the database opportunistically, on about one hit in
CLEANUP_ONE_IN; Redis keys expire on their own.
"""

import datetime
import ipaddress
import logging
import secrets
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from submissions.models import RateLimitBucket

logger = logging.getLogger(__name__)

CLEANUP_ONE_IN = 50
REDIS_KEY_PREFIX = "benchboard:ticket-rate:"
_HMAC_SALT = "submissions.ratelimit"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the current window ends (at least 1)


def clock() -> datetime.datetime:
    """The current time; tests replace this function to move between windows."""
    return timezone.now()


def client_address(request: HttpRequest) -> str:
    """The address the limit applies to: REMOTE_ADDR, IPv6 reduced to its /64."""
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        # A Unix socket or a test client without an address: one shared counter.
        return raw or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def client_key(address: str) -> str:
    """A keyed hash of the address (64 hex digits): the raw address is never stored."""
    return salted_hmac(_HMAC_SALT, address, algorithm="sha256").hexdigest()


def current_window(now: datetime.datetime, length: int) -> tuple[datetime.datetime, int]:
    """The start of the fixed window holding now, and the seconds left in it."""
    seconds = int(now.timestamp())
    start = seconds - seconds % length
    return (
        datetime.datetime.fromtimestamp(start, tz=datetime.UTC),
        max(start + length - seconds, 1),
    )


def hit(address: str) -> Verdict:
    """Count one ticket from address and say whether it is within the limit."""
    limit = settings.BENCHBOARD_TICKET_RATE_LIMIT
    length = settings.BENCHBOARD_TICKET_RATE_WINDOW
    window_start, retry_after = current_window(clock(), length)
    key = client_key(address)
    count = None
    if settings.REDIS_URL:
        count = _redis_hit(settings.REDIS_URL, key, window_start, retry_after)
    if count is None:
        count = _database_hit(key, window_start)
        if secrets.randbelow(CLEANUP_ONE_IN) == 0:
            delete_ended_windows(window_start)
    return Verdict(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after)


def _database_hit(key: str, window_start: datetime.datetime) -> int:
    """Add one to the (key, window) row and return the new count.

    The UPDATE comes first: it locks the row (PostgreSQL) or the database (SQLite)
    before anything is read, so the count read back is exact under concurrency,
    and SQLite never has to upgrade a read lock (which fails instead of waiting).
    The first hit of a window inserts the row; when two processes race to insert
    it, the loser's insert fails on the unique constraint and it updates instead.
    """
    bucket = RateLimitBucket.objects.filter(key=key, window_start=window_start)
    with transaction.atomic():
        if not bucket.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateLimitBucket.objects.create(key=key, window_start=window_start, count=1)
                return 1
            except IntegrityError:
                bucket.update(count=F("count") + 1)
        return bucket.values_list("count", flat=True).get()


def delete_ended_windows(current_start: datetime.datetime) -> int:
    """Delete the buckets of every window that started before the current one."""
    deleted, _ = RateLimitBucket.objects.filter(window_start__lt=current_start).delete()
    return deleted


_redis_clients: dict[str, redis.Redis] = {}


def _redis(url: str) -> redis.Redis:
    # One client (and connection pool) per process; redis-py clients are thread-safe.
    if url not in _redis_clients:
        _redis_clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    return _redis_clients[url]


def _redis_hit(
    url: str, key: str, window_start: datetime.datetime, seconds_left: int
) -> int | None:
    """INCR the window's key, expiring with the window; None when Redis is unreachable."""
    name = f"{REDIS_KEY_PREFIX}{key}:{int(window_start.timestamp())}"
    try:
        pipe = _redis(url).pipeline(transaction=True)
        pipe.incr(name)
        # A second of slack so a key never vanishes just before its window ends.
        pipe.expire(name, seconds_left + 1)
        count, _ = pipe.execute()
    except redis.RedisError:
        logger.warning(
            "Redis unreachable for the ticket rate limit; counting in the database",
            exc_info=True,
        )
        return None
    return int(count)
