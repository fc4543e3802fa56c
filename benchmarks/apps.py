from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "benchmarks"
    verbose_name = "Benchmarks and results"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from benchmarks.models import (
            Benchmark,
            Result,
            benchmark_saved,
            result_deleted,
            result_saved,
            result_saving,
        )
        from config.caching import connect_data_signals

        # Every page shows this app's rows: any write to them makes cached pages stale.
        connect_data_signals(self)
        # Each benchmark's result stats follow every write of its results, and of itself.
        pre_save.connect(result_saving, sender=Result, dispatch_uid="benchboard.result_saving")
        post_save.connect(result_saved, sender=Result, dispatch_uid="benchboard.result_saved")
        post_delete.connect(result_deleted, sender=Result, dispatch_uid="benchboard.result_deleted")
        post_save.connect(
            benchmark_saved, sender=Benchmark, dispatch_uid="benchboard.benchmark_saved"
        )
