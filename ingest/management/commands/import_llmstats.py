from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.llmstats import LLMStatsDataError
from ingest.services import import_llmstats


class Command(BaseCommand):
    help = (
        "Import the LLM Stats data tree: licences, organizations, benchmarks, providers, "
        "models, offerings and results. Creates and updates, never deletes. PATH is the "
        "folder that holds data/ (or data/ itself)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The folder that holds data/.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything against the database and report, then save nothing.",
        )

    def handle(self, *args: object, path: Path, dry_run: bool, **options: object) -> None:
        try:
            report = import_llmstats(root=path, dry_run=dry_run)
        except LLMStatsDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(report.lines()))
