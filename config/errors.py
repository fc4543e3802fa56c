"""Benchboard's error pages (config/urls.py names these handlers).

400, 403 and 404 are ordinary pages in the site's layout. 500 and 503 must render
when the database is gone, so they are standalone templates rendered without the
request: no context processor (several query the database) runs for them.

A request that fails because the database cannot be reached, whether in a view, a
middleware, a context processor or another error handler, ends in Django's handler
for uncaught exceptions, which calls server_error() from inside its `except`
block. server_error() answers such a failure with 503 and Retry-After, so clients
and proxies retry instead of showing a traceback or a bare 500.

An outage is logged once per process, not once per request (a 22 s PostgreSQL stop
under load logged 11,156 tracebacks, 64 MB): DatabaseOutageLog lets the first failure
through, with its cause and traceback, counts the others, and says when the database
is back (the next connection made) and how many failures it did not log.
"""

import logging
import sys
import threading
import time

from django.db.backends.signals import connection_created
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)

# Served when even an error template fails to render (a missing static manifest,
# a broken template): still a page, never a traceback.
_PLAIN = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>{title} — Benchboard'
    '</title><h1>{title}</h1><p>{text}</p><p><a href="/">Benchboard home</a></p></html>'
)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether an exception means the database cannot serve us now.

    OperationalError and InterfaceError are the DB-API's errors of the database's
    operation rather than of our queries: refused or dropped connections, a server
    shutting down, a locked SQLite file, too many clients. (Also a table missing
    from an unmigrated database, which a 503 reports no worse than a 500 would.)
    """
    return isinstance(exc, OperationalError | InterfaceError)


class DatabaseOutageLog(logging.Filter):
    """A filter for the django.request logger (settings.LOGGING): of the requests that
    fail because the database cannot be reached, the first of an outage is logged, with
    its cause; the others are counted. The outage ends when a connection to the
    database is made again, which is logged with the count and the outage's length."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._since: float | None = None
        self._unlogged = 0
        connection_created.connect(self.database_back, weak=False, dispatch_uid=id(self))

    def filter(self, record: logging.LogRecord) -> bool:
        error = _database_error(record.exc_info[1] if record.exc_info else None)
        # server_error() answers 503 only when the database cannot be reached; Django
        # logs the 503 of a 404 page that failed so with the Http404, not its cause.
        if error is None and getattr(record, "status_code", None) != 503:
            return True
        with self._lock:
            if self._since is None:
                self._since = time.monotonic()
                cause = type(error).__name__ if error is not None else "503"
                record.msg = (
                    f"The database cannot be reached ({cause}); failed requests are "
                    f"counted, not logged, until it is back. {record.msg}"
                )
                return True
            self._unlogged += 1
            return False

    def database_back(self, **kwargs: object) -> None:
        with self._lock:
            if self._since is None:
                return
            lasted, unlogged = time.monotonic() - self._since, self._unlogged
            self._since, self._unlogged = None, 0
        logger.warning(
            "The database is reachable again after %.1f s; %d more failed request%s not logged.",
            lasted,
            unlogged,
            " was" if unlogged == 1 else "s were",
        )


def _database_error(error: BaseException | None) -> BaseException | None:
    """The error of the database that an exception is, or was raised while handling (a
    404 page that could not be rendered, its context needing the database)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if database_unavailable(error):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


_outage_log: DatabaseOutageLog | None = None


def database_outage_log() -> DatabaseOutageLog:
    """The process's one outage filter (settings.LOGGING's factory)."""
    global _outage_log
    if _outage_log is None:
        _outage_log = DatabaseOutageLog()
    return _outage_log


def _standalone(template_name: str, status: int, title: str, text: str) -> HttpResponse:
    """A page rendered with no request, so nothing in it touches the database."""
    try:
        content = render_to_string(template_name)
    except Exception:
        logger.exception("The error page %s failed to render; served a plain one.", template_name)
        content = _PLAIN.format(title=title, text=text)
    response = HttpResponse(content, status=status)
    # An outage must not be kept by a cache after the site has recovered.
    add_never_cache_headers(response)
    return response


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Rendered without the request: a 400 can come from a disallowed Host header,
    # and building this page's canonical address from it would fail again.
    return _standalone(
        "400.html", 400, "Bad request", "The address or form could not be understood."
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if database_unavailable(sys.exception()):
        response = _standalone(
            "503.html",
            503,
            "Temporarily unavailable",
            f"Please try again in {RETRY_AFTER_SECONDS} seconds.",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _standalone(
        "500.html", 500, "Something went wrong", "The error has been logged; please try again."
    )
