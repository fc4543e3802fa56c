"""Security headers, the Content Security Policy, cookies, check --deploy and the admin
login throttle (django-axes)."""

import datetime
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db.models import F
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from config.security import permissions_policy_header
from tests.factories import make_benchmark

BASE_DIR = Path(__file__).resolve().parent.parent
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PASSWORD = "a-long-admin-passphrase"

# Variables the subprocess tests set themselves; any value in the calling shell is dropped
# (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process, and check --deploy
# rightly refuses it).
SECURITY_VARIABLES = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_BEHIND_HTTPS_PROXY",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_HSTS_PRELOAD",
    "DJANGO_EMAIL_HOST",
    "BENCHBOARD_LOGIN_FAILURE_LIMIT",
    "BENCHBOARD_LOGIN_COOLOFF_MINUTES",
)
PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_HSTS_PRELOAD": settings.SECURE_HSTS_PRELOAD,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_CSP": bool(settings.SECURE_CSP),
    "AXES_FAILURE_LIMIT": settings.AXES_FAILURE_LIMIT,
    "AXES_COOLOFF_SECONDS": settings.AXES_COOLOFF_TIME.total_seconds(),
}))
"""


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SECURITY_VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def loaded(**env: str) -> dict:
    env.setdefault("DJANGO_SECRET_KEY", "tests-only-" + "k" * 50)
    process = run_python(["-c", PRINT_SETTINGS], **env)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def production_env() -> dict[str, str]:
    """The production settings README's Deploying section lists."""
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "bench.example.org",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://bench.example.org",
        "DJANGO_BEHIND_HTTPS_PROXY": "1",
        "DJANGO_EMAIL_HOST": "smtp.example.org",
    }


# Headers -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/benchmarks/gpqa/",
        "/benchmarks/gpqa/?sort=model",
        "/robots.txt",
        "/no-such-page/",
        "/admin/login/",
    ],
)
def test_every_response_has_the_security_headers(client, url):
    make_benchmark(slug="gpqa", name="GPQA")

    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(url, headers=headers)

        assert response["Content-Security-Policy"] == EXPECTED_CSP
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
            assert f"{feature}=()" in policy.split(", ")
        assert "Strict-Transport-Security" not in response  # plain HTTP


def test_the_policy_allows_no_inline_code_eval_or_nonce():
    directives = {key: " ".join(values) for key, values in django_settings.SECURE_CSP.items()}
    assert all("unsafe" not in value and "nonce" not in value for value in directives.values())
    assert not django_settings.SECURE_CSP_REPORT_ONLY


def test_permissions_policy_header_format():
    assert permissions_policy_header({"camera": [], "fullscreen": ["self"]}) == (
        "camera=(), fullscreen=(self)"
    )


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_style(client):
    make_benchmark(slug="gpqa", name="GPQA")
    for url in ("/", "/benchmarks/gpqa/", "/admin/login/"):
        html = client.get(url).text
        assert " style=" not in html and "<style" not in html, url
        # Every <script> loads a file, or is data (json_script, JSON-LD).
        for chunk in html.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag or 'type="application/' in tag, (url, tag)


