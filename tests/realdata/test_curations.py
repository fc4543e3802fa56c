"""The curators' decisions shipped with the snapshot (data/llmstats-curations.json), and what
the import reports that curators still have to decide."""

import io
from pathlib import Path

from django.core.management import call_command

from benchmarks.models import Benchmark, Result
from ingest.llmstats import AnomalyKind


def import_output(snapshot_root: Path, *args: str) -> list[str]:
    out = io.StringIO()
    call_command("import_llmstats", str(snapshot_root), *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_shipped_decisions_hold(snapshot_root):
    assert not Benchmark.objects.get(slug="fleurs").higher_is_better
    assert not Benchmark.objects.get(slug="common-voice-15").higher_is_better
    family = Benchmark.objects.get(slug="swe-bench-verified")
    assert set(family.variants.values_list("slug", flat=True)) == {
        "swe-bench-verified-(agentic-coding)",
        "swe-bench-verified-(agentless)",
        "swe-bench-verified-(multiple-attempts)",
    }
    nemotron = Result.objects.get(
        ai_model__slug="llama-3.1-nemotron-70b-instruct", benchmark__slug="mt-bench"
    )
    assert (str(nemotron.score), str(nemotron.normalized_score)) == ("0.898000", "0.898000")
    assert "8.98" in nemotron.history.first().history_change_reason


def test_a_new_import_keeps_what_the_source_does_not_say(snapshot_root):
    """The source names no direction and no parent: a curator's stay through an import."""
    import_output(snapshot_root)
    assert not Benchmark.objects.get(slug="fleurs").higher_is_better
    assert Benchmark.objects.get(slug="swe-bench-verified-(agentless)").parent.slug == (
        "swe-bench-verified"
    )


def test_the_import_names_the_variants_curators_have_not_placed(snapshot_root):
    lines = [
        line
        for line in import_output(snapshot_root, "--dry-run")
        if line.startswith(f"  [{AnomalyKind.LIKELY_VARIANT}] ")
    ]
    # The 15 benchmarks named "<another's name> (...)", less the 4 curators placed.
    assert len(lines) == 11
    assert not any("swe-bench-verified" in line or "swe-lancer" in line for line in lines)
    assert any("'MMLU (CoT)' reads as a variant of 'MMLU'" in line for line in lines)


def test_the_import_names_apart_the_models_named_alike(snapshot_root):
    lines = [
        line
        for line in import_output(snapshot_root, "--dry-run")
        if line.startswith(f"  [{AnomalyKind.SHARED_NAME}] ")
    ]
    assert len(lines) == 4
    assert any("named 'GPT-4o (May 2024)'" in line for line in lines)
