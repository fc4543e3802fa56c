"""Both real sources as the test bed: the vendored LLM Stats snapshot and the Every Eval
Ever archive (data/), imported as `make run` imports them.

Imported once for the package, in a transaction rolled back after its last test (as
tests/realdata does for LLM Stats alone): each test runs in a savepoint inside it. Every
test here goes to one pytest-xdist worker.
"""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from tests.realdata_snapshot import import_snapshot

EEE_ARCHIVE = Path(settings.BASE_DIR) / "data" / "every-eval-ever-2026.tar.xz"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.xdist_group("realdata-eee"))


@pytest.fixture(scope="package")
def eee_root(tmp_path_factory) -> Path:
    from ingest.archives import extract

    root = tmp_path_factory.mktemp("every-eval-ever")
    extract(EEE_ARCHIVE, root)
    return root


@pytest.fixture(scope="package", autouse=True)
def both_sources(django_db_setup, django_db_blocker, snapshot_root, eee_root) -> Iterator[str]:
    """The import's report, as `manage.py import_eee` prints it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            import_snapshot(snapshot_root)
            out = io.StringIO()
            call_command("import_eee", str(eee_root), stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _database(db) -> None:
    """Every test here reads the database (inside the package's transaction)."""
