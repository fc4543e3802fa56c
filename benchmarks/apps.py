from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "benchmarks"
    verbose_name = "Benchmarks and results"

    def ready(self) -> None:
        from config.caching import connect_data_signals

        # Every page shows this app's rows: any write to them makes cached pages stale.
        # (Each benchmark's result stats are kept by the writers: benchmarks.services.)
        connect_data_signals(self)
