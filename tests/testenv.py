"""Loaded with `-p tests.testenv` (pyproject.toml) before Django's settings are read.

The settings refuse to start without DJANGO_SECRET_KEY when DEBUG is off, which
is how the test suite runs; give the tests a key of their own unless one is set.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret-" + "x" * 40)
