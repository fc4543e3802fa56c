"""The settings `manage.py bench` serves and measures the site with.

The production settings (config/settings.py, driven by the environment the bench
command sets: DEBUG off, a generated secret key, the bench database), except that
static files are collected into a folder of the bench's own, next to its database,
so a bench run never touches the staticfiles/ folder `make run` serves.
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR

BENCH_DIR = BASE_DIR / ".bench"
STATIC_ROOT = BENCH_DIR / "staticfiles"
