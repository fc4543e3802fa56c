"""An outage of the database is logged once with its cause, its other failures counted,
and its end said (issue 15: a 22 s PostgreSQL stop under load logged 11,156 full
tracebacks). tests/test_database_down.py checks it through a real server."""

import logging
import sys

import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.utils import OperationalError

from config.errors import DatabaseOutageLog


def failed_request(path: str, error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except type(error):
        exc_info = sys.exc_info()
    return logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Service Unavailable: %s", (path,), exc_info
    )


@pytest.fixture
def outage_log():
    log = DatabaseOutageLog()
    yield log
    connection_created.disconnect(dispatch_uid=id(log))


def test_an_outage_is_logged_once_and_its_end_with_the_count(outage_log, caplog):
    refused = OperationalError("connection to server failed: Connection refused")
    records = [failed_request(f"/page-{n}/", refused) for n in range(500)]

    passed = [record for record in records if outage_log.filter(record)]

    assert len(passed) == 1
    assert passed[0].getMessage() == (
        "The database cannot be reached (OperationalError); failed requests are counted, "
        "not logged, until it is back. Service Unavailable: /page-0/"
    )
    assert passed[0].exc_info[1] is refused  # the cause, with its traceback
    with caplog.at_level(logging.WARNING, logger="config.errors"):
        connection_created.send(sender=type(connection), connection=connection)
    # (The site's own filter hears the signal too; it has no outage to end.)
    [back] = caplog.records
    assert back.getMessage().startswith("The database is reachable again after ")
    assert back.getMessage().endswith("; 499 more failed requests were not logged.")
    # A later outage is logged again; a connection made in between says nothing.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="config.errors"):
        connection_created.send(sender=type(connection), connection=connection)
    assert caplog.records == []
    assert outage_log.filter(failed_request("/again/", refused))


def test_other_errors_are_all_logged(outage_log):
    records = [failed_request("/x/", ValueError("a bug")) for _ in range(3)]
    assert all(outage_log.filter(record) for record in records)
    plain = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found", (), None)
    assert outage_log.filter(plain)


def test_a_503_logged_with_another_exception_counts_too(outage_log):
    """Django logs a 404 page that could not be rendered with the Http404, not the
    database's error: its 503 says what it was."""
    first = failed_request("/", OperationalError("refused"))
    not_found = failed_request("/no-such-page/", LookupError("not found"))
    not_found.status_code = 503
    assert outage_log.filter(first)
    assert not outage_log.filter(not_found)
