import importlib
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no cached page: those of the test before show rows that its
    rollback removed without a signal. A local-memory cache is emptied; a shared one
    (CACHE_URL set) is never flushed, only given a new data version."""
    from django.core.cache import cache, caches
    from django.core.cache.backends.locmem import LocMemCache

    from config.caching import bump_data_version

    if isinstance(caches["default"], LocMemCache):
        cache.clear()
    else:
        bump_data_version()


@pytest.fixture(autouse=True)
def _no_database_outage_carried_over():
    """A test that makes the database fail leaves the site's outage log (config.errors)
    waiting for the database to come back: end it, so the next test's first failure is
    logged again. (A test's connection stays open: no connection_created ends it.)"""
    yield
    from config.errors import database_outage_log

    database_outage_log().database_back()


@pytest.fixture(autouse=True)
def _result_stats_kept(request):
    """After every test that writes to the database, each benchmark's stored model
    counts and results_updated_at are still what its results say: whatever path a test
    writes results by (admin, triage, revert, import, demo data), a path that forgets
    them fails here."""
    if "_django_db_helper" not in request.fixturenames:
        yield
        return
    # Set up before this fixture, so torn down (rolled back) after its check.
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import connection

    from benchmarks.models import Benchmark, model_count, results_updated_at

    if connection.connection is None or not connection.is_usable():
        return  # a test that cut the connection on purpose
    rows = Benchmark.objects.annotate(
        counted=model_count("pk"),
        scored=model_count("pk", scored=True),
        changed=results_updated_at(),
    ).values_list(
        "slug",
        "model_count",
        "scored_model_count",
        "results_updated_at",
        "counted",
        "scored",
        "changed",
    )
    stale = [(slug, *values) for slug, *values in rows if values[:3] != values[3:]]
    assert not stale, f"stored result stats differ from the results (slug, kept, live): {stale}"


@pytest.fixture
def uncached_pages(settings):
    """Every request renders its page: for query counts, and for tests that change rows
    behind the ORM's back (queryset.update sends no signal to invalidate the page cache)."""
    settings.BENCHBOARD_PAGE_CACHE = False


@pytest.fixture(scope="session")
def llmstats_tree() -> Path:
    """The real LLM Stats data beside the checkout (../shared/data/llmstats)."""
    default = Path(settings.BASE_DIR).parent / "shared" / "data" / "llmstats"
    path = Path(os.environ.get("BENCHBOARD_LLMSTATS_PATH", default))
    if not (path / "data").is_dir():
        pytest.fail(
            f"The LLM Stats data is not at {path}: set BENCHBOARD_LLMSTATS_PATH to the folder "
            "that holds its data/ folder."
        )
    return path


@pytest.fixture(scope="session")
def snapshot_root(tmp_path_factory) -> Path:
    """The vendored LLM Stats snapshot (data/), unpacked once for the session."""
    from ingest.archives import extract
    from tests.realdata_snapshot import SNAPSHOT

    root = tmp_path_factory.mktemp("llmstats-snapshot")
    extract(SNAPSHOT, root)
    return root


@pytest.fixture
def curators_group(db):
    """The Curators group exactly as its migration makes it.

    Transactional tests (the browser tests) flush the database after they run, and
    the group comes from a data migration, so a later test makes it again here.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db import connection

    migration = importlib.import_module("submissions.migrations.0002_curators_group")
    schema_editor = SimpleNamespace(connection=connection)
    migration.create_curators_group(apps, schema_editor)
    importlib.import_module("models_registry.migrations.0005_model_links").grant(
        apps, schema_editor
    )
    return Group.objects.get(name=migration.GROUP_NAME)
