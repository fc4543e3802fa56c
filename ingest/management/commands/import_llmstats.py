import shlex
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ingest.archives import MAX_DOWNLOAD_BYTES, ArchiveError, located
from ingest.curation import CurationError, apply_decisions, read_decisions
from ingest.llmstats import LLMStatsDataError
from ingest.services import import_llmstats
from models_registry.models import AIModel, Organization


class Command(BaseCommand):
    help = (
        "Import the LLM Stats data tree: licences, organizations, benchmarks, providers, "
        "models, offerings and results. Creates and updates, never deletes. PATH is the "
        "folder that holds data/ (or data/ itself), an archive of it (.tar.xz, .tar.gz, "
        ".zip), such as data/llmstats-2025-10-16.tar.xz, or an http(s) URL of such an "
        "archive, such as https://codeload.github.com/OWNER/REPO/tar.gz/COMMIT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            type=str,
            help="The folder that holds data/, an archive of it, or an http(s) URL of the "
            f"archive (at most {MAX_DOWNLOAD_BYTES // 2**20} MB, downloaded before the import "
            "starts).",
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
        path: str,
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
            with located(path) as source, transaction.atomic():
                report = import_llmstats(
                    root=source.folder,
                    dry_run=dry_run,
                    location=source.location,
                    sha256=source.sha256 or "",
                    command=shlex.join(
                        ["import_llmstats", path]
                        + (["--curations", str(curations)] if curations else [])
                    ),
                )
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
