"""The WSGI entry point gunicorn serves (config.wsgi)."""

import os
import subprocess
import sys

from django.conf import settings


def test_loading_the_application_freezes_what_it_loaded_out_of_the_collectors_way():
    """gc.freeze() after the application loads: full collections no longer walk Django's
    long-lived objects, which made the slow tail of large pages (make bench)."""
    program = "import gc, config.wsgi; print(gc.get_freeze_count())"
    completed = subprocess.run(
        [sys.executable, "-c", program],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    # Django and the apps alone are tens of thousands of objects.
    assert int(completed.stdout) > 10_000
