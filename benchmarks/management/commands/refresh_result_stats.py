from django.core.management.base import BaseCommand

from benchmarks.models import Benchmark
from benchmarks.services import refresh_result_stats


class Command(BaseCommand):
    help = (
        "Count again the models of every benchmark and note when its results last changed. "
        "Every write through the site, the admin, the import and load_demo keeps them; run "
        "this after changing results any other way (SQL, loading a part of a backup)."
    )

    def handle(self, *args: object, **options: object) -> None:
        refresh_result_stats()
        count = Benchmark.objects.count()
        self.stdout.write(
            f"Refreshed the result stats of {count:,} benchmark{'' if count == 1 else 's'}."
        )
