"""A re-import never undoes a curator (issue 14's data-loss bug), in its four cases:
nobody changed a value, only the source did, only curators did, both did."""

import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import QuerySet

from benchmarks.models import Benchmark, Conflict, Result
from benchmarks.services import ConflictAlreadySettled, settle_conflict
from sources.models import ImportRun
from submissions.services import apply_report
from tests.test_curators import make_curator, make_data_report

pytestmark = pytest.mark.django_db

GPT_4O = "gpt-4o-2024-08-06"
RECORDS = Path("data/organizations/openai/models") / GPT_4O / "benchmarks.json"


def run_import(tree: Path) -> str:
    out = io.StringIO()
    call_command("import_llmstats", str(tree), stdout=out)
    return out.getvalue()


def changed() -> QuerySet[Conflict]:
    """The conflicts between curators and the source (the data also holds one result given
    twice, a conflict of another kind)."""
    return Conflict.objects.filter(kind=Conflict.Kind.CHANGED)


def mmlu() -> Result:
    return Result.objects.get(ai_model__slug=GPT_4O, benchmark__slug="mmlu")


@pytest.fixture
def changed_source(llmstats_tree: Path, tmp_path: Path):
    """A copy of the data whose MMLU score for GPT-4o (2024-08-06) is `score`."""

    def make(score: float) -> Path:
        copy = tmp_path / f"llmstats-{score}"
        if copy.exists():
            return copy
        shutil.copytree(llmstats_tree / "data", copy / "data")
        path = copy / RECORDS
        records = json.loads(path.read_text())
        for record in records:
            if record["benchmark_id"] == "mmlu":
                record["score"] = record["normalized_score"] = score
        path.write_text(json.dumps(records))
        return copy

    return make


def correct(result: Result, value: str, curator) -> None:
    """Apply a data report through the triage service, as a curator does."""
    report = make_data_report(result=result, suggested_value=value)
    apply_report(
        report=report, curator=curator, public_reason="Paper says 80.1", base_url="http://x"
    )


def test_nobody_changed_it_a_reimport_changes_nothing(llmstats_tree):
    run_import(llmstats_tree)
    output = run_import(llmstats_tree)
    assert "Changed: nothing" in output
    assert mmlu().score == Decimal("0.857")
    assert ImportRun.objects.count() == 2
    assert not ImportRun.objects.latest_first().first().changed


def test_only_the_source_changed_it_the_import_takes_it(llmstats_tree, changed_source):
    run_import(llmstats_tree)
    run_import(changed_source(0.86))
    result = mmlu()
    assert (result.score, result.normalized_score) == (Decimal("0.86"), Decimal("0.86"))
    assert result.source_values["score"] == "0.86"
    assert not changed().exists()


def test_only_curators_changed_it_a_reimport_keeps_their_value(llmstats_tree):
    """The issue's sequence: 0.857 corrected to 0.801, the same data imported again."""
    run_import(llmstats_tree)
    correct(mmlu(), "0.801", make_curator())
    output = run_import(llmstats_tree)

    result = mmlu()
    assert result.score == Decimal("0.801")
    assert result.source_values["score"] == "0.857"  # what the source still says
    assert "Changed: nothing" in output
    assert not changed().exists()
    assert result.history.first().history_change_reason == "Paper says 80.1"


def test_both_changed_it_ours_stays_and_curators_settle_it(llmstats_tree, changed_source):
    run_import(llmstats_tree)
    curator = make_curator()
    correct(mmlu(), "0.801", curator)
    output = run_import(changed_source(0.86))

    assert mmlu().score == Decimal("0.801")
    conflict = changed().get()
    assert (conflict.kind, conflict.field, conflict.ours, conflict.theirs) == (
        Conflict.Kind.CHANGED,
        "score",
        "0.801",
        "0.86",
    )
    assert conflict.run == ImportRun.objects.latest_first().first()
    assert "score is 0.801 by curators and now 0.86 at the source: ours kept" in output
    # Pages now show the source's new value beside ours: the run changed what they show.
    assert "Changed: yes" in output
    # Pages show ours, marked, with what the source says now, in the page's unit.
    assert (mmlu().source_values["score"], mmlu().source_values["normalized_score"]) == (
        "0.86",
        "0.86",
    )
    # The same data again raises no second conflict.
    run_import(changed_source(0.86))
    assert changed().count() == 1

    settle_conflict(conflict, take_source=True, curator=curator, reason="The card was updated")
    result = mmlu()
    assert (result.score, result.normalized_score) == (Decimal("0.86"), Decimal("0.86"))
    assert result.history.first().history_change_reason == "The card was updated"
    with pytest.raises(ConflictAlreadySettled):
        settle_conflict(conflict, take_source=False, curator=curator, reason="Twice")
    # Settled: the source's value is what it says, and a new import leaves it be.
    assert "Changed: nothing" in run_import(changed_source(0.86))


def test_keeping_ours_is_remembered(llmstats_tree, changed_source):
    run_import(llmstats_tree)
    curator = make_curator()
    correct(mmlu(), "0.801", curator)
    run_import(changed_source(0.86))
    settle_conflict(changed().get(), take_source=False, curator=curator, reason="Paper wins")
    run_import(changed_source(0.86))
    assert mmlu().score == Decimal("0.801")
    assert not changed().filter(status=Conflict.Status.OPEN).exists()


