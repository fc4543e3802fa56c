"""The LLM Stats importer: `manage.py import_llmstats PATH [--dry-run]`.

Most tests import a copy of tests/fixtures/llmstats, a small tree in the real layout
with one case of every rule, and break or change the copy as they need.
"""

import datetime
import io
import json
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from benchmarks.changelog import IMPORT_REASON
from benchmarks.models import Benchmark, Category, Result
from ingest.llmstats import (
    AnomalyKind,
    category_name,
    normalize_score,
    parse_partial_date,
)
from ingest.services import ImportReport, import_llmstats
from models_registry.models import (
    AIModel,
    DatePrecision,
    License,
    Offering,
    Organization,
    Provider,
)
from tests.factories import make_ai_model, make_license, make_result

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "llmstats"
LARGE_RESULTS = "data/organizations/acme/models/acme-large/benchmarks.json"
SMALL_RESULTS = "data/organizations/acme/models/acme-small/benchmarks.json"
SMALL_MODEL = "data/organizations/acme/models/acme-small/model.json"
LARGE_MODEL = "data/organizations/acme/models/acme-large/model.json"
TABLES = [License, Organization, Category, Benchmark, Provider, AIModel, Offering, Result]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "llmstats"
    shutil.copytree(FIXTURE, root)
    return root