@pytest.mark.django_db
def test_hsts_is_sent_over_https_only(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000

    over_https = client.get("/", headers={"X-Forwarded-Proto": "https"})
    over_http = Client().get("/")

    assert over_https["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in over_http


def test_behind_an_https_proxy_hsts_and_redirect_are_on_and_subdomains_only_when_asked():
    direct = loaded()
    assert direct["SECURE_PROXY_SSL_HEADER"] is None
    assert (direct["SECURE_SSL_REDIRECT"], direct["SECURE_HSTS_SECONDS"]) == (False, 0)

    proxied = loaded(DJANGO_BEHIND_HTTPS_PROXY="1")
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert (proxied["SECURE_SSL_REDIRECT"], proxied["SECURE_HSTS_SECONDS"]) == (True, 31_536_000)
    assert proxied["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert proxied["SECURE_HSTS_PRELOAD"] is False

    asked = loaded(
        DJANGO_BEHIND_HTTPS_PROXY="1",
        DJANGO_HSTS_SECONDS="600",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="1",
        DJANGO_HSTS_PRELOAD="1",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    assert asked["SECURE_HSTS_SECONDS"] == 600
    assert asked["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert asked["SECURE_HSTS_PRELOAD"] is True
    assert asked["SECURE_SSL_REDIRECT"] is False


def test_cookies_are_secure_outside_debug_and_the_csp_is_on_everywhere():
    production = loaded()
    debug = loaded(DJANGO_DEBUG="1")

    assert (production["SESSION_COOKIE_SECURE"], production["CSRF_COOKIE_SECURE"]) == (True, True)
    assert (debug["SESSION_COOKIE_SECURE"], debug["CSRF_COOKIE_SECURE"]) == (False, False)
    assert production["SECURE_CSP"] and debug["SECURE_CSP"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_HSTS_SECONDS", "a year"),
        ("DJANGO_HSTS_SECONDS", "-1"),
        ("DJANGO_HSTS_PRELOAD", "maybe"),
        ("BENCHBOARD_LOGIN_FAILURE_LIMIT", "0"),
        ("BENCHBOARD_LOGIN_COOLOFF_MINUTES", "soon"),
    ],
)
def test_bad_security_values_stop_start_up_naming_the_variable(variable, value):
    process = run_python(
        ["-c", PRINT_SETTINGS], DJANGO_SECRET_KEY="tests-only-" + "k" * 50, **{variable: value}
    )
    assert process.returncode != 0
    assert variable in process.stderr


def test_check_deploy_reports_nothing_with_production_settings():
    process = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], **production_env()
    )

    assert process.returncode == 0, process.stdout + process.stderr
    # Only HSTS for subdomains and preloading, which are the operator's choice (settings.py).
    assert "System check identified no issues (2 silenced)." in process.stdout, (
        process.stdout + process.stderr
    )


def test_check_deploy_does_report_an_unsafe_setting():
    env = {**production_env(), "DJANGO_BEHIND_HTTPS_PROXY": "0"}
    process = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)

    assert process.returncode != 0
    assert "security.W004" in process.stderr and "security.W008" in process.stderr


# Admin login throttle ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every attempt below checks a password; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_admin(username: str = "ada") -> User:
    return User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)


def log_in(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def is_logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_from_that_address(client):
    make_admin("ada")

    answers = [log_in(client, "ada", f"guess-{n}").status_code for n in range(5)]
    right = log_in(client, "ada", PASSWORD)

    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert right.status_code == 429
    text = " ".join(right.text.split())
    assert "<h1>Too many attempts</h1>" in text
    assert "wrong 5 times in a row" in text and "for the next 15 minutes" in text
    assert right["Retry-After"] == "900"
    assert right["Content-Security-Policy"] == EXPECTED_CSP
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_a_lockout_leaves_other_users_and_other_addresses_alone():
    make_admin("ada")
    make_admin("bob")
    for n in range(5):
        log_in(Client(), "ada", f"guess-{n}")

    other_user = Client()
    other_address = Client()
    assert log_in(other_user, "bob", PASSWORD).status_code == 302
    assert log_in(other_address, "ada", PASSWORD, address="198.51.100.2").status_code == 302
    assert is_logged_in(other_user) and is_logged_in(other_address)
    assert log_in(Client(), "ada", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client):
    make_admin("ada")
    for n in range(5):
        log_in(client, "ada", f"guess-{n}")
    assert log_in(client, "ada", PASSWORD).status_code == 429

    # Fifteen minutes pass (the attempts are stored in the database, for every process).
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))

    assert log_in(client, "ada", PASSWORD).status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client):
    make_admin("ada")
    for _ in range(2):
        for n in range(4):
            assert log_in(Client(), "ada", f"guess-{n}").status_code == 200
        assert log_in(Client(), "ada", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_attempts_are_counted_in_the_database_whatever_the_session(client):
    make_admin("ada")
    for n in range(3):
        log_in(Client(), "ada", f"guess-{n}")  # a new client: no shared session or cookie

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "ada",
        "203.0.113.7",
        3,
    )
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_limit_and_cool_off_come_from_the_environment():
    assert loaded()["AXES_FAILURE_LIMIT"] == 5
    custom = loaded(BENCHBOARD_LOGIN_FAILURE_LIMIT="3", BENCHBOARD_LOGIN_COOLOFF_MINUTES="60")
    assert (custom["AXES_FAILURE_LIMIT"], custom["AXES_COOLOFF_SECONDS"]) == (3, 3600)


def test_static_files_are_for_this_site_only(tmp_path):
    """Cross-Origin-Resource-Policy: same-origin is meant: whitenoise no longer also
    sends Access-Control-Allow-Origin: * for the site's static files."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    (tmp_path / "site.css").write_text("body { margin: 0 }")
    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
    middleware.add_files(str(tmp_path), prefix="static-test/")

    response = middleware(RequestFactory().get("/static-test/site.css"))

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
def test_a_login_whose_next_is_refused_or_missing_goes_to_the_admin(client, next_url):
    User.objects.create_user("cora", "cora@example.org", "a-long-password-1", is_staff=True)
    query = f"?next={next_url}" if next_url else ""

    response = client.post(
        f"/admin/login/{query}",
        {"username": "cora", "password": "a-long-password-1", "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
