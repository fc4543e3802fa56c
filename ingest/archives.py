"""Reading a source's data from a folder, from an archive of it (.tar.xz, .tar.gz, .zip), or
from an http(s) URL of such an archive.

An archive is unpacked into a temporary folder that is removed afterwards, and only when
every member is a plain file or folder inside it: absolute names, `..`, links and device
files are refused, as are archives that would unpack past MAX_UNPACKED_BYTES or hold more
than MAX_MEMBERS members. Everything is checked before anything is written, so a refused
archive leaves nothing behind, and the importer reads nothing of it.

A URL is downloaded first (`located`) into a temporary folder, within MAX_DOWNLOAD_BYTES
and DOWNLOAD_TIMEOUT, then checked and unpacked as a local archive; whatever fails, the
temporary files are removed and the error names the URL and the cause.
"""

import hashlib
import http.client
import re
import socket
import ssl
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path, PurePosixPath
from urllib.error import HTTPError, URLError
from urllib.parse import unquote, urlsplit

# The vendored LLM Stats snapshot unpacks to 5.2 MB in 1,001 members, the Every Eval Ever
# boards to 33 MB in 5,255 files: these limits leave room for far larger sources while
# refusing an archive bomb.
MAX_UNPACKED_BYTES = 500 * 2**20
MAX_MEMBERS = 100_000
TAR_SUFFIXES = (".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar")
ZIP_SUFFIXES = (".zip",)

# A GitHub tarball of the LLM Stats repository at a commit is about 1 MB: 200 MB leaves room
# for far larger sources while a runaway or hostile server cannot fill the disk.
MAX_DOWNLOAD_BYTES = 200 * 2**20
# Seconds to connect, and to wait for each read; a server that stalls longer is given up.
DOWNLOAD_TIMEOUT = 60
# Seconds for the whole download, so that a server dripping bytes cannot hold a run forever.
DOWNLOAD_DEADLINE = 30 * 60
DOWNLOAD_CHUNK = 2**16
URL_SCHEMES = ("http", "https")
USER_AGENT = "Benchboard-import/1.0 (Benchboard leaderboard data import; Python urllib)"
# The archive type of a download whose URL has no archive suffix.
CONTENT_TYPE_SUFFIXES = {
    "application/gzip": ".tar.gz",
    "application/x-gzip": ".tar.gz",
    "application/x-tar": ".tar",
    "application/x-xz": ".tar.xz",
    "application/zip": ".zip",
    "application/x-zip-compressed": ".zip",
}
# A location such as "https:", "file:" or "ftp:" (two letters at least: "C:" is a drive).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")


class ArchiveError(ValueError):
    """An archive that is refused; the message names the archive and the reason."""


class DownloadError(ArchiveError):
    """A URL that could not be downloaded as an archive; the message names the URL and the
    cause."""


@dataclass(frozen=True)
class Located:
    """What an import reads and where it came from, for its record: the folder to read, the
    SHA-256 of the archive it was unpacked from (None for a folder), and the location as
    given (a path or a URL)."""

    folder: Path
    sha256: str | None
    location: str


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    kind: str  # "file", "folder" or what else it is (refused)


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(TAR_SUFFIXES + ZIP_SUFFIXES)


def is_url(location: str) -> bool:
    """Whether the location is a URL (of any scheme) rather than a local path; a path that
    exists is a path, whatever it looks like."""
    if not _SCHEME.match(location):
        return False
    try:
        return not Path(location).exists()
    except OSError:  # a name too long for a path, as a URL may be
        return True


@contextmanager
def located(location: str) -> Iterator[Located]:
    """The folder to read from a folder, an archive path or an http(s) URL of an archive,
    for the duration of the block. A URL is downloaded into a temporary folder and then
    checked and unpacked as a local archive is (`unpacked`); both are removed afterwards.
    Raises ArchiveError (DownloadError when the download fails) naming the location."""
    if not is_url(location):
        path = Path(location)
        with unpacked(path) as folder:
            sha256 = _sha256(path) if path.is_file() and is_archive(path) else None
            yield Located(folder=folder, sha256=sha256, location=location)
        return
    with tempfile.TemporaryDirectory(prefix="benchboard-download-") as temporary:
        archive, sha256 = download(location, Path(temporary))
        with ExitStack() as stack:
            try:
                folder = stack.enter_context(unpacked(archive))
            except ArchiveError as error:
                reason = str(error).removeprefix(f"{archive}: ")
                raise ArchiveError(f"{_shown(location)}: {reason}") from error
            yield Located(folder=folder, sha256=sha256, location=location)


