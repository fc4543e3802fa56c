"""The sources admin: sources are edited; import runs and their anomalies are read-only."""

import pytest
from django.contrib.auth.models import User

from tests.factories import make_import_run, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    return client


def test_sources_are_listed_and_editable(admin_client):
    source = make_source(slug="feed", name="Feed", licence="CC BY 4.0")
    content = admin_client.get("/admin/sources/source/").content.decode()
    assert "Feed" in content and "CC BY 4.0" in content
    page = admin_client.get(f"/admin/sources/source/{source.pk}/change/").content.decode()
    for field in ["slug", "licence_url", "attribution", "frozen_since", "data_date"]:
        assert f'name="{field}"' in page


def test_runs_are_read_only_and_link_to_their_anomalies(admin_client):
    run = make_import_run(
        source=make_source(name="Feed"),
        anomalies=[("scale", "a.json", "read as a percentage"), ("placeholder link", "", "x")],
    )
    assert admin_client.get("/admin/sources/importrun/").status_code == 200
    assert admin_client.get("/admin/sources/importrun/add/").status_code == 403
    assert admin_client.post(f"/admin/sources/importrun/{run.pk}/delete/").status_code == 403
    page = admin_client.get(f"/admin/sources/importrun/{run.pk}/change/").content.decode()
    assert 'name="location"' not in page
    link = f"/admin/sources/runanomaly/?run__id__exact={run.pk}"
    assert f'<a href="{link}">The 2 anomalies of this run</a>' in page

    anomalies = admin_client.get(link, {"kind": "scale", "q": "percentage"})
    assert anomalies.status_code == 200
    assert "read as a percentage" in anomalies.content.decode()
    assert admin_client.get("/admin/sources/runanomaly/add/").status_code == 403
