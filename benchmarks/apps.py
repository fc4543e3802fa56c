from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "benchmarks"
    verbose_name = "Benchmarks and results"

    def ready(self) -> None:
        from config.caching import connect_data_signals

        # Every page shows this app's rows: any write to them makes cached pages stale.
        connect_data_signals(self)