def download(url: str, folder: Path) -> tuple[Path, str]:
    """Download the archive at the http(s) url into folder, within MAX_DOWNLOAD_BYTES,
    DOWNLOAD_TIMEOUT and DOWNLOAD_DEADLINE. Returns the file, named with the archive's
    suffix (from the URL's path, else the response headers, else its first bytes), and its
    SHA-256. Raises DownloadError naming the URL and the cause."""
    shown = _shown(url)
    parts = urlsplit(url)
    if parts.scheme.lower() not in URL_SCHEMES:
        raise DownloadError(
            f"{shown}: only http and https URLs are downloaded, not {parts.scheme}: ones."
        )
    if "@" in parts.netloc:
        raise DownloadError(f"{shown}: credentials in the URL are not sent; remove them.")
    if not parts.hostname:
        raise DownloadError(f"{shown}: the URL names no host.")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    partial = folder / "download.part"
    digest = hashlib.sha256()
    try:
        opener = urllib.request.build_opener(_HttpRedirects)
        with opener.open(request, timeout=DOWNLOAD_TIMEOUT) as response, partial.open("wb") as out:
            length = _content_length(response.headers)
            if length is not None and length > MAX_DOWNLOAD_BYTES:
                raise DownloadError(
                    f"{shown}: {length:,} bytes to download, more than the limit of "
                    f"{_size(MAX_DOWNLOAD_BYTES)}."
                )
            deadline = time.monotonic() + DOWNLOAD_DEADLINE
            size, head = 0, b""
            while chunk := response.read1(DOWNLOAD_CHUNK):
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise DownloadError(
                        f"{shown}: more than the limit of {_size(MAX_DOWNLOAD_BYTES)} to download."
                    )
                if time.monotonic() > deadline:
                    raise DownloadError(
                        f"{shown}: could not be downloaded: not done within {DOWNLOAD_DEADLINE} s."
                    )
                head += chunk[: 512 - len(head)]
                digest.update(chunk)
                out.write(chunk)
            if length is not None and size < length:
                raise DownloadError(
                    f"{shown}: could not be downloaded: the connection closed after {size:,} "
                    f"of {length:,} bytes."
                )
            suffix = (
                _path_suffix(parts.path)
                or _path_suffix(urlsplit(response.geturl()).path)
                or _header_suffix(response.headers)
                or _sniffed_suffix(head)
            )
            content_type = response.headers.get_content_type()
    except HTTPError as error:
        error.close()
        raise DownloadError(
            f"{shown}: could not be downloaded: the server answered HTTP {error.code} "
            f"{error.reason}."
        ) from None
    except URLError as error:
        raise DownloadError(f"{shown}: could not be downloaded: {_cause(error.reason)}.") from error
    except (OSError, http.client.HTTPException) as error:
        raise DownloadError(f"{shown}: could not be downloaded: {_cause(error)}.") from error
    if suffix is None:
        raise DownloadError(
            f"{shown}: not an archive (Content-Type {content_type}, and its first bytes are "
            "not those of a .tar.xz, .tar.gz, .tar or .zip)."
        )
    return partial.rename(folder / f"download{suffix}"), digest.hexdigest()


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
        reason = " ".join(str(error).split())  # tarfile's message spans several lines
        raise ArchiveError(f"{path}: not a readable archive ({reason}).") from error


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


class _HttpRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects (a GitHub /archive/ URL redirects to codeload.github.com) to http
    and https URLs only; urllib would also follow one to ftp:."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        scheme = urlsplit(newurl).scheme.lower()
        if scheme not in URL_SCHEMES:
            fp.close()
            raise URLError(f"redirected to a {scheme}: URL, and only http and https are followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _cause(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer within {DOWNLOAD_TIMEOUT} s"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, socket.gaierror):
        return "the host name could not be resolved"
    if isinstance(reason, ssl.SSLError):
        return f"the TLS connection failed ({reason})"
    if isinstance(reason, http.client.HTTPException | OSError):
        return f"{type(reason).__name__}: {reason}"
    return str(reason)


def _content_length(headers: Message) -> int | None:
    value = headers.get("Content-Length", "")
    return int(value) if value.strip().isdigit() else None


def _path_suffix(path: str) -> str | None:
    name = unquote(path).lower()
    return next((s for s in TAR_SUFFIXES + ZIP_SUFFIXES if name.endswith(s)), None)


def _header_suffix(headers: Message) -> str | None:
    """The suffix of the file name in Content-Disposition (only its suffix is used), else
    the one the Content-Type stands for."""
    filename = headers.get_filename()
    suffix = _path_suffix(filename) if filename else None
    return suffix or CONTENT_TYPE_SUFFIXES.get(headers.get_content_type())


def _sniffed_suffix(head: bytes) -> str | None:
    if head.startswith(b"\x1f\x8b"):
        return ".tar.gz"
    if head.startswith(b"\xfd7zXZ\x00"):
        return ".tar.xz"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ".zip"
    if head[257:262] == b"ustar":
        return ".tar"
    return None


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _shown(url: str) -> str:
    """The URL for a message, without any credentials it holds."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="…@" + parts.netloc.rpartition("@")[2]).geturl()


def _size(count: int) -> str:
    return f"{count // 2**20} MB" if count >= 2**20 else f"{count:,} bytes"
