import shlex

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.archives import MAX_DOWNLOAD_BYTES, ArchiveError, located
from ingest.eee import EEEDataError
from ingest.eee_import import import_eee
from models_registry.models import Organization


class Command(BaseCommand):
    help = (
        "Import Every Eval Ever results: each board (a folder under data/) as a source, its "
        "evaluations as benchmarks, its model ids linked to known models where certain. "
        "Creates and updates, never deletes. PATH is the folder that holds data/ (or data/ "
        "itself), an archive of it (.tar.xz, .tar.gz, .zip), such as "
        "data/every-eval-ever-2026.tar.xz, or an http(s) URL of such an archive."
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
            "--if-new",
            action="store_true",
            help="Import only when no Every Eval Ever source is in the database yet (make run).",
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
        if_new: bool,
        alongside_demo: bool,
        **options: object,
    ) -> None:
        from models_registry.models import ModelLink

        if if_new and ModelLink.objects.filter(scheme="every-eval-ever").exists():
            self.stdout.write("Every Eval Ever data is already imported: nothing imported.")
            return
        if Organization.objects.demo().exists() and not alongside_demo:
            raise CommandError(
                "This database holds the synthetic demo data: real data imported beside it "
                "would be mixed with it on every page. Remove it first (manage.py load_demo "
                "--delete), or pass --alongside-demo to mix them anyway."
            )
        try:
            with located(path) as source:
                report = import_eee(
                    root=source.folder,
                    dry_run=dry_run,
                    location=source.location,
                    sha256=source.sha256 or "",
                    command=shlex.join(["import_eee", path]),
                )
        except (ArchiveError, EEEDataError) as error:
            raise CommandError(str(error)) from error
        report.root = path
        self.stdout.write("\n".join(report.lines()))