def test_a_result_given_twice_is_a_conflict_and_one_gone_is_withdrawn(
    llmstats_tree, changed_source, tmp_path
):
    output = run_import(llmstats_tree)
    repeated = Conflict.objects.get(kind=Conflict.Kind.REPEATED)
    assert repeated.ai_model.slug == "mistral-small-3.2-24b-instruct-2506"
    assert "0.4422" in repeated.theirs and "0.4613" in repeated.theirs
    assert "given twice, neither stored" in output

    # The source drops GPT-4o's MMLU: the result stays, marked withdrawn by its source.
    copy = changed_source(0.857)
    path = copy / RECORDS
    path.write_text(
        json.dumps([r for r in json.loads(path.read_text()) if r["benchmark_id"] != "mmlu"])
    )
    output = run_import(copy)
    assert mmlu().withdrawn_at is not None
    assert ImportRun.objects.latest_first().first().counts["results"]["withdrawn"] == 1
    # Back in the source, it is current again.
    run_import(llmstats_tree)
    assert mmlu().withdrawn_at is None


def test_pages_show_the_curated_value_marked_with_the_sources_beside_it(
    client, llmstats_tree, uncached_pages
):
    run_import(llmstats_tree)
    correct(mmlu(), "0.801", make_curator())
    run_import(llmstats_tree)

    board = client.get("/benchmarks/mmlu/").content.decode()
    row = next(line for line in board.split("<tr>") if f'href="/models/{GPT_4O}/"' in line)
    assert "80.1%" in row
    assert "corrected by curators; source: 85.7%" in row  # in the page's unit
    assert ">LLM Stats</a>" in row  # the row names its source, linked
    model = client.get(f"/models/{GPT_4O}/").content.decode()
    assert "corrected by curators; source: 85.7%" in model
    # The downloads carry the source, and what it says, too.
    download = client.get("/benchmarks/mmlu/leaderboard.json").json()["rows"]
    record = next(row for row in download if row["model_slug"] == GPT_4O)
    assert (record["reported_score"], record["source"], record["source_reported_score"]) == (
        "0.801",
        "llm-stats",
        "0.857",
    )


def test_a_curator_settles_a_conflict_in_the_admin(client, llmstats_tree, changed_source):
    run_import(llmstats_tree)
    curator = make_curator()
    correct(mmlu(), "0.801", curator)
    run_import(changed_source(0.86))
    conflict = changed().get()
    client.force_login(curator)
    url = f"/admin/benchmarks/conflict/{conflict.pk}/change/"

    page = client.get(url).content.decode()
    assert "Keep ours" in page and "Take the source" in page
    # A decision needs its public reason.
    assert client.post(url, {"decision": "keep"}).status_code == 200
    response = client.post(url, {"decision": "keep", "settle_reason": "The paper is right"})
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert (conflict.status, conflict.reason, conflict.settled_by) == (
        Conflict.Status.KEPT_OURS,
        "The paper is right",
        curator,
    )
    assert mmlu().score == Decimal("0.801")
    # Settled, it is a record: viewed, not changed again.
    assert "Keep ours" not in client.get(url).content.decode()


def test_a_withdrawn_result_is_shown_marked_and_does_not_rank(
    client, llmstats_tree, tmp_path, uncached_pages
):
    run_import(llmstats_tree)
    leader = Result.objects.filter(benchmark__slug="mmlu").order_by("-normalized_score").first()
    model = leader.ai_model
    copy = tmp_path / "withdrawn"
    shutil.copytree(llmstats_tree / "data", copy / "data")
    path = copy / "data/organizations" / model.organization.slug / "models" / model.slug
    records = json.loads((path / "benchmarks.json").read_text())
    kept = [r for r in records if r["benchmark_id"] != "mmlu"]
    (path / "benchmarks.json").write_text(json.dumps(kept))
    run_import(copy)

    board = client.get("/benchmarks/mmlu/")
    rows = board.context["board"].rows
    withdrawn = next(row for row in rows if row.model_slug == model.slug)
    assert withdrawn.rank is None and withdrawn.withdrawn_at is not None
    assert rows[0].rank == 1 and rows[0].model_slug != model.slug
    assert board.context["board"].summary.leader.model_slug != model.slug
    page = board.content.decode()
    assert "withdrawn by its source; not ranked" in page
    # Counted apart, not among the results the page states.
    summary = board.context["board"].summary
    assert summary.withdrawn_count == 1
    assert (
        summary.result_count
        == Result.objects.filter(benchmark__slug="mmlu", withdrawn_at__isnull=True).count()
    )
    assert "(1 more withdrawn by its source)" in page
    model_page = client.get(f"/models/{model.slug}/").content.decode()
    assert "withdrawn by its source; not ranked" in model_page
    assert "not ranked: withdrawn by its source" in model_page
    assert all(point.row.model_slug != model.slug for point in board.context["frontier"])
    assert Benchmark.objects.get(slug="mmlu").scored_model_count == len(
        [row for row in rows if row.rank is not None]
    )


def test_the_admin_front_page_counts_what_waits_for_curators(client, llmstats_tree, changed_source):
    run_import(llmstats_tree)
    curator = make_curator()
    correct(mmlu(), "0.801", curator)
    run_import(changed_source(0.86))
    make_data_report(result=mmlu(), suggested_value="0.9")
    client.force_login(curator)

    page = client.get("/admin/").content.decode()

    assert "Waiting for curators" in page
    # One data report, and two conflicts: the score, and the result given twice.
    assert "Data reports</a></th>\n        <td>1 open" in page
    assert "Conflicts with sources</a></th>\n        <td>2 open" in page
    listing = client.get("/admin/benchmarks/conflict/?status__exact=open")
    assert listing.context["cl"].result_count == 2
    reports = client.get("/admin/submissions/datareport/?status__in=new%2Cin_review")
    assert reports.context["cl"].result_count == 1
    # The results admin lists those with an open conflict.
    results = client.get("/admin/benchmarks/result/?open_conflict=yes")
    assert [str(result.pk) for result in results.context["cl"].result_list] == [str(mmlu().pk)]
