import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from benchmarks.models import Benchmark
from ingest.demo import (
    DEFAULT_BENCHMARKS,
    DEFAULT_MODELS,
    DEFAULT_SEED,
    SlugTakenError,
    delete_demo,
    load_demo,
)
from models_registry.models import AIModel


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


class Command(BaseCommand):
    help = (
        "Load a deterministic synthetic catalogue (models, benchmarks, results), replacing "
        "earlier demo data; real data is never touched."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--models", type=positive_int, default=DEFAULT_MODELS)
        parser.add_argument("--benchmarks", type=positive_int, default=DEFAULT_BENCHMARKS)
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="The same seed gives the same rows."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds any model or benchmark.",
        )
        mode.add_argument("--delete", action="store_true", help="Remove the demo data only.")

    def handle(
        self, *, models: int, benchmarks: int, seed: int, if_empty: bool, delete: bool, **options
    ) -> None:
        started = time.perf_counter()
        if delete:
            summary = delete_demo()
            self.stdout.write(f"Deleted demo data in {self.since(started)}: {summary}.")
            return
        if if_empty and (AIModel.objects.exists() or Benchmark.objects.exists()):
            self.stdout.write("The database already holds models or benchmarks: demo not loaded.")
            return
        try:
            summary = load_demo(models=models, benchmarks=benchmarks, seed=seed)
        except SlugTakenError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Loaded demo data in {self.since(started)}: {summary}.")

    @staticmethod
    def since(started: float) -> str:
        return f"{time.perf_counter() - started:.1f} s"
