"""The vendored LLM Stats snapshot (data/), as the tests import it."""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

SNAPSHOT = Path(settings.BASE_DIR) / "data" / "llmstats-2025-10-16.tar.xz"
CURATIONS = Path(settings.BASE_DIR) / "data" / "llmstats-curations.json"


def import_snapshot(root: Path) -> None:
    """Import the unpacked snapshot at `root` as `make run` does (its curations too)."""
    call_command("import_llmstats", str(root), "--curations", str(CURATIONS), stdout=io.StringIO())
