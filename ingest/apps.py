from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Offline tools that write data: the importers and the demo data, with their
    commands. Request code never imports this app (tests/test_layering.py)."""

    name = "ingest"
    verbose_name = "Data import"