def run(root: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_llmstats", str(root), *args, stdout=out)
    return out.getvalue()


def load(root: Path, relative: str) -> Any:
    return json.loads((root / relative).read_text(encoding="utf-8"))


def save(root: Path, relative: str, data: Any) -> None:
    (root / relative).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def edit(root: Path, relative: str, change: Callable[[Any], None]) -> None:
    data = load(root, relative)
    change(data)
    save(root, relative, data)


def summary(output: str) -> dict[str, tuple[int, int, int, int]]:
    """The count table of the command's output: kind -> (created, updated, unchanged, only);
    withdrawn, its last column, is 0 in every test here but where it is asserted."""
    counts = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 6 and all(part.isdigit() for part in parts[1:]):
            assert parts[5] == "0", line
            counts[parts[0]] = tuple(int(part) for part in parts[1:5])
    return counts


def database_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of the imported tables, but when each result was last retrieved (every
    run notes it)."""
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in TABLES}
    for row in state.get("Result", []):
        row.pop("retrieved_at")
    through = Benchmark.categories.through
    state["categories"] = sorted(through.objects.values_list("benchmark_id", "category_id"))
    return state


def result(model: str, benchmark: str, method: str) -> Result:
    return Result.objects.get(
        ai_model__slug=model, benchmark__slug=benchmark, analysis_method=method
    )


def anomalies_of(report: ImportReport, kind: AnomalyKind) -> list[str]:
    return [str(anomaly) for anomaly in report.anomalies if anomaly.kind == kind]


# The normalized score and other pure rules -------------------------------------------


@pytest.mark.parametrize(
    ("score", "max_score", "normalized", "reported"),
    [
        ("0.85", "1", "0.85", False),
        ("72.5", "100", "0.725", False),
        ("2622", "3000", "0.874", False),
        ("0.808", "100", "0.808", True),  # a fraction on a 0-100 benchmark
        ("0.874", "3000", "0.874", True),
        ("0", "100", "0", False),  # 0 reads the same on either scale
        ("21.5", "1", "0.215", True),  # a percentage on a 0-1 benchmark
        ("100", "1", "1", True),
        ("3100", "3000", None, True),  # above the maximum: not normalized
        ("101", "1", None, True),
        ("1000", "3000", "0.333333", False),  # rounded to 6 decimals
        ("2", "3", "0.666667", False),
    ],
)
def test_normalized_score_rule(
    score: str, max_score: str, normalized: str | None, reported: bool
) -> None:
    outcome = normalize_score(Decimal(score), Decimal(max_score))
    assert outcome.value == (None if normalized is None else Decimal(normalized))
    assert bool(outcome.scale_note) == reported


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-10", (datetime.date(2025, 3, 10), DatePrecision.DAY)),
        ("2024-09", (datetime.date(2024, 9, 1), DatePrecision.MONTH)),
        ("2024", (datetime.date(2024, 1, 1), DatePrecision.YEAR)),
        ("2024-02-30", None),
        ("Sept 2024", None),
        ("2024-9-1", None),
    ],
)
def test_partial_dates(text: str, expected: tuple | None) -> None:
    assert parse_partial_date(text) == expected


def test_category_names_are_readable() -> None:
    assert category_name("long_context") == "Long context"
    assert category_name("image-to-text") == "Image to text"
    assert category_name("healthcare") == "Healthcare"


# Importing the fixture tree ----------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_every_kind_and_reports(tree: Path) -> None:
    output = run(tree)

    assert summary(output) == {
        "licences": (4, 0, 0, 0),
        "organizations": (2, 0, 0, 0),
        "categories": (8, 0, 0, 0),
        "benchmarks": (9, 0, 0, 0),
        "providers": (2, 0, 0, 0),
        "models": (3, 0, 0, 0),
        "offerings": (3, 0, 0, 0),
        "results": (13, 0, 0, 0),
    }
    assert "Anomalies: 15" in output
    assert "  conflict: 1" in output
    assert "  scale: 4" in output
    # 16 records: 13 stored, one exact repeat, two in conflict; all named.
    assert Result.objects.count() == 13


@pytest.mark.django_db
def test_licences_organizations_and_providers(tree: Path) -> None:
    run(tree)

    open_weights = dict(License.objects.values_list("slug", "open_weights"))
    assert open_weights == {
        "apache_2_0": True,
        "proprietary": False,
        "unknown": None,
        "mit_+_model_license_(commercial_use_allowed)": True,
    }
    assert License.objects.get(slug="apache_2_0").allows_commercial_use is True
    unknown = Organization.objects.get(slug="unknown")
    assert (unknown.website, unknown.country) == ("", "")
    acme = Organization.objects.get(slug="acme")
    assert (acme.name, acme.website, acme.country) == ("Acme AI", "https://acme-ai.test", "US")
    assert Provider.objects.get(slug="fastinf").website == "https://fastinf.test/"


@pytest.mark.django_db
def test_benchmarks_categories_and_parents(tree: Path) -> None:
    run(tree)

    graphwalks = Benchmark.objects.get(slug="graphwalks-bfs->128k")
    assert sorted(graphwalks.categories.values_list("slug", flat=True)) == [
        "long_context",
        "reasoning",
    ]
    assert Category.objects.get(slug="long_context").name == "Long context"
    assert Category.objects.get(slug="image-to-text").name == "Image to text"
    child = Benchmark.objects.get(slug="browsecomp-zh")
    assert child.parent == Benchmark.objects.get(slug="browsecomp")
    assert (child.language, child.multilingual) == ("zh", True)
    mmmu = Benchmark.objects.get(slug="mmmu")
    assert mmmu.modality == Benchmark.Modality.MULTIMODAL
    assert mmmu.implementation_url == "https://github.com/MMMU-Benchmark/MMMU"
    assert Benchmark.objects.get(slug="mmlu").paper_url == "https://arxiv.org/abs/2009.03300"
    assert Benchmark.objects.get(slug="codeforces").max_score == Decimal(3000)
    assert Benchmark.objects.filter(slug__in=["mbpp+", "humanity's-last-exam"]).count() == 2


@pytest.mark.django_db
def test_models_dates_counts_links_and_context_lengths(tree: Path) -> None:
    run(tree)

    large = AIModel.objects.get(slug="acme-large")
    assert large.organization.slug == "acme"
    assert large.license.slug == "apache_2_0"
    assert (large.release_date, large.release_date_precision) == (
        datetime.date(2025, 3, 10),
        DatePrecision.DAY,
    )
    assert (large.knowledge_cutoff, large.knowledge_cutoff_precision) == (
        datetime.date(2024, 9, 1),
        DatePrecision.MONTH,
    )
    assert (large.parameter_count, large.training_tokens) == (52_000_000_000, 15 * 10**12)
    assert (large.input_context_length, large.output_context_length) == (200_000, 16_384)
    assert large.multimodal is True
    assert large.paper_url == "https://arxiv.org/abs/2503.00001"
    assert large.weights_url == ""
    assert large.repository_url == "https://github.com/acme-ai/large"
    assert large.api_docs_url == "https://docs.acme-ai.test/api"
    assert large.playground_url == "https://play.acme-ai.test"
    assert large.announcement_url == "https://acme-ai.test/blog/large"

    small = AIModel.objects.get(slug="acme-small-instruct")
    assert small.fine_tuned_from == large
    assert (small.release_date, small.release_date_precision) == (
        datetime.date(2024, 1, 1),
        DatePrecision.YEAR,
    )
    assert small.license.slug == "mit_+_model_license_(commercial_use_allowed)"

    mystery = AIModel.objects.get(slug="mystery-7b")
    assert mystery.license is None
    assert (mystery.input_context_length, mystery.output_context_length) == (None, None)


@pytest.mark.django_db
def test_counts_below_100000_are_billions_and_trillions(tree: Path) -> None:
    report = import_llmstats(root=tree)

    small = AIModel.objects.get(slug="acme-small-instruct")
    assert small.parameter_count == 7_000_000_000
    assert small.training_tokens == 2_500_000_000_000
    reported = anomalies_of(report, AnomalyKind.COUNT_IN_BILLIONS)
    assert len(reported) == 2
    assert all(SMALL_MODEL in line for line in reported)


@pytest.mark.django_db
def test_offerings(tree: Path) -> None:
    run(tree)

    offering = Offering.objects.get(ai_model__slug="acme-small-instruct", provider__slug="cloudy")
    assert offering.input_usd_per_million == Decimal("0.50")
    assert offering.output_usd_per_million == Decimal("1.50")
    assert offering.quantization == "fp8"
    assert offering.provider_model_name == "acme/small-instruct"
    assert offering.deprecated_at == datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    assert (offering.max_input_tokens, offering.max_output_tokens) == (32_000, 4_096)
    assert offering.supports_function_calling is True
    assert offering.supports_web_search is False
    large = Offering.objects.get(ai_model__slug="acme-large", provider__slug="cloudy")
    assert (large.input_usd_per_million, large.output_usd_per_million) == (3, 15)
    assert (large.quantization, large.input_image, large.output_text) == ("", True, True)
    fast = Offering.objects.get(ai_model__slug="acme-large", provider__slug="fastinf")
    assert (fast.throughput, fast.latency) == (150.0, None)


@pytest.mark.django_db
def test_result_fields_status_and_dates(tree: Path) -> None:
    run(tree)

    mmlu = result("acme-large", "mmlu", "5-shot")
    assert (mmlu.score, mmlu.normalized_score) == (Decimal("0.85"), Decimal("0.85"))
    assert mmlu.status == Result.Status.SELF_REPORTED
    assert mmlu.source_url == "https://acme-ai.test/evals/101"
    assert mmlu.source_record_id == 101
    # No result date in the source: the model's announcement date, else its release date.
    assert mmlu.recorded_on == datetime.date(2025, 3, 1)
    assert result("acme-small-instruct", "mbpp+", "Pass@1").recorded_on == datetime.date(2024, 1, 1)
    assert result("mystery-7b", "mmmu", "val").source_url == ""
    # analysis_method null and "" are both stored as "".
    assert result("acme-large", "mmlu", "").score == Decimal("0.83")
    assert result("acme-large", "browsecomp-zh", "").score == Decimal("0.28")

    verified = result("acme-large", "browsecomp-zh", "")
    assert verified.status == Result.Status.VERIFIED
    assert verified.verified_by == "LLM Stats via cloudy"
    assert verified.verified_on == datetime.date(2025, 4, 2)
    assert verified.recorded_on == datetime.date(2025, 4, 2)
    assert verified.notes == "Re-run by LLM Stats on Cloudy."
    assert result("acme-large", "browsecomp", "Accuracy").status == Result.Status.THIRD_PARTY


@pytest.mark.django_db
def test_scale_rule_applied_and_reported(tree: Path) -> None:
    report = import_llmstats(root=tree)

    assert result("acme-large", "mbpp+", "Pass@1").normalized_score == Decimal("0.808")
    assert result("acme-large", "codeforces", "Elo").normalized_score == Decimal("0.874")
    assert result("acme-large", "humanity's-last-exam", "no tools").normalized_score == Decimal(
        "0.215"
    )
    above = result("acme-small-instruct", "codeforces", "Elo")
    assert (above.score, above.normalized_score) == (Decimal(3100), None)
    assert result("acme-small-instruct", "mbpp+", "Pass@1").normalized_score == Decimal("0.725")
    scale = anomalies_of(report, AnomalyKind.SCALE)
    assert len(scale) == 4
    assert any("codeforces: score 0.874" in line and LARGE_RESULTS in line for line in scale)
    disagrees = anomalies_of(report, AnomalyKind.NORMALIZED_DISAGREES)
    assert len(disagrees) == 1
    assert "0.35" in disagrees[0] and "browsecomp" in disagrees[0]
    assert result("acme-large", "browsecomp", "Accuracy").normalized_score == Decimal("0.3")


@pytest.mark.django_db
def test_conflicting_repeats_store_neither_and_name_both(tree: Path) -> None:
    report = import_llmstats(root=tree)

    assert not Result.objects.filter(analysis_method="5-shot CoT").exists()
    (conflict,) = anomalies_of(report, AnomalyKind.CONFLICT)
    assert "0.4422" in conflict and "0.4613" in conflict
    assert "model_benchmark_id 12345" in conflict and "model_benchmark_id 108" in conflict
    assert LARGE_RESULTS in conflict


@pytest.mark.django_db
def test_exact_repeats_are_stored_once(tree: Path) -> None:
    report = import_llmstats(root=tree)

    assert result("acme-small-instruct", "mmlu", "5-shot").score == Decimal("0.7")
    (duplicate,) = anomalies_of(report, AnomalyKind.DUPLICATE)
    assert SMALL_RESULTS in duplicate and "record 2" in duplicate


@pytest.mark.django_db
def test_month_and_year_only_dates_are_reported(tree: Path) -> None:
    report = import_llmstats(root=tree)

    (month,) = anomalies_of(report, AnomalyKind.MONTH_ONLY_DATE)
    assert LARGE_MODEL in month and "knowledge_cutoff '2024-09'" in month
    (year,) = anomalies_of(report, AnomalyKind.YEAR_ONLY_DATE)
    assert SMALL_MODEL in year and "release_date '2024'" in year


@pytest.mark.django_db
def test_placeholder_links_are_dropped_and_reported(tree: Path) -> None:
    report = import_llmstats(root=tree)

    assert result("acme-small-instruct", "mbpp+", "Pass@1").source_url == ""
    (placeholder,) = anomalies_of(report, AnomalyKind.PLACEHOLDER_LINK)
    assert "https://example.com/benchmark-image" in placeholder and SMALL_RESULTS in placeholder


@pytest.mark.django_db
def test_ids_win_over_file_names(tree: Path) -> None:
    report = import_llmstats(root=tree)

    assert Benchmark.objects.filter(slug="translation-set1→en-comet22").exists()
    assert AIModel.objects.filter(slug="acme-small-instruct").exists()
    differs = anomalies_of(report, AnomalyKind.ID_DIFFERS)
    assert len(differs) == 3
    assert any("graphwalks-bfs-%3E128k.json" in line for line in differs)
    assert any("translation-set1-to-en-comet22.json" in line for line in differs)
    assert any(SMALL_MODEL in line and "'acme-small'" in line for line in differs)


@pytest.mark.django_db
def test_path_may_be_the_data_folder_itself(tree: Path) -> None:
    run(tree / "data")

    assert Result.objects.count() == 13


# Idempotence, updates, curators' fields ----------------------------------------------


@pytest.mark.django_db
def test_second_import_changes_nothing(tree: Path) -> None:
    assert "Changed: yes" in run(tree).splitlines()
    before = database_state()

    output = run(tree)

    assert "Changed: nothing" in output.splitlines()
    assert all(created == updated == 0 for created, updated, _, _ in summary(output).values())
    assert summary(output)["results"] == (0, 0, 13, 0)
    assert database_state() == before


@pytest.mark.django_db
def test_a_changed_value_updates_only_its_row(tree: Path) -> None:
    run(tree)
    before = {row.pk: row.updated_at for row in Result.objects.all()}
    edit(tree, LARGE_RESULTS, lambda records: records[0].update(score=0.86, normalized_score=0.86))

    report = import_llmstats(root=tree)

    assert report.counts["results"].updated == 1
    assert report.counts["results"].unchanged == 12
    assert all(
        count.updated == count.created == 0
        for kind, count in report.counts.items()
        if kind != "results"
    )
    changed = result("acme-large", "mmlu", "5-shot")
    assert changed.score == Decimal("0.86")
    assert changed.updated_at > before[changed.pk]
    after = {row.pk: row.updated_at for row in Result.objects.exclude(pk=changed.pk)}
    assert after == {pk: stamp for pk, stamp in before.items() if pk != changed.pk}


HISTORY_TABLES = [Organization, Benchmark, AIModel, Offering, Result]


@pytest.mark.django_db
def test_import_leaves_a_creation_record_per_row(tree: Path) -> None:
    run(tree)

    for model in HISTORY_TABLES:
        created = model.history.filter(history_type="+")
        assert created.count() == model.objects.count() > 0, model.__name__
        assert set(created.values_list("history_change_reason", flat=True)) == {IMPORT_REASON}
        assert set(created.values_list("history_ticket", flat=True)) == {""}
    # Licences, categories and providers keep no history.
    assert not hasattr(License, "history")


@pytest.mark.django_db
def test_an_imported_change_has_a_history_record_with_the_value_before(tree: Path) -> None:
    run(tree)
    records_before = Result.history.count()
    edit(tree, LARGE_RESULTS, lambda records: records[0].update(score=0.86, normalized_score=0.86))

    import_llmstats(root=tree)

    changed = result("acme-large", "mmlu", "5-shot")
    assert Result.history.count() == records_before + 1
    latest, first = changed.history.order_by("-history_date", "-history_id")[:2]
    assert (latest.history_type, latest.history_change_reason) == ("~", IMPORT_REASON)
    assert latest.score == Decimal("0.86")
    assert first.history_type == "+"
    assert first.score != latest.score


@pytest.mark.django_db
def test_a_second_import_adds_no_history(tree: Path) -> None:
    run(tree)
    before = {model: model.history.count() for model in HISTORY_TABLES}

    run(tree)

    assert {model: model.history.count() for model in HISTORY_TABLES} == before


@pytest.mark.django_db
def test_a_dry_run_leaves_no_history(tree: Path) -> None:
    run(tree, "--dry-run")

    assert all(not model.history.exists() for model in HISTORY_TABLES)


@pytest.mark.django_db
def test_changed_categories_are_set_exactly(tree: Path) -> None:
    run(tree)
    mmlu = Benchmark.objects.get(slug="mmlu")
    stamp = mmlu.updated_at
    edit(tree, "data/benchmarks/mmlu.json", lambda data: data.update(categories=["math"]))

    report = import_llmstats(root=tree)

    mmlu.refresh_from_db()
    assert list(mmlu.categories.values_list("slug", flat=True)) == ["math"]
    assert mmlu.updated_at > stamp
    assert report.counts["benchmarks"].updated == 1
    assert report.counts["categories"].created == 1
    # "general" is no longer in any file, but the importer never deletes.
    assert report.counts["categories"].only_in_database == 1
    assert Category.objects.filter(slug="general").exists()


@pytest.mark.django_db
def test_curators_fields_are_never_overwritten(tree: Path) -> None:
    run(tree)
    Benchmark.objects.filter(slug="mmlu").update(
        paper_title="Measuring Massive Multitask Language Understanding", higher_is_better=False
    )
    Category.objects.filter(slug="long_context").update(name="Long-context", description="Big.")
    License.objects.filter(slug="unknown").update(open_weights=False)

    output = run(tree)

    assert summary(output)["benchmarks"] == (0, 0, 9, 0)
    mmlu = Benchmark.objects.get(slug="mmlu")
    assert mmlu.paper_title.startswith("Measuring")
    assert mmlu.higher_is_better is False
    assert Category.objects.get(slug="long_context").name == "Long-context"
    assert License.objects.get(slug="unknown").open_weights is False


@pytest.mark.django_db
def test_rows_the_files_do_not_mention_are_kept_and_counted(tree: Path) -> None:
    run(tree)
    extra = make_result()

    report = import_llmstats(root=tree)

    assert Result.objects.filter(pk=extra.pk).exists()
    # A curator's result is another source's: the import neither matches nor counts it.
    assert extra.source.slug == "curators"
    assert report.counts["results"].only_in_database == 0
    assert report.counts["models"].only_in_database == 1
    assert report.counts["benchmarks"].only_in_database == 1


@pytest.mark.django_db
def test_references_may_point_at_rows_already_in_the_database(tree: Path) -> None:
    make_license(slug="acme-community")
    base = make_ai_model(slug="acme-base")
    edit(
        tree,
        SMALL_MODEL,
        lambda data: data.update(license_id="acme-community", fine_tuned_from_model_id="acme-base"),
    )

    run(tree)

    small = AIModel.objects.get(slug="acme-small-instruct")
    assert small.license.slug == "acme-community"
    assert small.fine_tuned_from == base


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_reports_what_would_change(tree: Path) -> None:
    output = run(tree, "--dry-run")

    assert "dry run" in output
    assert summary(output)["results"] == (13, 0, 0, 0)
    assert all(model.objects.count() == 0 for model in TABLES)

    run(tree)
    before = database_state()
    edit(tree, "data/licenses/unknown.json", lambda data: data.update(name="Not known"))
    output = run(tree, "--dry-run")

    assert summary(output)["licences"] == (0, 1, 3, 0)
    assert database_state() == before


# Malformed input ---------------------------------------------------------------------


def _set(relative: str, key: str, value: Any, index: int | None = None) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        def apply(data: Any) -> None:
            (data if index is None else data[index])[key] = value

        edit(root, relative, apply)

    return change


def _drop(relative: str, key: str) -> Callable[[Path], None]:
    return lambda root: edit(root, relative, lambda data: data.pop(key))


def _write(relative: str, text: str) -> Callable[[Path], None]:
    return lambda root: (root / relative).write_text(text, encoding="utf-8")


MALFORMED = {
    "bad JSON": (
        _write("data/benchmarks/mmlu.json", '{"benchmark_id": "mmlu",'),
        "data/benchmarks/mmlu.json",
        "is not valid JSON",
    ),
    "missing required field": (
        _drop("data/licenses/apache_2_0.json", "allow_commercial"),
        "data/licenses/apache_2_0.json",
        "allow_commercial: is missing",
    ),
    "boolean for a number": (
        _set(LARGE_RESULTS, "score", True, index=0),
        LARGE_RESULTS,
        "score: expected a number, got true/false",
    ),
    "number for a string": (
        _set(LARGE_MODEL, "name", 42),
        LARGE_MODEL,
        "name: expected a string, got a number",
    ),
    "string too long": (
        _set("data/organizations/acme/organization.json", "country", "USA"),
        "data/organizations/acme/organization.json",
        "country: is 3 characters long",
    ),
    "unknown benchmark in a result": (
        _set(LARGE_RESULTS, "benchmark_id", "mmlu-pro", index=0),
        LARGE_RESULTS,
        "benchmark_id: 'mmlu-pro' is neither in the files nor in the database",
    ),
    "unknown licence": (
        _set(LARGE_MODEL, "license_id", "gpl"),
        LARGE_MODEL,
        "license_id: 'gpl' is neither",
    ),
    "unknown base model": (
        _set(SMALL_MODEL, "fine_tuned_from_model_id", "acme-base"),
        SMALL_MODEL,
        "fine_tuned_from_model_id: 'acme-base' is neither",
    ),
    "unknown provider in an offering": (
        _set("data/providers/cloudy/models.json", "provider_id", "nimbus", index=0),
        "data/providers/cloudy/models.json",
        "provider_id: 'nimbus' is neither",
    ),
    "unknown parent benchmark": (
        _set("data/benchmarks/browsecomp-zh.json", "parent_benchmark_id", "browse"),
        "data/benchmarks/browsecomp-zh.json",
        "parent_benchmark_id: 'browse' is neither",
    ),
    "id with a space": (
        _set("data/benchmarks/mmlu.json", "benchmark_id", "mm lu"),
        "data/benchmarks/mmlu.json",
        "benchmark_id: 'mm lu' is not a usable id",
    ),
    "bad date": (
        _set(LARGE_MODEL, "release_date", "March 2025"),
        LARGE_MODEL,
        "release_date: expected a date",
    ),
    "negative score": (
        _set(LARGE_RESULTS, "score", -0.1, index=0),
        LARGE_RESULTS,
        "score: must be at least 0",
    ),
    "score finer than the column": (
        _set(LARGE_RESULTS, "score", 0.1234567, index=0),
        LARGE_RESULTS,
        "score: 0.1234567 does not fit exactly",
    ),
    "unknown modality": (
        _set("data/benchmarks/mmlu.json", "modality", "smell"),
        "data/benchmarks/mmlu.json",
        "modality: 'smell' is not one of",
    ),
    "zero max_score": (
        _set("data/benchmarks/mmlu.json", "max_score", 0),
        "data/benchmarks/mmlu.json",
        "max_score: must be above 0",
    ),
    "categories not a list": (
        _set("data/benchmarks/mmlu.json", "categories", "general"),
        "data/benchmarks/mmlu.json",
        "categories: expected an array",
    ),
    "missing model file": (
        lambda root: (root / SMALL_MODEL).unlink(),
        SMALL_MODEL,
        "the file is missing",
    ),
    "two files with one id": (
        _set("data/benchmarks/mmmu.json", "benchmark_id", "mmlu"),
        "data/benchmarks/mmmu.json",
        "benchmark_id: benchmark id 'mmlu' is also defined in data/benchmarks/mmlu.json",
    ),
    "array where an object belongs": (
        _write("data/providers/fastinf/provider.json", "[]"),
        "data/providers/fastinf/provider.json",
        "expected an object at the top level",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", MALFORMED.keys())
def test_malformed_input_stops_the_import_and_changes_nothing(tree: Path, case: str) -> None:
    break_tree, file, message = MALFORMED[case]
    run(tree)
    before = database_state()
    # A valid change too, which a partial write would let through.
    edit(tree, "data/licenses/unknown.json", lambda data: data.update(name="Not known"))
    break_tree(tree)

    with pytest.raises(CommandError) as raised:
        run(tree)

    assert file in str(raised.value)
    assert message in str(raised.value)
    assert database_state() == before


@pytest.mark.django_db
def test_every_problem_is_listed_at_once(tree: Path) -> None:
    _set(LARGE_MODEL, "multimodal", "yes")(tree)
    _set("data/providers/cloudy/models.json", "max_input_tokens", 1.5, index=1)(tree)
    _set(SMALL_RESULTS, "benchmark_id", "nope", index=2)(tree)

    with pytest.raises(CommandError) as raised:
        run(tree)

    text = str(raised.value)
    assert "3 errors" in text
    assert f"{LARGE_MODEL}: multimodal: expected true or false" in text
    assert "models.json, record 2 (model_provider_id 2): max_input_tokens" in text
    assert f"{SMALL_RESULTS}, record 3 (model_benchmark_id 113): benchmark_id" in text
    assert all(model.objects.count() == 0 for model in TABLES)


@pytest.mark.django_db
def test_a_path_without_data_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="holds no data/ folder"):
        run(tmp_path)


# Speed -------------------------------------------------------------------------------


def _enlarge(root: Path, copies: int) -> None:
    """Add copies of every benchmark, model (with its results) and offering."""
    data = root / "data"
    for path in sorted((data / "benchmarks").glob("*.json")):
        for n in range(copies):
            record = json.loads(path.read_text(encoding="utf-8"))
            record["benchmark_id"] += f"-{n}"
            save(data, f"benchmarks/{path.stem}-{n}.json", record)
    for folder in sorted((data / "organizations").glob("*/models/*")):
        for n in range(copies):
            copy = folder.with_name(f"{folder.name}-{n}")
            shutil.copytree(folder, copy)
            model = load(copy, "model.json")
            model["model_id"] += f"-{n}"
            save(copy, "model.json", model)
            results = load(copy, "benchmarks.json")
            for record in results:
                record["model_id"] = model["model_id"]
                record["benchmark_id"] += f"-{n}"
            save(copy, "benchmarks.json", results)
    for path in sorted((data / "providers").glob("*/models.json")):
        offerings = load(path.parent, "models.json")
        copied = [
            {**offering, "model_id": f"{offering['model_id']}-{n}"}
            for n in range(copies)
            for offering in offerings
        ]
        save(path.parent, "models.json", offerings + copied)


def _count_queries(root: Path) -> tuple[int, ImportReport]:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        report = import_llmstats(root=root)
        transaction.set_rollback(True)
    return len(queries), report


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_tree(tmp_path: Path) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    shutil.copytree(FIXTURE, small)
    shutil.copytree(FIXTURE, large)
    _enlarge(large, copies=4)

    small_queries, small_report = _count_queries(small)
    large_queries, large_report = _count_queries(large)

    assert large_report.counts["results"].created == 5 * small_report.counts["results"].created
    assert large_report.counts["offerings"].created == 5 * small_report.counts["offerings"].created
    # Including those that lock the benchmarks and count their models again, those that
    # record the run, its anomalies and conflicts, and the date of the source's data, and
    # those that note what the source said of the parents and categories set after
    # creation, and the four that bump the data version (the source, its run, its date,
    # and the import's own).
    assert small_queries <= 50
    assert large_queries == small_queries


# The real data -----------------------------------------------------------------------


@pytest.mark.django_db
def test_real_llmstats_tree_imports_and_reimports_unchanged(llmstats_tree: Path) -> None:
    root = llmstats_tree

    output = run(root)

    assert AIModel.objects.count() == 108
    assert Benchmark.objects.count() == 342
    assert License.objects.count() == 24
    assert Provider.objects.count() == 20
    assert Offering.objects.count() == 164
    assert Result.objects.count() == 1256
    conflicts = [line for line in output.splitlines() if line.startswith("  [conflict]")]
    assert len(conflicts) == 1
    assert "0.4422" in conflicts[0] and "0.4613" in conflicts[0]
    assert "Changed: yes" in output.splitlines()

    second = run(root)
    assert "Changed: nothing" in second.splitlines()
    again = summary(second)
    assert set(again) == {
        "licences",
        "organizations",
        "categories",
        "benchmarks",
        "providers",
        "models",
        "offerings",
        "results",
    }
    assert all(created == updated == 0 for created, updated, _, _ in again.values())
    assert again["results"] == (0, 0, 1256, 0)
