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
    migration.create_curators_group(apps, SimpleNamespace(connection=connection))
    return Group.objects.get(name=migration.GROUP_NAME)
