"""Curators' decisions shipped with the data (ingest/curation.py, import_llmstats --curations)."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from benchmarks.models import Benchmark, Result
from ingest.curation import CurationError, apply_decisions, read_decisions
from tests.factories import make_ai_model, make_benchmark, make_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleurs():
    benchmark = make_benchmark(slug="fleurs", name="FLEURS", max_score=Decimal(100))
    make_result(
        ai_model=make_ai_model(slug="flash-8b"),
        benchmark=benchmark,
        analysis_method="Speech recognition accuracy (1 - WER)",
        score=Decimal("0.864"),
        normalized_score=Decimal("0.864"),
    )
    return benchmark


def write(tmp_path, decisions) -> object:
    path = tmp_path / "curations.json"
    path.write_text(json.dumps({"decisions": decisions}), encoding="utf-8")
    return path


DECISIONS = [
    {"benchmark": "fleurs", "set": {"higher_is_better": False}, "reason": "A word error rate."},
    {
        "result": {
            "model": "flash-8b",
            "benchmark": "fleurs",
            "method": "Speech recognition accuracy (1 - WER)",
        },
        "set": {"score": "0.136", "notes": "Reported as 1 - WER."},
        "reason": "Stored as its word error rate.",
    },
]


def test_decisions_are_applied_with_their_public_reasons_once(tmp_path, fleurs):
    path = write(tmp_path, DECISIONS)

    applied = apply_decisions(read_decisions(path))

    assert len(applied) == 2
    fleurs.refresh_from_db()
    assert fleurs.higher_is_better is False
    result = Result.objects.get()
    # The normalized score follows the score by the import's rule (a fraction on a
    # benchmark whose maximum is 100 is read as a fraction).
    assert (result.score, result.normalized_score) == (Decimal("0.136"), Decimal("0.136"))
    assert result.notes == "Reported as 1 - WER."
    assert result.history.first().history_change_reason == "Stored as its word error rate."
    assert fleurs.history.first().history_change_reason == "A word error rate."
    # Applied again, nothing changes and no history is written.
    assert apply_decisions(read_decisions(path)) == []
    assert result.history.count() == 2


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"benchmark": "nope", "set": {"higher_is_better": False}, "reason": "r"}, "no such row"),
        ({"benchmark": "fleurs", "set": {"name": "X"}, "reason": "r"}, "not a field"),
        ({"benchmark": "fleurs", "set": {"higher_is_better": "no"}, "reason": "r"}, "must be"),
        ({"benchmark": "fleurs", "set": {"higher_is_better": False}}, "public reason"),
        (
            {"benchmark": "fleurs", "set": {"higher_is_better": False}, "reason": "r" * 101},
            "at most 100",
        ),
        ({"set": {"score": "1"}, "reason": "r"}, "neither a benchmark nor a result"),
        (
            {
                "result": {"model": "flash-8b", "benchmark": "fleurs", "method": "other"},
                "set": {"score": "0.1"},
                "reason": "r",
            },
            "no such row",
        ),
        (
            {
                "result": {
                    "model": "flash-8b",
                    "benchmark": "fleurs",
                    "method": "Speech recognition accuracy (1 - WER)",
                },
                "set": {"score": "lots"},
                "reason": "r",
            },
            "not a number",
        ),
    ],
)
def test_a_bad_decision_is_refused_by_the_import_and_nothing_is_kept(
    tmp_path, fleurs, llmstats_tree, decision, message
):
    """All or nothing: the import that came with a wrong decisions file is undone too."""
    path = write(tmp_path, [DECISIONS[0], decision])
    with pytest.raises(CommandError, match=message):
        call_command(
            "import_llmstats", str(llmstats_tree), "--curations", str(path), stdout=io.StringIO()
        )
    assert Benchmark.objects.get(slug="fleurs").higher_is_better is True
    assert Result.objects.count() == 1


def test_a_file_that_is_not_a_decisions_file_is_refused(tmp_path):
    path = tmp_path / "curations.json"
    path.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(CurationError, match="not a decisions file"):
        read_decisions(path)
