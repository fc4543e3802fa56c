"""import_llmstats reads an http(s) URL of an archive: downloaded within its limits from a
real local HTTP server, then checked and unpacked as a local archive. Every failure names
the URL and the cause, writes nothing and leaves no temporary file behind."""

import hashlib
import io
import socket
import tarfile
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ingest import archives
from ingest.archives import ArchiveError, DownloadError, located
from models_registry.models import AIModel

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "llmstats"
VENDORED = Path(__file__).resolve().parent.parent.parent / "data" / "llmstats-2025-10-16.tar.xz"

Route = Callable[[BaseHTTPRequestHandler], None]


class Server(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.released = threading.Event()  # set at teardown: stalled handlers stop waiting
        self.requests: list[dict[str, str]] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up (timeout, limit) breaks the pipe: expected here


class Handler(BaseHTTPRequestHandler):
    server: Server

    def do_GET(self) -> None:
        self.server.requests.append(dict(self.headers))
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
        else:
            route(self)

    def log_message(self, format, *args) -> None:
        pass


def body(
    data: bytes, *, content_type: str = "application/octet-stream", length: bool = True, **headers
) -> Route:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        if length:
            handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(data)

    return respond


def status(code: int) -> Route:
    return lambda handler: handler.send_error(code)


def redirect(location: str) -> Route:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return respond


def stall_before_headers(handler: BaseHTTPRequestHandler) -> None:
    handler.server.released.wait(10)


def stall_in_body(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    handler.wfile.write(b"\x1f\x8b" + b"\0" * 8)
    handler.wfile.flush()
    handler.server.released.wait(10)


def drip(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.end_headers()
    while not handler.server.released.wait(0.05):
        handler.wfile.write(b"\0")
        handler.wfile.flush()


def cut_short(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    handler.wfile.write(b"\x1f\x8b" + b"\0" * 98)


@pytest.fixture
def server(monkeypatch) -> Iterator[Server]:
    monkeypatch.setenv("no_proxy", "*")  # never through a proxy of the environment
    monkeypatch.setenv("NO_PROXY", "*")
    server = Server()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def temporary(tmp_path, monkeypatch) -> Path:
    """The folder every temporary file and folder goes to, to see that none is left."""
    folder = tmp_path / "temporary"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def tar_gz(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(folder, arcname="llmstats")
    return buffer.getvalue()


def tar_xz(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:xz") as archive:
        archive.add(folder, arcname="llmstats")
    return buffer.getvalue()


def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(folder.rglob("*")):
            archive.write(file, Path("llmstats") / file.relative_to(folder))
    return buffer.getvalue()


def with_member(name: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo(name)
        info.size = 2
        archive.addfile(info, io.BytesIO(b"{}"))
    return buffer.getvalue()


@pytest.mark.django_db
def test_an_archive_url_imports_as_the_vendored_file_does(server, temporary):
    # A GitHub archive URL redirects to codeload.github.com, which names no suffix.
    server.routes["/OWNER/REPO/archive/abc123.tar.gz"] = redirect("/OWNER/REPO/tar.gz/abc123")
    server.routes["/OWNER/REPO/tar.gz/abc123"] = body(
        VENDORED.read_bytes(), content_type="application/x-xz"
    )
    url = server.url("/OWNER/REPO/archive/abc123.tar.gz")
    out = io.StringIO()

    call_command("import_llmstats", url, stdout=out)

    assert out.getvalue().startswith(f"LLM Stats import from {url}")
    assert "models               169" in out.getvalue()
    assert AIModel.objects.count() == 169
    assert "Benchboard" in server.requests[0]["User-Agent"]
    assert list(temporary.iterdir()) == []


def test_located_names_what_was_read(server, temporary):
    data = tar_gz(FIXTURE)
    server.routes["/llmstats.tar.gz"] = body(data)
    url = server.url("/llmstats.tar.gz")
    local = temporary.parent / "llmstats.tar.gz"
    local.write_bytes(data)

    with located(url) as source:
        assert (source.folder / "data").is_dir()
        assert source.sha256 == hashlib.sha256(data).hexdigest()
        assert source.location == url
    with located(str(local)) as source:
        assert (source.folder / "data").is_dir()
        assert source.sha256 == hashlib.sha256(data).hexdigest()
        assert source.location == str(local)
    with located(str(FIXTURE)) as source:
        assert source.folder == FIXTURE
        assert source.sha256 is None
    assert list(temporary.iterdir()) == []


@pytest.mark.parametrize(
    "route",
    [
        body(tar_gz(FIXTURE), content_type="application/x-gzip"),
        body(zipped(FIXTURE), content_type="application/zip"),
        body(tar_xz(FIXTURE), Content_Disposition="attachment; filename=REPO-abc123.tar.xz"),
        body(tar_gz(FIXTURE)),  # sniffed: 1f 8b
        body(tar_xz(FIXTURE)),  # sniffed: fd 37 7a 58 5a 00
        body(zipped(FIXTURE), length=False),  # sniffed: PK 03 04
    ],
    ids=["content-type gzip", "content-type zip", "disposition", "gzip", "xz", "zip"],
)
def test_a_url_without_a_suffix_is_read_by_its_headers_or_first_bytes(server, temporary, route):
    server.routes["/OWNER/REPO/tar.gz/abc123"] = route

    with located(server.url("/OWNER/REPO/tar.gz/abc123")) as source:
        assert (source.folder / "data").is_dir()
    assert list(temporary.iterdir()) == []


def closed_port() -> int:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return unused.getsockname()[1]


_getaddrinfo = socket.getaddrinfo


def unresolvable(host, *args, **kwargs):
    """Name lookup as it fails for a host that does not exist, without asking any DNS."""
    if str(host).endswith(".invalid"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return _getaddrinfo(host, *args, **kwargs)


# (path, route, limits to monkeypatch, expected message)
FAILURES = {
    "404": ("/gone.tar.gz", None, {}, "HTTP 404 Not Found"),
    "500": ("/error.tar.gz", status(500), {}, "HTTP 500 Internal Server Error"),
    "too large, declared": (
        "/big.tar.gz",
        body(b"\x1f\x8b" + b"\0" * 5000),
        {"MAX_DOWNLOAD_BYTES": 1000},
        "5,002 bytes to download, more than the limit of 1,000 bytes",
    ),
    "too large, streamed": (
        "/big.tar.gz",
        body(b"\x1f\x8b" + b"\0" * 5000, length=False),
        {"MAX_DOWNLOAD_BYTES": 1000, "DOWNLOAD_CHUNK": 100},
        "more than the limit of 1,000 bytes to download",
    ),
    "stalls before answering": (
        "/slow.tar.gz",
        stall_before_headers,
        {"DOWNLOAD_TIMEOUT": 0.5},
        "no answer within 0.5 s",
    ),
    "stalls in the body": (
        "/slow.tar.gz",
        stall_in_body,
        {"DOWNLOAD_TIMEOUT": 0.5},
        "no answer within 0.5 s",
    ),
    "drips past the deadline": (
        "/drip.tar.gz",
        drip,
        {"DOWNLOAD_DEADLINE": 0.3},
        "not done within 0.3 s",
    ),
    "cut short": ("/short.tar.gz", cut_short, {}, "closed after 100 of 1,000 bytes"),
    "not an archive": (
        "/OWNER/REPO/tar.gz/abc123",
        body(b"<!doctype html><p>Sign in", content_type="text/html"),
        {},
        "not an archive (Content-Type text/html",
    ),
    "not an archive, named as one": (
        "/page.tar.gz",
        body(b"<!doctype html><p>Sign in", content_type="text/html"),
        {},
        "not a readable archive",
    ),
    "a member outside the archive": (
        "/hostile.tar.gz",
        body(with_member("data/../../escape.json")),
        {},
        "the member 'data/../../escape.json' points outside the archive",
    ),
    "redirected to ftp": (
        "/moved.tar.gz",
        redirect("ftp://127.0.0.1/llmstats.tar.gz"),
        {},
        "redirected to a ftp: URL",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", FAILURES)
def test_a_failed_download_writes_nothing_and_leaves_nothing(server, temporary, monkeypatch, case):
    path, route, limits, message = FAILURES[case]
    if route is not None:
        server.routes[path] = route
    for name, value in limits.items():
        monkeypatch.setattr(archives, name, value)
    url = server.url(path)

    started = time.monotonic()
    with pytest.raises(CommandError) as error:
        call_command("import_llmstats", url, stdout=io.StringIO())

    assert str(error.value).startswith(f"{url}: ")
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert isinstance(error.value.__cause__, ArchiveError)
    assert time.monotonic() - started < 5
    assert AIModel.objects.count() == 0
    assert list(temporary.iterdir()) == []
    assert not (temporary.parent / "escape.json").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"http://127.0.0.1:{closed_port()}/llmstats.tar.gz", "the connection was refused"),
        ("http://llmstats.invalid/llmstats.tar.gz", "the host name could not be resolved"),
        ("file:///etc/passwd", "only http and https URLs are downloaded, not file: ones"),
        ("ftp://127.0.0.1/llmstats.tar.gz", "only http and https URLs are downloaded, not ftp:"),
        ("data:application/gzip;base64,H4sIAAAAAAAA", "only http and https URLs are"),
    ],
    ids=["refused", "dns", "file", "ftp", "data"],
)
def test_an_unreachable_or_refused_url_writes_nothing(temporary, monkeypatch, url, message):
    monkeypatch.setattr(socket, "getaddrinfo", unresolvable)

    with pytest.raises(CommandError, match=message) as error:
        call_command("import_llmstats", url, stdout=io.StringIO())

    assert str(error.value).startswith(f"{url}: ")
    assert isinstance(error.value.__cause__, DownloadError)
    assert AIModel.objects.count() == 0
    assert list(temporary.iterdir()) == []


def test_credentials_in_a_url_are_neither_sent_nor_shown(temporary):
    with (
        pytest.raises(DownloadError, match="credentials") as error,
        located("https://user:s3cret@example.com/llmstats.tar.gz"),
    ):
        pass

    assert "s3cret" not in str(error.value)
    assert list(temporary.iterdir()) == []
