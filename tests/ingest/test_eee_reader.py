"""Reading Every Eval Ever files: the vendored archive, and what the format allows beyond it."""

import json
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from ingest import eee
from ingest.archives import extract
from ingest.eee import Refusal

ARCHIVE = Path(settings.BASE_DIR) / "data" / "every-eval-ever-2026.tar.xz"

# Kept files and results per board; SOURCES.md gives the files and results in the archive.
KEPT = {
    "hfopenllm_v2": (4574, 27444),
    "helm_lite": (91, 909),  # 910, less a GSM8K score of -1
    "helm_mmlu": (79, 2844),
    "reward-bench": (376, 2366),  # 384 files, less 8 that repeat a truncated model id
    "livecodebenchpro": (29, 87),
    "hal-gaia": (32, 128),
    "hal-swebench-verified-mini": (33, 33),
    "hal-scicode": (33, 33),
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> eee.EEETree:
    root = tmp_path_factory.mktemp("every-eval-ever")
    extract(ARCHIVE, root)
    return eee.read_tree(root)


def results_of(tree: eee.EEETree, model_id: str, name: str) -> list[eee.EvalResult]:
    return [r for r in tree.results if r.model.id == model_id and r.evaluation_name == name]


def test_the_archive_reads_into_its_boards(archive):
    files = Counter(board for board, _ in {(r.board, r.file) for r in archive.results})
    results = Counter(r.board for r in archive.results)

    assert archive.files == 5255
    assert {board: (files[board], results[board]) for board in archive.boards} == KEPT
    assert Counter(finding.reason for finding in archive.refused) == {
        Refusal.SCORE_OUT_OF_RANGE: 7,
        Refusal.DUPLICATE_ID: 8,
    }
    # The Open LLM Leaderboard gives one id to a model's runs at two precisions.
    assert len(archive.notes) == 78
    assert {note.file.split("/")[1] for note in archive.notes} == {"hfopenllm_v2"}


def test_each_board_says_who_published_it(archive):
    boards = archive.boards

    assert boards["hfopenllm_v2"].name == "HF Open LLM v2"
    assert boards["hfopenllm_v2"].organization == "Hugging Face"
    assert boards["hal-gaia"].name == "HAL Leaderboard — GAIA"
    assert boards["hal-gaia"].organization_url == "https://hal.cs.princeton.edu"
    assert {board.evaluator_relationship for board in boards.values()} == {"third_party"}
    assert {board.source_type for board in boards.values()} == {"documentation"}


def test_a_refusal_names_its_file_and_result(archive):
    (gsm8k,) = [f for f in archive.refused if f.file.split("/")[1] == "helm_lite"]

    assert gsm8k.file.startswith("data/helm_lite/microsoft/phi-3-small-8k-instruct/")
    assert str(gsm8k).endswith("result “GSM8K”: -1.0 is outside 0 to 1")


def test_a_hal_run_is_a_model_in_a_scaffold_at_a_cost(archive):
    # One model id, run at two reasoning efforts (named in model_info.name) in two scaffolds.
    assert len(results_of(archive, "anthropic/claude-3-7-sonnet-20250219", "GAIA")) == 4
    (gaia,) = [
        r
        for r in results_of(archive, "anthropic/claude-3-7-sonnet-20250219", "GAIA")
        if r.scaffold == "HAL Generalist Agent"
        and r.model.name.startswith("Claude-3.7 Sonnet High")
    ]

    assert gaia.score == Decimal("0.6424")
    assert gaia.cost_usd == Decimal("122.49")
    assert gaia.settings == "HAL Generalist Agent · $122.49"
    assert (gaia.library, gaia.library_version) == ("HAL", "unknown")
    assert gaia.retrieved_at.year == 2026


def test_runs_at_two_precisions_are_two_rows(archive):
    runs = results_of(archive, "AtAndDev/Qwen2.5-1.5B-continuous-learnt", "GPQA")

    assert sorted((r.settings, r.score) for r in runs) == [
        ("bfloat16", Decimal("0.2701")),
        ("float16", Decimal("0.2659")),
    ]
    assert {r.model.architecture for r in runs} == {"Qwen2ForCausalLM"}
    assert {r.model.params_billions for r in runs} == {Decimal("1.544")}


# What the format allows beyond the archive ---------------------------------------------------


def evaluation(version: str = "0.3.0", **changes) -> dict:
    data = {
        "schema_version": version,
        "evaluation_id": "board/dev_model/1",
        "retrieved_timestamp": "1770682486.5",
        "source_metadata": {
            "source_name": "A board",
            "source_type": "evaluation_run",
            "source_organization_name": "A lab",
            "evaluator_relationship": "first_party",
        },
        "eval_library": {"name": "inspect_ai", "version": "0.3.90"},
        "model_info": {"name": "Model", "id": "dev/model", "additional_details": {}},
        "evaluation_results": [result()],
    }
    return data | changes


def result(name: str = "Accuracy", score: object = 0.5, **metric) -> dict:
    return {
        "evaluation_name": name,
        "source_data": {"dataset_name": "A dataset", "source_type": "hf_dataset"},
        "metric_config": {"lower_is_better": False, "min_score": 0, "max_score": 1} | metric,
        "score_details": {"score": score},
    }


def write(root: Path, files: dict[str, object]) -> Path:
    for name, content in files.items():
        path = root / "data" / "board" / "dev" / "model" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content)
        path.write_text(text)
    return root


def read(tmp_path: Path, files: dict[str, object]) -> eee.EEETree:
    return eee.read_tree(write(tmp_path, files))


