"""The Every Eval Ever import on files the archive lacks: what the format allows beyond
it, and the crosswalk's rules one by one (the archive itself: tests/realdata_eee)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from benchmarks.models import Benchmark, Result
from ingest.eee_import import KnownModel, crosswalk, developer_key, name_key
from models_registry.models import ModelLink
from sources.models import ImportRun, Source
from tests.ingest.test_eee_reader import evaluation, result, write


@pytest.mark.parametrize(
    ("developer", "key"),
    [
        ("deepseek-ai", "deepseek"),
        ("DeepSeek", "deepseek"),
        ("mistralai", "mistral"),
        ("Mistral AI", "mistral"),
        ("zai-org", "zai"),
        ("xai", "xai"),
        ("meta-llama", "metallama"),
        ("braindao", "braindao"),
    ],
)
def test_developer_key(developer, key):
    assert developer_key(developer) == key


def test_name_key_ignores_the_developer_case_and_punctuation_but_not_dots():
    assert name_key("deepseek-ai/DeepSeek-R1-Distill-Qwen-14B") == name_key(
        "deepseek-r1-distill-qwen-14b"
    )
    assert name_key("Qwen2.5-7B") != name_key("Qwen25-7B")


def known(pk: int, developer: str, slug: str, *, name: str = "", own: bool = False):
    names = {name_key(slug), name_key(name or slug)}
    return KnownModel(
        pk=pk,
        keys=frozenset({(developer_key(developer), name_key(slug))}),
        name_keys=frozenset(names),
        own=own,
    )


def test_crosswalk_links_only_the_same_developer_and_name():
    models = [known(1, "deepseek", "deepseek-r1-distill-qwen-14b")]
    ids = {
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B": "deepseek-ai",
        "braindao/DeepSeek-R1-Distill-Qwen-14B": "braindao",
    }

    plan = crosswalk(ids, models, {})

    assert plan.decisions["deepseek-ai/DeepSeek-R1-Distill-Qwen-14B"] == (1, "same", None)
    assert plan.decisions["braindao/DeepSeek-R1-Distill-Qwen-14B"] == (None, "own", 1)
    assert list(plan.new_models.values()) == [["braindao/DeepSeek-R1-Distill-Qwen-14B"]]


def test_crosswalk_is_not_certain_of_two_known_models_with_the_same_keys():
    models = [known(1, "acme", "model-x"), known(2, "acme-ai", "Model_X")]

    plan = crosswalk({"acme/model-x": "acme"}, models, {})

    assert plan.decisions["acme/model-x"][:2] == (None, "own")


def test_crosswalk_keeps_earlier_links_and_groups_ids_that_differ_in_case():
    models = [known(1, "qwen", "qwen2-7b"), known(7, "someone", "qwen2-7b", own=True)]
    ids = {"Qwen/Qwen2-7B": "Qwen", "qwen/qwen2-7b": "qwen", "other/Qwen2-7B": "other"}

    plan = crosswalk(ids, models, {"Qwen/Qwen2-7B": 5})

    # Curators linked one id of the pair to model 5: the other follows it.
    assert plan.decisions["qwen/qwen2-7b"] == (5, "same", None)
    assert "Qwen/Qwen2-7B" not in plan.decisions
    # A model this import made for another upload is never suggested.
    assert plan.decisions["other/Qwen2-7B"] == (None, "own", 1)


def import_tree(root, *extra: str) -> str:
    out = io.StringIO()
    call_command("import_eee", str(root), *extra, stdout=out)
    return out.getvalue()


def test_direction_levels_bounds_and_uncertainty_are_stored(db, tmp_path):
    levels = result(
        "Grade", 2, score_type="levels", level_names=["fail", "pass", "merit"], max_score=2
    )
    error_rate = result("Word error rate", 12.5, lower_is_better=True, max_score=100)
    elo = result("Elo", 1310, min_score="-Infinity", max_score="Infinity")
    below_zero = result("Margin", -3, min_score=-10, max_score=10)
    precise = result("Accuracy", 0.71)
    precise["score_details"]["uncertainty"] = {
        "standard_error": {"value": 0.012},
        "confidence_interval": {"lower": 0.69, "upper": 0.73, "confidence_level": 0.95},
        "num_samples": 1000,
    }
    precise["evaluation_timestamp"] = "2026-03-01T12:00:00Z"
    data = evaluation(evaluation_results=[levels, error_rate, elo, below_zero, precise])

    import_tree(write(tmp_path, {"run.json": data}))

    benchmarks = {b.name: b for b in Benchmark.objects.all()}
    grade = benchmarks["A dataset Grade (A board)"]
    assert grade.metric["level_names"] == ["fail", "pass", "merit"]
    wer = benchmarks["A dataset Word error rate (A board)"]
    assert (wer.higher_is_better, wer.max_score) == (False, 100)
    elo_board = benchmarks["A dataset Elo (A board)"]
    assert elo_board.metric["unbounded"] is True
    assert elo_board.max_score == 1310  # the best score given is the scale
    results = {r.benchmark.name: r for r in Result.objects.select_related("benchmark")}
    assert results["A dataset Grade (A board)"].normalized_score == 1
    assert results["A dataset Word error rate (A board)"].normalized_score == Decimal("0.125")
    accuracy = results["A dataset Accuracy (A board)"]
    assert (accuracy.standard_error, accuracy.ci_lower, accuracy.ci_upper) == (
        Decimal("0.012"),
        Decimal("0.69"),
        Decimal("0.73"),
    )
    assert accuracy.details["confidence_level"] == "0.95"
    assert accuracy.details["num_samples"] == 1000
    assert accuracy.details["harness"] == "inspect_ai"
    assert str(accuracy.recorded_on) == "2026-03-01"
    # The lab's own evaluation (first_party) is its own claim.
    assert accuracy.status == Result.Status.SELF_REPORTED
    # A negative score cannot be stored: named in the run, the rest kept.
    assert "A dataset Margin (A board)" not in results
    (anomaly,) = ImportRun.objects.get().anomalies.all()
    assert "“Margin”: -3 is negative" in anomaly.message
    assert anomaly.file == "data/board/dev/model/run.json"


def test_a_dry_run_saves_nothing(db, tmp_path):
    out = import_tree(write(tmp_path, {"run.json": evaluation()}), "--dry-run")

    assert "dry run: nothing was saved" in out
    assert not Source.objects.filter(slug="board").exists()
    assert not ModelLink.objects.exists()
    assert not ImportRun.objects.exists()
