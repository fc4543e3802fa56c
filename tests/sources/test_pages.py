"""/sources/ and /sources/<slug>/: where the data comes from, and what its imports found."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.models import Conflict
from tests.factories import make_import_run, make_result, make_source

LIST_URL = "/sources/"
WHEN = datetime.datetime(2025, 10, 16, 9, 30, tzinfo=datetime.UTC)
SHA = "ab12cd34ef56" + "0" * 52


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def rows(content: str, table_class: str) -> list[list[str]]:
    """A table's body as text cells, row by row."""
    table = content.split(f'class="catalog-table {table_class}"', 1)[1].split("</table>", 1)[0]
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    ]


def make_conflict(source, status=Conflict.Status.OPEN) -> Conflict:
    result = make_result(source=source)
    return Conflict.objects.create(
        kind=Conflict.Kind.CHANGED,
        status=status,
        result=result,
        ai_model=result.ai_model,
        benchmark=result.benchmark,
        source=source,
        field="score",
        theirs="0.9",
    )


def make_llm_stats():
    return make_source(
        slug="llm-stats",
        name="LLM Stats",
        url="https://github.com/JonathanChavezTamales/llm-leaderboard",
        description="The open data behind llm-stats.com.",
        licence="CC BY 4.0",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
        attribution="LLM Stats",
        updated_upstream=False,
        frozen_since=datetime.date(2025, 10, 1),
        data_date=datetime.date(2025, 10, 16),
    )


