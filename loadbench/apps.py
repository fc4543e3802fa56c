from django.apps import AppConfig


class LoadbenchConfig(AppConfig):
    """`manage.py bench` (make bench): the site measured under load. Offline: request
    code never imports this app (tests/test_layering.py)."""

    name = "loadbench"
    verbose_name = "Load bench"
