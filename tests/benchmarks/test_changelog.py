"""The public change log of a benchmark or a model (benchmarks/changelog.py)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from benchmarks import changelog
from benchmarks.changelog import (
    ADDED,
    CHANGED,
    DEMO_REASON,
    IMPORT_REASON,
    REMOVED,
    Entry,
    Snapshot,
)
from benchmarks.models import Result
from benchmarks.services import refresh_result_stats
from sources.models import CURATORS, DEMO, standard_source
from submissions import notifications, services
from tests.factories import delete, make_ai_model, make_benchmark, make_license, save
from tests.test_curators import make_curator, make_data_report, make_result_submission

BASE_URL = "https://benchboard.example/"
MONDAY = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _no_mail(monkeypatch):
    monkeypatch.setattr(notifications, "notify_reporter", lambda ticket, *, base_url: True)


def snapshot(history_id: int, kind: str, reason: str = "", **values) -> Snapshot:
    values.setdefault("ai_model_name", "GPT-5")
    values.setdefault("analysis_method", "")
    return Snapshot(
        history_id=history_id,
        date=MONDAY + datetime.timedelta(hours=history_id),
        kind=kind,
        reason=reason,
        values=values,
    )


RESULT = changelog.RESULT_ON_BENCHMARK


# Comparing records (pure) -------------------------------------------------------------------


def test_a_created_result_is_added_with_its_score():
    created = snapshot(1, "+", "From the technical report", score=Decimal("0.857000"))

    [entry] = changelog.entries_for(created, None, RESULT)

    assert entry == Entry(
        date=created.date,
        what="GPT-5 score",
        action=ADDED,
        after="0.857",
        reason="From the technical report",
    )
    assert entry.change == "added 0.857"


def test_a_deleted_result_is_removed():
    [entry] = changelog.entries_for(snapshot(2, "-", score=Decimal("0.5")), None, RESULT)

    assert (entry.what, entry.change) == ("GPT-5 score", "removed")


def test_a_changed_score_shows_from_and_to_with_the_method():
    before = snapshot(1, "+", score=Decimal("0.5"), analysis_method="5-shot")
    after = snapshot(2, "~", "Corrected", score=Decimal("0.713"), analysis_method="5-shot")

    [entry] = changelog.entries_for(after, before, RESULT)

    assert (entry.what, entry.change, entry.reason) == (
        "GPT-5 (5-shot) score",
        "from 0.5 to 0.713",
        "Corrected",
    )


def test_each_changed_field_is_an_entry_and_unchanged_records_are_none():
    before = snapshot(1, "+", score=Decimal("0.5"), status="self_reported")
    after = snapshot(2, "~", score=Decimal("0.6"), status="verified")
    same = snapshot(3, "~", score=Decimal("0.6"), status="verified")

    entries = changelog.entries_for(after, before, RESULT)

    assert [(e.what, e.change) for e in entries] == [
        ("GPT-5 score", "from 0.5 to 0.6"),
        ("GPT-5 status", "from Self-reported to Verified"),
    ]
    assert changelog.entries_for(same, after, RESULT) == []


def test_long_text_says_that_it_changed_and_not_what_it_says():
    before = snapshot(1, "+", name="GPQA", description="Old words.")
    after = snapshot(2, "~", name="GPQA Diamond", description="New words.")

    entries = changelog.entries_for(after, before, changelog.BENCHMARK)

    assert [(e.what, e.change) for e in entries] == [
        ("Name", "from GPQA to GPQA Diamond"),
        ("Description", "changed"),
    ]


def test_a_change_without_an_earlier_record_shows_the_new_value():
    [entry] = changelog.entries_for(snapshot(5, "~", score=Decimal("70")), None, RESULT)

    assert entry.change == "set to 70"


def test_the_log_is_newest_first_and_limited():
    pairs = [
        (snapshot(n, "~", score=Decimal(n)), snapshot(n - 1, "+", score=Decimal(n - 1)), RESULT)
        for n in range(1, 6)
    ]

    entries = changelog.change_log(pairs, limit=3)

    assert [entry.after for entry in entries] == ["5", "4", "3"]


# Reading the history ------------------------------------------------------------------------


def imported_result(**fields) -> Result:
    """A result as the importer writes it: bulk-created, with its creation record."""
    result = Result(
        ai_model=fields.pop("ai_model", None) or make_ai_model(name="GPT-5"),
        benchmark=fields.pop("benchmark"),
        score=fields.pop("score", Decimal("0.5")),
        normalized_score=fields.pop("normalized_score", Decimal("0.5")),
        source=standard_source(CURATORS),
        **fields,
    )
    bulk_create_with_history([result], Result, default_change_reason=IMPORT_REASON)
    refresh_result_stats([result.benchmark_id])  # as the import does
    return result


def correct(result: Result, value: str, reason: str, curator=None) -> None:
    report = make_data_report(result=result, suggested_value=value, email="visitor@example.org")
    services.apply_report(
        report=report,
        curator=curator or make_curator(),
        public_reason=reason,
        base_url=BASE_URL,
    )


@pytest.mark.django_db
def test_benchmark_log_shows_corrections_and_skips_the_import_that_created_rows():
    benchmark = make_benchmark(name="GPQA")
    result = imported_result(benchmark=benchmark)
    correct(result, "0.713", "Corrected to the paper's table 2")

    [entry] = changelog.benchmark_changes(benchmark)

    assert (entry.what, entry.action, entry.before, entry.after) == (
        "GPT-5 score",
        CHANGED,
        "50.0%",  # in the benchmark's unit, as its pages show scores
        "71.3%",
    )
    assert entry.reason == "Corrected to the paper's table 2"


@pytest.mark.django_db
def test_a_score_shows_in_its_benchmarks_unit_points_on_an_elo_scale():
    benchmark = make_benchmark(name="CodeForces", max_score=Decimal(3000))
    result = imported_result(
        benchmark=benchmark, score=Decimal("0.874"), normalized_score=Decimal("0.874")
    )
    correct(result, "2700", "The lab's rating")

    [entry] = changelog.benchmark_changes(benchmark)

    assert entry.change == "from 2622 to 2700"


@pytest.mark.django_db
def test_an_import_that_changes_a_value_is_in_the_log():
    benchmark = make_benchmark()
    result = imported_result(benchmark=benchmark)
    result.score = Decimal("0.55")
    bulk_update_with_history([result], Result, ["score"], default_change_reason=IMPORT_REASON)

    [entry] = changelog.benchmark_changes(benchmark)

    # Its normalized score did not follow (alike in the page's unit): as reported.
    assert (entry.change, entry.reason) == ("from 0.5 to 0.55", IMPORT_REASON)


@pytest.mark.django_db
def test_demo_rows_are_not_changes():
    benchmark = make_benchmark()
    demo = Result(
        ai_model=make_ai_model(),
        benchmark=benchmark,
        score=Decimal(1),
        normalized_score=1,
        source=standard_source(DEMO),
    )
    bulk_create_with_history([demo], Result, default_change_reason=DEMO_REASON)
    refresh_result_stats([benchmark.pk])  # as load_demo does

    assert changelog.benchmark_changes(benchmark) == []


@pytest.mark.django_db
def test_accepted_submission_is_added_and_a_deleted_result_removed():
    benchmark = make_benchmark(max_score=Decimal(100))
    claude = make_ai_model(name="Claude")
    submission = make_result_submission(ai_model=claude, benchmark=benchmark, score=Decimal(71))
    result = services.accept_submission(
        submission=submission,
        curator=make_curator(),
        public_reason="From the system card",
        base_url=BASE_URL,
    )
    delete(result)
    # The model goes too (its submission first: a model a ticket names is kept): the log
    # still names it, from its own history.
    submission.delete()
    delete(claude)

    removed, added = changelog.benchmark_changes(benchmark)

    assert (added.what, added.change, added.reason) == (
        "Claude score",
        "added 71.0%",
        "From the system card",
    )
    assert (removed.what, removed.action) == ("Claude score", REMOVED)


@pytest.mark.django_db
def test_benchmark_fields_are_in_its_log():
    benchmark = make_benchmark(name="GPQA", max_score=Decimal(1))
    benchmark.max_score = Decimal(100)
    benchmark._change_reason = "The paper reports percentages"
    save(benchmark)

    entries = changelog.benchmark_changes(benchmark)

    # Its creation is no change: the page itself shows that the benchmark exists.
    assert [(e.what, e.change, e.reason) for e in entries] == [
        ("Maximum score", "from 1 to 100", "The paper reports percentages"),
    ]


@pytest.mark.django_db
def test_model_log_names_benchmarks_and_licences():
    gpt = make_ai_model(name="GPT-5", license=make_license(name="Proprietary"))
    result = imported_result(ai_model=gpt, benchmark=make_benchmark(name="GPQA"))
    correct(result, "0.6", "Corrected")
    gpt.license = make_license(name="Apache 2.0")
    gpt._change_reason = "Weights released"
    gpt.save()

    entries = changelog.model_changes(gpt)

    assert [(e.what, e.change, e.reason) for e in entries] == [
        ("Licence", "from Proprietary to Apache 2.0", "Weights released"),
        ("GPQA score", "from 50.0% to 60.0%", "Corrected"),
    ]


@pytest.mark.django_db
def test_no_curator_ticket_or_reporter_reaches_the_log():
    benchmark = make_benchmark()
    result = imported_result(benchmark=benchmark)
    curator = make_curator(username="curator-alice", email="alice@benchboard.example")
    correct(result, "0.7", "Corrected", curator=curator)
    record = result.history.latest()
    assert record.history_ticket.startswith("report ")

    entries = changelog.benchmark_changes(benchmark)
    html = render_to_string("includes/change_log.html", {"entries": entries})

    for secret in ["curator-alice", "alice@", "visitor@example.org", record.history_ticket]:
        assert secret not in repr(entries)
        assert secret not in html


@pytest.mark.django_db
def test_template_is_a_table_with_caption_and_dates():
    benchmark = make_benchmark()
    correct(imported_result(benchmark=benchmark), "0.7", "Corrected to the paper")

    html = render_to_string(
        "includes/change_log.html",
        {"entries": changelog.benchmark_changes(benchmark), "caption": "Changes to GPQA"},
    )

    assert "<caption>Changes to GPQA</caption>" in html
    assert '<th scope="row">GPT-5 score</th>' in html
    assert "from 50.0% to 70.0%" in html
    assert "Corrected to the paper" in html
    assert '<time datetime="' in html
    assert "No changes" in render_to_string("includes/change_log.html", {"entries": []})


def count_queries(read) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("log", ["benchmark", "model"])
def test_queries_do_not_grow_with_the_history(log):
    benchmark = make_benchmark()
    gpt = make_ai_model()
    curator = make_curator()

    def add_history(count: int) -> None:
        for _ in range(count):
            other = make_ai_model() if log == "benchmark" else None
            kept = make_benchmark() if log == "model" else benchmark
            result = imported_result(ai_model=other or gpt, benchmark=kept)
            correct(result, "0.6", "Corrected", curator=curator)
            correct(result, "0.7", "Corrected again", curator=curator)
        save(benchmark)
        gpt.save()

    def read() -> list[Entry]:
        if log == "benchmark":
            return changelog.benchmark_changes(benchmark)
        return changelog.model_changes(gpt)

    add_history(3)
    few = count_queries(read)
    add_history(27)
    many = count_queries(read)

    # Per kind of record (results, the page's own record) one query.
    assert few == many == 2
    assert len(read()) == 50


@pytest.mark.django_db
@pytest.mark.parametrize("log", ["benchmark", "model"])
def test_pages_show_the_latest_changes_and_link_to_the_longer_log(client, uncached_pages, log):
    benchmark = make_benchmark(slug="gpqa")
    gpt = make_ai_model(slug="gpt-5", name="GPT-5")
    for n in range(changelog.CHANGES_SHOWN + 2):
        other = make_ai_model(name=f"Model {n:02}") if log == "benchmark" else gpt
        kept = make_benchmark(name=f"Benchmark {n:02}") if log == "model" else benchmark
        correct(imported_result(ai_model=other, benchmark=kept), "0.7", f"Correction {n:02}")
    url = "/benchmarks/gpqa/" if log == "benchmark" else "/models/gpt-5/"

    def shown(content: str) -> list[str]:
        section = content.split('aria-labelledby="changes"', 1)[1].split("</section>", 1)[0]
        return re.findall(r"Correction (\d+)", section)

    latest = client.get(url).content.decode()
    newest_first = [f"{n:02}" for n in reversed(range(changelog.CHANGES_SHOWN + 2))]
    assert shown(latest) == newest_first[: changelog.CHANGES_SHOWN]
    assert '<a href="?changes=all#changes">Show older changes</a>' in latest

    everything = client.get(url, {"changes": "all"}).content.decode()
    assert shown(everything) == newest_first
    assert "Show older changes" not in everything
    # Anything else is the short log, never an error.
    assert shown(client.get(url, {"changes": "x" * 5000}).content.decode()) == shown(latest)
