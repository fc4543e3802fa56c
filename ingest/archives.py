"""Reading a source's data from a folder or from an archive of it (.tar.xz, .tar.gz, .zip).

An archive is unpacked into a temporary folder that is removed afterwards, and only when
every member is a plain file or folder inside it: absolute names, `..`, links and device
files are refused, as are archives that would unpack past MAX_UNPACKED_BYTES or hold more
than MAX_MEMBERS members. Everything is checked before anything is written, so a refused
archive leaves nothing behind, and the importer reads nothing of it.
"""

import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# The vendored LLM Stats snapshot unpacks to 5.2 MB in 1,001 members, the Every Eval Ever
# boards to 33 MB in 5,255 files: these limits leave room for far larger sources while
# refusing an archive bomb.
MAX_UNPACKED_BYTES = 500 * 2**20
MAX_MEMBERS = 100_000
TAR_SUFFIXES = (".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar")
ZIP_SUFFIXES = (".zip",)


class ArchiveError(ValueError):
    """An archive that is refused; the message names the archive and the reason."""


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    kind: str  # "file", "folder" or what else it is (refused)


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(TAR_SUFFIXES + ZIP_SUFFIXES)


@contextmanager
def unpacked(path: Path) -> Iterator[Path]:
    """The folder to read: `path` itself when it is a folder, else the archive at `path`
    unpacked into a temporary folder for the duration of the block (the one folder it
    holds, when it holds nothing else)."""
    if path.is_dir() or not is_archive(path):
        yield path
        return
    if not path.is_file():
        raise ArchiveError(f"{path}: no such archive.")
    with tempfile.TemporaryDirectory(prefix="benchboard-import-") as folder:
        root = Path(folder)
        extract(path, root)
        # An archive of a folder (as GitHub packs a repository) holds that one folder.
        entries = list(root.iterdir())
        yield entries[0] if len(entries) == 1 and entries[0].is_dir() else root


def extract(path: Path, destination: Path) -> None:
    """Unpack the archive into destination, after checking every member (check_members)."""
    try:
        if path.name.lower().endswith(ZIP_SUFFIXES):
            with zipfile.ZipFile(path) as archive:
                check_members(path, [_zip_member(info) for info in archive.infolist()])
                _extract_zip(path, archive, destination)
        else:
            with tarfile.open(path) as archive:
                check_members(path, [_tar_member(info) for info in archive.getmembers()])
                archive.extractall(destination, filter="data")
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as error:
        raise ArchiveError(f"{path}: not a readable archive ({error}).") from error


def check_members(path: Path, members: list[Member]) -> None:
    """Refuse the archive unless every member is a plain file or folder under its root and
    the whole stays within the limits."""
    if len(members) > MAX_MEMBERS:
        raise ArchiveError(f"{path}: {len(members):,} members, more than {MAX_MEMBERS:,}.")
    total = 0
    for member in members:
        name = PurePosixPath(member.name.replace("\\", "/"))
        if name.is_absolute() or member.name.startswith(("/", "\\")) or ":" in name.parts[0]:
            raise ArchiveError(f"{path}: the member {member.name!r} has an absolute path.")
        if ".." in name.parts:
            raise ArchiveError(f"{path}: the member {member.name!r} points outside the archive.")
        if member.kind not in {"file", "folder"}:
            raise ArchiveError(
                f"{path}: the member {member.name!r} is a {member.kind}; only files and "
                "folders are read."
            )
        total += member.size
        if total > MAX_UNPACKED_BYTES:
            raise ArchiveError(f"{path}: it unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB.")


def _extract_zip(path: Path, archive: zipfile.ZipFile, destination: Path) -> None:
    """Unpack member by member, counting the bytes actually written: a zip's declared
    sizes can lie, so the limit holds for what comes out, not what the index says."""
    budget = MAX_UNPACKED_BYTES
    for info in archive.infolist():
        target = destination.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, target.open("wb") as out:
            while chunk := source.read(2**20):
                budget -= len(chunk)
                if budget < 0:
                    raise ArchiveError(
                        f"{path}: it unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB."
                    )
                out.write(chunk)


def _tar_member(info: tarfile.TarInfo) -> Member:
    if info.isfile():
        kind = "file"
    elif info.isdir():
        kind = "folder"
    elif info.issym() or info.islnk():
        kind = "link"
    else:
        kind = "special file"
    return Member(info.name, info.size, kind)


def _zip_member(info: zipfile.ZipInfo) -> Member:
    # A symbolic link is stored with the Unix file type in the high bits of external_attr.
    unix_type = (info.external_attr >> 16) & 0o170000
    if unix_type == 0o120000:
        kind = "link"
    elif info.is_dir():
        kind = "folder"
    else:
        kind = "file"
    return Member(info.filename, info.file_size, kind)