def test_levels_direction_bounds_uncertainty_and_settings_are_kept(tmp_path):
    levels = result("Grade", 2, score_type="levels", level_names=["fail", "pass", "merit"])
    error_rate = result("Word error rate", 12.5, lower_is_better=True, max_score=100)
    unbounded = result("Elo", 1310, min_score="-Infinity", max_score="Infinity")
    precise = result("Accuracy", 0.71)
    precise["score_details"]["uncertainty"] = {
        "standard_error": {"value": 0.012, "method": "analytic"},
        "confidence_interval": {"lower": 0.69, "upper": 0.73, "confidence_level": 0.95},
        "num_samples": 1000,
    }
    precise["evaluation_timestamp"] = "2026-03-01T12:00:00Z"
    precise["generation_config"] = {
        "generation_args": {"temperature": 0.7, "reasoning": True, "max_tokens": 4096}
    }
    data = evaluation(evaluation_results=[levels, error_rate, unbounded, precise])

    tree = read(tmp_path, {"run.json": data, "run.jsonl": "{}\n"})

    assert tree.refused == []
    grade, wer, elo, accuracy = tree.results
    assert (grade.metric.score_type, grade.metric.level_names) == (
        "levels",
        ("fail", "pass", "merit"),
    )
    assert (wer.metric.lower_is_better, wer.metric.max_score) == (True, Decimal(100))
    assert (elo.metric.min_score, elo.metric.max_score) == (None, None)
    assert accuracy.uncertainty == eee.Uncertainty(
        standard_error=Decimal("0.012"),
        ci_lower=Decimal("0.69"),
        ci_upper=Decimal("0.73"),
        confidence_level=Decimal("0.95"),
        num_samples=1000,
    )
    assert accuracy.evaluated_at == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert grade.evaluated_at is None
    assert accuracy.generation == {
        "temperature": Decimal("0.7"),
        "reasoning": True,
        "max_tokens": 4096,
    }
    assert (accuracy.library, accuracy.library_version) == ("inspect_ai", "0.3.90")
    assert tree.boards["board"].evaluator_relationship == "first_party"
    assert tree.sidecars == 1


@pytest.mark.parametrize(
    ("content", "reason", "detail"),
    [
        ("{not json", Refusal.NOT_JSON, "Expecting property name"),
        ([1, 2], Refusal.NOT_JSON, "holds an array"),
        (evaluation("9.9.9"), Refusal.UNKNOWN_VERSION, "schema_version '9.9.9'"),
        (
            {k: v for k, v in evaluation("0.2.2").items() if k != "eval_library"},
            Refusal.BREAKS_SCHEMA,
            "eval_library is missing",
        ),
        (
            evaluation(evaluation_results=[result(lower_is_better="no")]),
            Refusal.BREAKS_SCHEMA,
            "evaluation_results[0].metric_config.lower_is_better should be true or false",
        ),
        (
            evaluation(evaluation_results=[result(score="0.5")]),
            Refusal.BREAKS_SCHEMA,
            "evaluation_results[0].score_details.score should be a whole number or a number",
        ),
        (
            evaluation(retrieved_timestamp="yesterday"),
            Refusal.BREAKS_SCHEMA,
            "retrieved_timestamp 'yesterday' is not a Unix time",
        ),
        (evaluation(evaluation_results=[]), Refusal.BREAKS_SCHEMA, "evaluation_results is empty"),
    ],
)
def test_a_file_that_breaks_its_schema_is_refused_whole(tmp_path, content, reason, detail):
    tree = read(tmp_path, {"run.json": content})

    assert tree.results == []
    (refused,) = tree.refused
    assert (refused.file, refused.reason) == ("data/board/dev/model/run.json", reason)
    assert detail in refused.detail


def test_a_result_out_of_its_range_or_without_level_names_is_refused_alone(tmp_path):
    data = evaluation(
        evaluation_results=[
            result("Kept", 0.5),
            result("Too high", 1.5),
            result("Unnamed levels", 1, score_type="levels"),
            result("Not a number", "NaN"),
        ]
    )
    text = json.dumps(data).replace('"NaN"', "NaN")

    tree = read(tmp_path, {"run.json": text})

    assert [r.evaluation_name for r in tree.results] == ["Kept"]
    assert [(f.result, f.reason) for f in tree.refused] == [
        ("Too high", Refusal.SCORE_OUT_OF_RANGE),
        ("Unnamed levels", Refusal.LEVELS_WITHOUT_NAMES),
        ("Not a number", Refusal.SCORE_NOT_A_NUMBER),
    ]
    assert str(tree.refused[0]) == (
        "[score outside its range] data/board/dev/model/run.json, result “Too high”: "
        "1.5 is outside 0 to 1"
    )


def test_a_repeated_evaluation_id_is_refused_unless_its_settings_differ(tmp_path):
    run = evaluation()
    other_precision = evaluation(
        model_info={
            "name": "Model",
            "id": "dev/model",
            "additional_details": {"precision": "float16"},
        }
    )

    tree = read(tmp_path, {"a.json": run, "b.json": run, "c.json": other_precision})

    assert [r.file.rsplit("/", 1)[1] for r in tree.results] == ["a.json", "c.json"]
    (refused,) = tree.refused
    assert (refused.file.rsplit("/", 1)[1], refused.reason) == ("b.json", Refusal.DUPLICATE_ID)
    assert "given first by data/board/dev/model/a.json" in refused.detail
    (note,) = tree.notes
    assert note.file.endswith("c.json")


def test_a_location_without_the_tree_is_named(tmp_path):
    with pytest.raises(eee.EEEDataError, match="holds no data/ folder"):
        eee.read_tree(tmp_path)
