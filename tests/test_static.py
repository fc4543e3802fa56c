"""Outside debug, static files are collected with content-hashed, compressed names."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_collectstatic_hashes_and_compresses_and_pages_link_the_hashed_names(
    client, settings, tmp_path
):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}

    call_command("collectstatic", "--no-input", verbosity=0)

    hashed_css = [p.name for p in (tmp_path / "css").glob("site.*.css")]
    assert len(hashed_css) == 1
    assert (tmp_path / "css" / f"{hashed_css[0]}.gz").exists()
    # Chart.js comes from npm (node_modules), never from the repository.
    assert list((tmp_path / "vendor" / "chart.js").glob("chart.umd.min.*.js"))
    assert f"/static/css/{hashed_css[0]}" in client.get("/").content.decode()
