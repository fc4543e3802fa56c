"""The plausibility anomalies the import reports on the real snapshot.

A dry run of the snapshot against the imported database. The checks read the files'
values and two fields the import never writes: a benchmark's higher_is_better and a
licence's open_weights. This package's import also applies the curators' decisions
(data/llmstats-curations.json), which rank some benchmarks lower-first; the counts are
taken with every benchmark ranked higher-first, as a bare import leaves them, so that
they do not move with the curations. Every flagged line was read and checked to be a
real discrepancy; the exact counts make any change of the rules or the data show here.
"""

import io
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command

from benchmarks.models import Benchmark
from ingest.llmstats import AnomalyKind
from models_registry.models import AIModel, Offering

REVIEWED_COUNTS = {
    # Nemotron Nano 9B v2 (88.9B); Gemma 3n E2B and E2B Instructed (8B, E4B's count);
    # Gemma 3n E4B LiteRT Preview (1.91B, E2B's figure).
    AnomalyKind.PARAMETERS_VS_NAME: 4,
    # SambaNova's Llama 3.1 70B at $10 output (its 405B price); Groq's Llama 3.3 70B at
    # $7.90 output (it charges $0.79).
    AnomalyKind.PRICE_VS_OFFERINGS: 2,
    # Together's Gemma 3n E4B at $20 / $40; Replicate's DeepSeek VL2 at $4800 output.
    AnomalyKind.PRICE_VS_SIZE: 2,
    # Gemini 2.5 Flash-Lite under CC BY among 11 proprietary Gemini models.
    AnomalyKind.LICENCE_VS_FAMILY: 1,
    # The four Gemma 3n models marked proprietary that link their Hugging Face weights.
    AnomalyKind.LICENCE_VS_WEIGHTS: 4,
    # Llama 3.1 Nemotron 70B's MT-Bench 0.0899; GPT-3.5 Turbo's 0 on the image
    # benchmarks MathVista and MMMU (a text-only model: a placeholder, not a result).
    AnomalyKind.SCORE_OUTLIER: 3,
    # Three WER results on FLEURS, one on Common Voice 15.
    AnomalyKind.ERROR_RATE_RANKED_HIGHER: 4,
    # FLEURS: WER beside "Accuracy" and "Speech recognition accuracy (1 - WER)".
    AnomalyKind.MIXED_MEASURES: 1,
}


def flagged(snapshot_root: Path) -> dict[str, list[str]]:
    """The anomaly lines of a dry run of the snapshot against the database, by kind."""
    out = io.StringIO()
    call_command("import_llmstats", str(snapshot_root), "--dry-run", stdout=out)
    lines: dict[str, list[str]] = defaultdict(list)
    for line in out.getvalue().splitlines():
        for kind in REVIEWED_COUNTS:
            if line.startswith(f"  [{kind}] "):
                lines[kind].append(line)
    return lines


@pytest.fixture
def bare_import() -> None:
    """Every benchmark ranked higher-first, as the import creates them."""
    Benchmark.objects.update(higher_is_better=True)


@pytest.fixture
def anomalies(bare_import, snapshot_root: Path) -> dict[str, list[str]]:
    return flagged(snapshot_root)


def one(lines: list[str], *parts: str) -> str:
    (line,) = [line for line in lines if all(part in line for part in parts)]
    return line


def test_each_new_kind_flags_exactly_the_reviewed_cases(anomalies) -> None:
    assert {kind: len(anomalies[kind]) for kind in REVIEWED_COUNTS} == REVIEWED_COUNTS


def test_the_report_counts_each_kind(bare_import, snapshot_root: Path) -> None:
    out = io.StringIO()
    call_command("import_llmstats", str(snapshot_root), "--dry-run", stdout=out)
    for kind, number in REVIEWED_COUNTS.items():
        assert f"  {kind}: {number}" in out.getvalue().splitlines()


def test_nemotron_nano_9b_with_88_9b_parameters(anomalies) -> None:
    line = one(anomalies[AnomalyKind.PARAMETERS_VS_NAME], "nemotron-nano-9b-v2/model.json")
    assert "88.9B" in line and "'9B'" in line


def test_gemma_3n_e4b_priced_at_20_and_40_dollars(anomalies) -> None:
    line = one(anomalies[AnomalyKind.PRICE_VS_SIZE], "gemma-3n-e4b-it at together")
    assert "data/providers/together/models.json" in line
    assert "input $20.00 and output $40.00" in line


def test_gemini_2_5_flash_lite_open_among_proprietary_geminis(anomalies) -> None:
    line = one(anomalies[AnomalyKind.LICENCE_VS_FAMILY], "gemini-2.5-flash-lite/model.json")
    assert "creative_commons_attribution_4_0_license" in line and "'gemini'" in line


def test_nemotron_70b_mt_bench_far_below_the_rest(anomalies) -> None:
    line = one(anomalies[AnomalyKind.SCORE_OUTLIER], "mt-bench")
    assert "llama-3.1-nemotron-70b-instruct/benchmarks.json" in line
    assert "normalized score 0.0899" in line


def test_fleurs_mixes_measures(anomalies) -> None:
    mixed = one(anomalies[AnomalyKind.MIXED_MEASURES], "data/benchmarks/fleurs.json")
    assert "'Speech recognition accuracy (1 - WER)'" in mixed and "'Accuracy'" in mixed
    assert "curators must decide the direction" in mixed


def test_the_values_are_imported_as_they_are() -> None:
    nano = AIModel.objects.get(slug="nvidia-nemotron-nano-9b-v2")
    offering = Offering.objects.get(ai_model__slug="gemma-3n-e4b-it", provider__slug="together")
    assert nano.parameter_count == 88_900_000_000
    assert (offering.input_usd_per_million, offering.output_usd_per_million) == (20, 40)


def test_fleurs_error_rates_ranked_higher_first(anomalies) -> None:
    error_rates = anomalies[AnomalyKind.ERROR_RATE_RANKED_HIGHER]
    fleurs = [line for line in error_rates if ": fleurs: " in line]
    assert len(fleurs) == 3
    assert all("'WER'" in line or "'Word Error Rate'" in line for line in fleurs)
    one(error_rates, ": common-voice-15: ", "qwen2.5-omni-7b/benchmarks.json")


def test_a_direction_curators_decided_is_no_longer_reported(snapshot_root: Path) -> None:
    lower_first = set(
        Benchmark.objects.filter(higher_is_better=False).values_list("slug", flat=True)
    )
    assert "fleurs" in lower_first  # data/llmstats-curations.json

    anomalies = flagged(snapshot_root)

    error_rates = anomalies[AnomalyKind.ERROR_RATE_RANKED_HIGHER]
    assert not [line for line in error_rates if line.split(": ")[2] in lower_first]
    # The methods still disagree: that stays for the curators to read.
    one(anomalies[AnomalyKind.MIXED_MEASURES], "data/benchmarks/fleurs.json")