# --- the list ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_each_source_with_its_licence_freshness_results_and_last_run(client):
    llm_stats = make_llm_stats()
    make_result(source=llm_stats)
    make_result(source=llm_stats)
    make_result(source=llm_stats, withdrawn_at=WHEN)
    make_conflict(llm_stats)  # a result, and an open conflict
    make_conflict(llm_stats, status=Conflict.Status.KEPT_OURS)  # settled: not open
    make_import_run(source=llm_stats, started_at=WHEN - datetime.timedelta(days=3), changed=True)
    make_import_run(
        source=llm_stats, started_at=WHEN, changed=False, anomalies=[("scale", "a.json", "odd")]
    )
    make_source(slug="papers", name="Papers", kind="curators")

    response = client.get(LIST_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Sources</h1>" in content
    assert "Every result names its source" in content
    names = [name for row in rows(content, "source-table") for name in row[:1]]
    assert any(name.startswith("LLM Stats") for name in names)
    assert any(name.startswith("Papers") for name in names)
    assert '<a href="/sources/llm-stats/">LLM Stats</a>' in content
    assert '<a href="/sources/papers/">Papers</a>' in content
    llm_row = next(row for row in rows(content, "source-table") if row[0].startswith("LLM Stats"))
    assert llm_row == [
        "LLM Stats A published dataset",
        "CC BY 4.0 Credit: LLM Stats",
        "Frozen since Oct 2025 Data as of 16 Oct 2025",
        "4 1 withdrawn",
        "1",
        "16 Oct 2025 No change, 1 anomaly",
    ]
    papers_row = next(row for row in rows(content, "source-table") if row[0].startswith("Papers"))
    assert papers_row[1:] == ["None stated", "Updated upstream", "0", "0", "Not imported"]
    assert (
        '<a href="https://creativecommons.org/licenses/by/4.0/" rel="external noopener">'
        "CC BY 4.0</a>" in content
    )
    assert "<title>Sources — Benchboard</title>" in content
    assert 'href="/static/css/sources.css"' in content


@pytest.mark.django_db
def test_the_footer_links_to_the_sources(client):
    assert '<a href="/sources/">sources</a>' in client.get("/").content.decode()


# --- the detail page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_the_source_and_its_runs_newest_first(client):
    llm_stats = make_llm_stats()
    make_result(source=llm_stats)
    make_result(source=llm_stats, withdrawn_at=WHEN)
    make_conflict(llm_stats)
    make_import_run(
        source=llm_stats,
        started_at=WHEN - datetime.timedelta(days=1),
        finished_at=WHEN - datetime.timedelta(days=1) + datetime.timedelta(minutes=3, seconds=5),
        location="https://example.org/old.tar.xz",
        changed=True,
        counts={"models": {"created": 3}, "results": {"created": 10, "withdrawn": 0}},
        conflict_count=2,
    )
    make_import_run(
        source=llm_stats,
        started_at=WHEN,
        finished_at=WHEN + datetime.timedelta(milliseconds=400),
        location="data/llmstats-2025-10-16.tar.xz",
        sha256=SHA,
        counts={
            "models": {"created": 0, "updated": 1, "unchanged": 2, "only_in_database": 0},
            "results": {"created": 0, "updated": 2, "unchanged": 7, "withdrawn": 1},
        },
        anomalies=[("scale", "a.json", "a fraction")],
    )

    response = client.get("/sources/llm-stats/")

    assert response.status_code == 200
    content = response.content.decode()
    assert llm_stats.get_absolute_url() == "/sources/llm-stats/"
    assert "<h1>LLM Stats</h1>" in content
    assert "The open data behind llm-stats.com." in content
    facts = text(content.split('class="source-facts"', 1)[1].split("</dl>", 1)[0])
    assert "Licence CC BY 4.0" in facts
    assert "Credit Pages showing its data credit “LLM Stats”." in facts
    assert "Freshness Frozen since Oct 2025" in facts
    assert "Data as of 16 Oct 2025" in facts
    assert "Results 2 current, 1 withdrawn" in facts
    assert "Open conflicts 1 for curators to settle" in facts
    assert rows(content, "run-table") == [
        [
            "16 Oct 2025, 09:30 No change",
            "0.4 s",
            "data/llmstats-2025-10-16.tar.xz SHA-256 ab12cd34ef56…",
            "0",
            "3",
            "9",
            "1",
            "1",
            "0",
        ],
        [
            "15 Oct 2025, 09:30",
            "3 min 5 s",
            "https://example.org/old.tar.xz",
            "13",
            "0",
            "0",
            "0",
            "0",
            "2",
        ],
    ]
    assert f'SHA-256 <abbr class="sha" title="{SHA}">ab12cd34ef56…</abbr>' in content
    assert "earlier import" not in content
    assert "<title>LLM Stats: source and imports — Benchboard</title>" in content


@pytest.mark.django_db
def test_the_latest_runs_anomalies_grouped_by_kind_with_counts(client):
    source = make_source(slug="feed")
    make_import_run(
        source=source,
        started_at=WHEN - datetime.timedelta(days=1),
        anomalies=[("older kind", "old.json", "from an earlier run")],
    )
    make_import_run(
        source=source,
        started_at=WHEN,
        anomalies=[
            ("placeholder link", "m/1.json", "example.com link dropped"),
            ("scale", "b/1.json", "0.9 read as 90%"),
            ("scale", "b/2.json", "0.8 read as 80%"),
            ("scale", "", "a message with no file"),
        ],
    )

    content = client.get("/sources/feed/").content.decode()

    section = content.split('aria-labelledby="anomalies"', 1)[1].split("</section>", 1)[0]
    assert "4 anomalies of 2 kinds" in text(section)
    kinds = re.findall(
        r'<summary><span class="anomaly-kind-name">([^<]+)</span> <span class="count">(\d+)',
        section,
    )
    assert kinds == [("Scale", "3"), ("Placeholder link", "1")]
    assert section.count("<details") == 2
    assert '<code class="anomaly-file">b/1.json</code> 0.9 read as 90%' in section
    assert "<li>a message with no file</li>" in section
    assert "from an earlier run" not in content


@pytest.mark.django_db
def test_a_source_never_imported(client):
    make_source(slug="papers", name="Papers", kind="curators")
    content = client.get("/sources/papers/").content.decode()
    assert "Papers has never been imported" in content
    assert 'aria-labelledby="anomalies"' not in content


@pytest.mark.django_db
def test_a_run_without_anomalies(client):
    make_import_run(source=make_source(slug="clean"))
    assert "The latest import found nothing odd." in client.get("/sources/clean/").content.decode()


@pytest.mark.django_db
def test_at_most_fifty_runs_then_how_many_earlier(client):
    source = make_source(slug="busy")
    for n in range(53):
        make_import_run(source=source, started_at=WHEN + datetime.timedelta(hours=n))

    content = client.get("/sources/busy/").content.decode()

    runs = rows(content, "run-table")
    assert len(runs) == 50
    assert runs[0][0].startswith("18 Oct 2025, 13:30")  # the newest, 52 hours on
    assert "And 3 earlier imports." in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/sources/no-such-source/",
        "/sources/%00/",
        "/sources/llm%00stats/",
        "/sources/a%20b/",
        "/sources/a%25b/",
        "/sources/" + "x" * 201 + "/",
    ],
)
def test_unknown_or_impossible_slugs_are_not_found(client, path):
    make_llm_stats()
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_pages_only_answer_get(client):
    make_source(slug="feed")
    assert client.post(LIST_URL).status_code == 405
    assert client.post("/sources/feed/").status_code == 405


