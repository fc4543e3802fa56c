import os
from pathlib import Path

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
