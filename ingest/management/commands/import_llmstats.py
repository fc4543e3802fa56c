from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ingest.archives import ArchiveError, unpacked
from ingest.curation import CurationError, apply_decisions, read_decisions
from ingest.llmstats import LLMStatsDataError
from ingest.services import import_llmstats
from models_registry.models import AIModel, Organization


class Command(BaseCommand):
    help = (
        "Import the LLM Stats data tree: licences, organizations, benchmarks, providers, "
        "models, offerings and results. Creates and updates, never deletes. PATH is the "
        "folder that holds data/ (or data/ itself), or an archive of it (.tar.xz, .tar.gz, "
        ".zip), such as data/llmstats-2025-10-16.tar.xz."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, help="The folder that holds data/, or an archive of it."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything against the database and report, then save nothing.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Import only into a database that holds no models yet (make run).",
        )
        parser.add_argument(
            "--curations",
            type=Path,
            metavar="FILE",
            help="Then apply the curators' decisions in FILE (ingest/curation.py), such as "
            "data/llmstats-curations.json, in the same transaction.",
        )
        parser.add_argument(
            "--alongside-demo",
            action="store_true",
            help="Import even though the synthetic demo data is loaded, mixing the two.",
        )

    def handle(
        self,
        *args: object,
        path: Path,
        dry_run: bool,
        if_empty: bool,
        alongside_demo: bool,
        curations: Path | None,
        **options: object,
    ) -> None:
        if if_empty and AIModel.objects.exists():
            self.stdout.write("The database already holds models: nothing imported.")
            return
        if Organization.objects.demo().exists() and not alongside_demo:
            raise CommandError(
                "This database holds the synthetic demo data: real data imported beside it "
                "would be mixed with it on every page. Remove it first (manage.py load_demo "
                "--delete), or pass --alongside-demo to mix them anyway."
            )
        applied: list[str] = []
        try:
            with transaction.atomic(), unpacked(path) as folder:
                report = import_llmstats(root=folder, dry_run=dry_run)
                if curations is not None and not dry_run:
                    applied = apply_decisions(read_decisions(curations))
        except (ArchiveError, LLMStatsDataError, CurationError) as error:
            raise CommandError(str(error)) from error
        report.root = path
        self.stdout.write("\n".join(report.lines()))
        if curations is not None and not dry_run:
            self.stdout.write(f"Curators' decisions ({curations}): {len(applied)} applied")
            for line in applied:
                self.stdout.write(f"  {line}")