@pytest.mark.django_db
def test_names_and_messages_are_escaped(client):
    make_import_run(
        source=make_source(slug="evil", name="<script>alert(1)</script>"),
        location="<b>here</b>",
        anomalies=[("<i>kind</i>", "<u>file</u>", "<script>message</script>")],
    )
    for url in [LIST_URL, "/sources/evil/"]:
        content = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    for raw in ["<b>here</b>", "<i>kind</i>", "<u>file</u>", "<script>message</script>"]:
        assert raw not in content


@pytest.mark.django_db
def test_sitemap_lists_the_sources(client):
    make_source(slug="feed")
    content = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sources/</loc>" in content
    assert "<loc>http://testserver/sources/feed/</loc>" in content


# --- curators' link and the page cache -----------------------------------------------------------


ADMIN_LINK = "/admin/benchmarks/conflict/?status__exact=open&amp;source__id__exact="


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_user("cora", is_staff=True))
    return client


@pytest.mark.django_db
def test_staff_get_the_admin_link_to_open_conflicts(staff_client):
    source = make_llm_stats()
    make_conflict(source)

    response = staff_client.get("/sources/llm-stats/")

    assert f'<a href="{ADMIN_LINK}{source.pk}">settle them in the admin</a>' in (
        response.content.decode()
    )
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_admin_link_never_reaches_visitors_whoever_comes_first(client, staff_client):
    """The page staff see is never cached, and the cached page is never served to staff."""
    source = make_llm_stats()
    make_conflict(source)
    staff_client.get("/sources/llm-stats/")  # rendered first, for staff

    client.logout()
    anonymous = client.get("/sources/llm-stats/")
    assert anonymous.status_code == 200
    assert "/admin/" not in anonymous.content.decode()
    assert "1 for curators to settle" in anonymous.content.decode()
    assert "public" in anonymous["Cache-Control"]
    assert anonymous.has_header("ETag")  # cacheable: the staff check read no session

    client.force_login(User.objects.get(username="cora"))
    again = client.get("/sources/llm-stats/")  # the visitors' page is cached by now
    assert f"{ADMIN_LINK}{source.pk}" in again.content.decode()


@pytest.mark.django_db
def test_signed_in_non_staff_see_no_admin_link(client):
    make_conflict(make_llm_stats())
    client.force_login(User.objects.create_user("visitor"))
    assert "/admin/" not in client.get("/sources/llm-stats/").content.decode()


# --- query counts --------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_runs(source, count: int) -> None:
    for n in range(count):
        make_import_run(
            source=source,
            started_at=timezone.now() + datetime.timedelta(minutes=n),
            anomalies=[(f"kind {k}", f"f{k}.json", "odd") for k in range(n % 5 + 1)],
        )
        make_result(source=source, withdrawn_at=WHEN if n % 3 == 0 else None)
        make_conflict(source)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_data(client, uncached_pages):
    feed = make_source(slug="feed")
    _add_runs(feed, 2)
    _add_runs(make_source(), 1)
    small = (_queries(client, LIST_URL), _queries(client, "/sources/feed/"))
    _add_runs(feed, 60)
    for _ in range(5):
        _add_runs(make_source(), 3)
    assert (_queries(client, LIST_URL), _queries(client, "/sources/feed/")) == small
    # The list: its sources with their counts, their last runs and the demo-data check.
    # The page: the source with its counts, its runs, the latest's anomalies and the
    # demo-data check.
    assert small == (3, 4)


@pytest.mark.django_db
def test_the_latest_import_says_what_it_changed_and_left_for_curators(client):
    source = make_source(slug="feed")
    make_import_run(source=source, started_at=WHEN, changed=True, conflict_count=2)

    content = client.get("/sources/feed/").content.decode()

    sentence = text(content.split('id="latest-run"', 1)[1].split("</p>", 1)[0])
    assert sentence.endswith("; it changed data, and left 2 conflicts for curators.")
