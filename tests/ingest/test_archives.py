"""import_llmstats reads a folder or an archive of it; hostile archives are refused with a
clear message before anything is unpacked or written."""

import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ingest import archives
from ingest.archives import ArchiveError, unpacked
from models_registry.models import DEMO_URL_PREFIX, AIModel
from tests.factories import make_organization

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "llmstats"
VENDORED = Path(__file__).resolve().parent.parent.parent / "data" / "llmstats-2025-10-16.tar.xz"


def tar_of(folder: Path, path: Path, mode: str) -> Path:
    with tarfile.open(path, mode) as archive:
        archive.add(folder, arcname="llmstats")
    return path


def zip_of(folder: Path, path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*")):
            archive.write(file, Path("llmstats") / file.relative_to(folder))
    return path


def import_output(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_llmstats", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["tar.xz", "tar.gz", "zip"])
def test_an_archive_imports_as_its_folder_does(tmp_path, kind):
    if kind == "zip":
        archive = zip_of(FIXTURE, tmp_path / "llmstats.zip")
    else:
        archive = tar_of(FIXTURE, tmp_path / f"llmstats.{kind}", f"w:{kind.split('.')[1]}")

    first = import_output(archive)
    models = AIModel.objects.count()

    assert first.startswith(f"LLM Stats import from {archive}")
    assert models > 0
    assert "Changed: nothing" in import_output(archive)
    assert "Changed: nothing" in import_output(FIXTURE)  # the same data as the folder


@pytest.mark.django_db
def test_the_vendored_snapshot_imports_whole():
    """data/ holds the full LLM Stats snapshot, so a clone without ../shared has it."""
    output = import_output(VENDORED)

    assert "models               169" in output
    assert "results             2222" in output
    assert AIModel.objects.filter(slug="medgemma-4b-it").exists()


def hostile_tar(path: Path, add) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        add(archive)
    return path


def tar_file(archive: tarfile.TarFile, name: str, data: bytes = b"{}") -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def tar_link(archive: tarfile.TarFile, name: str, target: str) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    archive.addfile(info)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("add", "reason"),
    [
        (lambda a: tar_file(a, "/etc/benchboard.json"), "has an absolute path"),
        (lambda a: tar_file(a, "data/../../escape.json"), "points outside the archive"),
        (lambda a: tar_link(a, "data/organizations", "/etc"), "is a link"),
    ],
)
def test_a_hostile_tar_is_refused_and_nothing_is_written(tmp_path, add, reason):
    path = hostile_tar(tmp_path / "hostile.tar.gz", add)

    with pytest.raises(CommandError, match=reason):
        import_output(path)

    assert not AIModel.objects.exists()
    assert not (tmp_path.parent / "escape.json").exists()


def test_a_zip_link_is_refused(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("data/organizations")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc")

    with pytest.raises(ArchiveError, match="is a link"), unpacked(path):
        pass


def test_an_archive_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 1000)
    tar_path = hostile_tar(
        tmp_path / "big.tar.gz", lambda a: tar_file(a, "data/x.json", b" " * 1001)
    )
    zip_path = tmp_path / "big.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/x.json", b" " * 1001)

    for path in (tar_path, zip_path):
        with pytest.raises(ArchiveError, match="unpacks to more than"), unpacked(path):
            pass


def test_a_broken_or_missing_archive_says_so(tmp_path):
    broken = tmp_path / "broken.tar.xz"
    broken.write_bytes(b"not an archive")

    with pytest.raises(ArchiveError, match="not a readable archive"), unpacked(broken):
        pass
    with pytest.raises(ArchiveError, match="no such archive"), unpacked(tmp_path / "gone.zip"):
        pass


def test_the_unpacked_folder_is_removed_afterwards(tmp_path):
    archive = tar_of(FIXTURE, tmp_path / "llmstats.tar.gz", "w:gz")

    with unpacked(archive) as folder:
        assert (folder / "data").is_dir()  # the archive's one folder, llmstats/
    assert not folder.exists()
    assert not folder.parent.exists()


@pytest.mark.django_db
def test_the_import_refuses_to_mix_with_the_demo_data_unless_told():
    make_organization(website=DEMO_URL_PREFIX + "lab")

    with pytest.raises(CommandError, match="holds the synthetic demo data"):
        import_output(FIXTURE)
    assert not AIModel.objects.exclude(organization__website__startswith=DEMO_URL_PREFIX).exists()

    assert "Changed: yes" in import_output(FIXTURE, "--alongside-demo")


@pytest.mark.django_db
def test_if_empty_imports_only_into_an_empty_database():
    assert "Changed: yes" in import_output(FIXTURE, "--if-empty")
    assert import_output(FIXTURE, "--if-empty").startswith("The database already holds models")
