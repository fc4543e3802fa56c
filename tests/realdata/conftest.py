"""The real data as the test bed: every test in this package sees the vendored LLM Stats
snapshot (data/), imported as `make run` imports it.

The snapshot is imported once for the package, in a transaction that is rolled back
after its last test, as Django's TestCase.setUpTestData does for a class: each test runs
in a savepoint inside it (the `db` fixture), so tests change the data freely and never
see each other's changes. Tests that need the data committed (a browser against a live
server) use `committed_real_data` in tests/browser instead. Every test collected here
goes to one pytest-xdist worker (make test runs with --dist loadgroup), so the package
imports once per session.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction

from tests.realdata_snapshot import import_snapshot


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.xdist_group("realdata"))


@pytest.fixture(scope="package", autouse=True)
def real_data(django_db_setup, django_db_blocker, snapshot_root: Path) -> Iterator[None]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            import_snapshot(snapshot_root)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _database(db) -> None:
    """Every test here reads the database (inside the package's transaction)."""
