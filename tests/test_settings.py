"""The settings module reads the environment strictly and fails loudly on bad values."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
CONFIG_VARIABLES = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
)
PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "HOST": db.get("HOST"),
    "CONN_MAX_AGE": db.get("CONN_MAX_AGE"),
    "CONN_HEALTH_CHECKS": db.get("CONN_HEALTH_CHECKS"),
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "STATICFILES": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


def load_settings(**env: str) -> subprocess.CompletedProcess:
    """Import config.settings in a fresh interpreter with exactly these variables set."""
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(**env: str) -> dict:
    process = load_settings(**env)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def test_secret_key_is_required_without_debug():
    process = load_settings()
    assert process.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in process.stderr


def test_debug_is_off_by_default_and_static_files_are_hashed():
    values = loaded(DJANGO_SECRET_KEY="k" * 50)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == []
    assert values["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_debug_run_needs_no_secret_and_defaults_to_sqlite_in_the_project():
    values = loaded(DJANGO_DEBUG="1")
    assert values["DEBUG"] is True
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert "127.0.0.1" in values["ALLOWED_HOSTS"]


def test_postgres_url_uses_persistent_health_checked_connections():
    values = loaded(
        DJANGO_SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://bench:secret@db.internal:5433/benchboard",
        DJANGO_ALLOWED_HOSTS="bench.example.org, www.bench.example.org",
    )
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "benchboard"
    assert values["HOST"] == "db.internal"
    assert values["CONN_MAX_AGE"] == 600
    assert values["CONN_HEALTH_CHECKS"] is True
    assert values["ALLOWED_HOSTS"] == ["bench.example.org", "www.bench.example.org"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be one of"),
        ("DATABASE_URL", "mysql://localhost/bench", "DATABASE_URL must start with"),
        ("DATABASE_URL", "postgres://localhost", "names no database"),
        ("DATABASE_URL", "postgres://localhost:notaport/bench", "invalid port"),
        ("DATABASE_CONN_MAX_AGE", "ten", "DATABASE_CONN_MAX_AGE must be a whole number"),
        ("DJANGO_CSRF_TRUSTED_ORIGINS", "bench.example.org", "must start with http"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(variable, value, message):
    env = {"DJANGO_SECRET_KEY": "k" * 50, variable: value}
    if variable == "DATABASE_CONN_MAX_AGE":
        env["DATABASE_URL"] = "postgres://localhost/bench"
    process = load_settings(**env)
    assert process.returncode != 0
    assert "ImproperlyConfigured" in process.stderr
    assert message in process.stderr


def test_env_readers(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    monkeypatch.setenv("NUMBER", "42")
    monkeypatch.setenv("ITEMS", " a, ,b ")
    assert env_bool("FLAG", default=False) is True
    assert env_bool("UNSET_FLAG", default=True) is True
    assert env_int("NUMBER", 0) == 42
    assert env_list("ITEMS", []) == ["a", "b"]
    monkeypatch.setenv("NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("NUMBER", 0)


def test_database_urls():
    sqlite = parse_database_url("sqlite:///data/bench.sqlite3", base_dir=Path("/srv/app"))
    assert sqlite["NAME"] == "/srv/app/data/bench.sqlite3"
    absolute = parse_database_url("sqlite:////var/lib/bench.db", base_dir=Path("/srv/app"))
    assert absolute["NAME"] == "/var/lib/bench.db"
    postgres = parse_database_url(
        "postgresql://u%40x:p%2Fw@localhost/bench?sslmode=require", base_dir=Path("/srv")
    )
    assert postgres["USER"] == "u@x"
    assert postgres["PASSWORD"] == "p/w"
    assert postgres["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ImproperlyConfigured, match="has no host"):
        parse_database_url("sqlite://host/db.sqlite3", base_dir=Path("/srv"))
