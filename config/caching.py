"""The page cache of the public pages, and their conditional GET.

Every public page shows curated data only, the same to every visitor, so a page is
cached whole: the key is the data version, the page's full address (scheme, host,
path and query string) and whether it is an htmx swap or a history restore.

The data version is one integer held by the database (pages/migrations/0001): a
PostgreSQL sequence, or a one-row table on SQLite. Every server process reads the
same one, one cheap query before it answers from its cache, so a change shows on the
next request on every worker, whatever the cache backend. Any write to a curated model
bumps it (the apps' ready() connect data_changed to post_save, post_delete and
m2m_changed), and so do the bulk writes that send no signals (the LLM Stats import,
load_demo). A new version is a new key space: every page is rendered again on its next
request, and the old entries expire (PAGE_LIFETIME). Inside a transaction the version
is bumped at once and again when it commits, so a page rendered from the old rows
while the transaction was open is never kept under the new version. A version is never
used twice, even after a rollback: a shared cache never serves a page of rolled-back
data.

Each cached page carries an ETag made from its content, the same in every server
process: a request whose If-None-Match matches is answered 304 without a body, and,
when this process has the page cached, without rendering or a database query.
Cache-Control is "max-age=0, must-revalidate, public": a curator's correction has
to show on the very next request, so browsers and shared caches may keep a page but
must ask again each time, which costs a 304, one query and no rendering.

Without CACHE_URL each process keeps its own pages in memory (settings.CACHES bounds
how many); with CACHE_URL (a Redis) the processes share them. Either way the version
comes from the database.
"""

import functools
import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import has_vary_header, patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag

logger = logging.getLogger(__name__)

# How long a rendered page is kept. Pages of an older data version are never read
# again; they only wait for this to expire (or for the cache to cull them).
PAGE_LIFETIME = 600
# The headers that choose between a page, its htmx partial and a history restore.
VARY_HEADERS = ("HX-Request", "HX-History-Restore-Request")
CACHE_CONTROL = {"max_age": 0, "must_revalidate": True, "public": True}

type View = Callable[..., HttpResponse]


def _shielded[T](default: T, call: Callable[[], T]) -> T:
    """A cache operation that cannot fail the request: an unreachable Redis means
    pages are rendered uncached, not served as errors."""
    try:
        return call()
    except Exception:
        logger.warning("The cache is unavailable; serving without it.", exc_info=True)
        return default


def data_version(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The current data version, as the database holds it; None when it cannot be read
    (the page is then rendered without the cache, and fails as the database does)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        sql = "SELECT last_value FROM benchboard_data_version"
    else:
        sql = "SELECT version FROM benchboard_data_version WHERE id = 1"
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return row[0] if row else None


def bump_data_version(using: str = DEFAULT_DB_ALIAS) -> None:
    """A new data version. On PostgreSQL a sequence's next value: never waits for a
    lock, and is seen by every process at once. On SQLite the table's row, set past
    both its value and the clock in microseconds, so that a version a rolled-back
    transaction used is never used again."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval('benchboard_data_version')")
        else:
            cursor.execute(
                "UPDATE benchboard_data_version SET version = max(version + 1, %s) WHERE id = 1",
                [time.time_ns() // 1000],
            )


def data_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Call after any write to curated data: every cached page is stale from now on.

    Bumped at once (the writer's own next request sees the change even inside its
    transaction) and, inside a transaction, once more when it commits (once a
    transaction, however many rows it writes).
    """
    bump_data_version(using)
    connection = connections[using]
    if connection.in_atomic_block and not any(
        getattr(func, "bumps_data_version", False)
        for _savepoints, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_bump_on_commit(using), using=using, robust=True)


def _bump_on_commit(using: str) -> Callable[[], None]:
    def bump() -> None:
        bump_data_version(using)

    bump.bumps_data_version = True  # once a transaction
    return bump


def on_data_signal(*, using: str = DEFAULT_DB_ALIAS, **kwargs: object) -> None:
    """Receiver for post_save, post_delete and m2m_changed of the curated models."""
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed sends pre_ too
        return
    data_changed(using)


@functools.cache
def code_version() -> str:
    """A digest of the templates, the project's Python code and the static manifest:
    a deployment that changes any of them starts a new key space, so a shared cache
    never serves a page rendered by the previous release."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    files = [
        *base.glob("templates/**/*.html"),
        *base.glob("templates/**/*.txt"),
        *(
            path
            for app in (
                "config",
                "pages",
                "benchmarks",
                "models_registry",
                "sources",
                "submissions",
            )
            for path in (base / app).glob("**/*.py")
        ),
        Path(settings.STATIC_ROOT) / "staticfiles.json",
    ]
    for path in sorted(files):
        if path.is_file():
            digest.update(
                str(path.relative_to(base) if path.is_relative_to(base) else path).encode()
            )
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_key(request: HttpRequest, version: int) -> str:
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    htmx = "htmx" if request.headers.get("HX-Request") == "true" else "page"
    restore = "restore" if request.headers.get("HX-History-Restore-Request") == "true" else ""
    return f"benchboard:page:{code_version()}:{version}:{htmx}{restore}:{address}"


def page_etag(response: HttpResponse) -> str:
    """A digest of the page itself: every server process that renders the same data
    gives the same ETag, so a 304 does not depend on which worker answers."""
    return quote_etag(hashlib.sha256(response.content).hexdigest()[:32])


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == wanted for tag in parse_etags(header))


def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    """Only a plain 200 that is the same for every visitor: nothing that sets a
    cookie, reads the session or varies on cookies (a CSRF token, a message)."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and (session.accessed or session.modified))
        and not has_vary_header(response, "Cookie")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    patch_cache_control(response, **CACHE_CONTROL)
    patch_vary_headers(response, VARY_HEADERS)
    return response


def cache_public_page(view: View) -> View:
    """Serve a public page from the page cache, or answer 304 to a matching ETag.

    Off when BENCHBOARD_PAGE_CACHE is off, and for anything but GET and HEAD (a HEAD is
    answered as its GET, whose body the server leaves out). A response that
    is not the same for every visitor (see _cacheable) is passed through untouched.
    """

    @functools.wraps(view)
    def cached_view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not settings.BENCHBOARD_PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        version = data_version()
        if version is None:
            return view(request, *args, **kwargs)
        key = page_key(request, version)
        cached = _shielded(None, lambda: cache.get(key))
        if cached is None:
            cached = view(request, *args, **kwargs)
            if not _cacheable(request, cached):
                return cached
            _headers(cached, page_etag(cached))
            _shielded(None, lambda: cache.set(key, cached, PAGE_LIFETIME))
        if _matches(request, cached["ETag"]):
            return _headers(HttpResponseNotModified(), cached["ETag"])
        return cached

    return cached_view


def connect_data_signals(app_config: AppConfig) -> None:
    """Bump the data version on every write to the app's models: saves, deletions and
    many-to-many changes, of its models, their history records and join tables."""
    for model in app_config.get_models(include_auto_created=True):
        uid = f"benchboard.data_changed.{model._meta.label_lower}"
        post_save.connect(on_data_signal, sender=model, dispatch_uid=uid)
        post_delete.connect(on_data_signal, sender=model, dispatch_uid=uid)
        m2m_changed.connect(on_data_signal, sender=model, dispatch_uid=uid)
