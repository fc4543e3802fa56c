"""The plausibility checks of the LLM Stats import, on small hand-made records.

Each rule has a case it reports and a near case it does not.
"""

import datetime
from dataclasses import fields
from decimal import Decimal

import pytest

from ingest.llmstats import (
    AnomalyKind,
    BenchmarkRecord,
    LicenceRecord,
    ModelRecord,
    OfferingRecord,
    ResultRecord,
    with_distinct_names,
)
from ingest.plausibility import (
    implausible_values,
    licences_at_odds_with_family,
    likely_variants,
    mixed_measures,
    name_size,
    names_error_rate,
    parameters_at_odds_with_names,
    prices_far_from_other_offerings,
    prices_high_for_size,
    proprietary_licences_with_weights,
    score_outliers,
)

B = 10**9
OPEN = {"apache_2_0": True, "proprietary": False, "unknown": None}


def _defaults(record_type: type) -> dict:
    """None, "" or False for every field a test does not set."""
    values = {}
    for field in fields(record_type):
        text = str(field.type)
        if "None" in text:
            values[field.name] = None
        elif field.type is bool:
            values[field.name] = False
        elif field.type is str:
            values[field.name] = ""
        elif field.type is int:
            values[field.name] = 0
    return values


def make_model(slug: str, name: str, **values) -> ModelRecord:
    data = _defaults(ModelRecord) | {
        "file": f"data/organizations/acme/models/{slug}/model.json",
        "slug": slug,
        "name": name,
        "organization_slug": "acme",
        "license_slug": "apache_2_0",
    }
    return ModelRecord(**(data | values))


def make_offering(model: str, provider: str, price_in: str, price_out: str) -> OfferingRecord:
    data = _defaults(OfferingRecord) | {
        "file": f"data/providers/{provider}/models.json",
        "label": "record 1 (model_provider_id 1)",
        "source_id": 1,
        "model_slug": model,
        "provider_slug": provider,
        "input_usd_per_million": Decimal(price_in),
        "output_usd_per_million": Decimal(price_out),
    }
    return OfferingRecord(**data)


def make_result(
    model: str, benchmark: str, normalized: str, method: str = "Accuracy"
) -> ResultRecord:
    data = _defaults(ResultRecord) | {
        "file": f"data/organizations/acme/models/{model}/benchmarks.json",
        "label": "record 1 (model_benchmark_id 1)",
        "source_record_id": 1,
        "model_slug": model,
        "benchmark_slug": benchmark,
        "analysis_method": method,
        "score": Decimal(normalized),
        "status": "self_reported",
        "normalized_score": Decimal(normalized),
    }
    return ResultRecord(**data)


def kinds(anomalies) -> list[AnomalyKind]:
    return [anomaly.kind for anomaly in anomalies]


# Parameters against names ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "written", "low", "high"),
    [
        ("Nemotron Nano 9B v2", "9B", "4.5", "18"),
        ("qwen-2.5-1.5b-instruct", "1.5b", "0.75", "3"),
        ("Llama 3.1 70b", "70b", "35", "140"),
        ("Mixtral 8x7B", "8x7B", "3.5", "112"),  # one expert's half to twice all eight
        ("Llama-4-Scout-17B-16E", "17B-16E", "8.5", "544"),
        ("Gemma 3n E4B", "E4B", "2", "12"),  # effective size: the model holds more
        ("Qwen3-235B-A22B", "235B", "117.5", "470"),  # A22B is the active count
        ("SmolLM 135M", "135M", "0.0675", "0.27"),
    ],
)
def test_sizes_are_read_from_names(name: str, written: str, low: str, high: str) -> None:
    size = name_size(name)
    assert size is not None
    assert (size.written, size.low, size.high) == (written, Decimal(low) * B, Decimal(high) * B)


@pytest.mark.parametrize(
    "name", ["GPT-4.1", "Qwen2.5 VL", "o3-mini", "Kimi K2", "Foo 7B vs 13B", "Bar-A3B"]
)
def test_names_without_one_total_size_give_none(name: str) -> None:
    assert name_size(name) is None


def test_a_count_far_from_the_name_is_reported_with_its_file() -> None:
    wrong = make_model("nano-9b", "Nemotron Nano 9B v2", parameter_count=88_900_000_000)
    near = make_model("nano-8b", "Nano 8B", parameter_count=16 * B)  # exactly twice
    effective = make_model("gemma-e4b", "Gemma 3n E4B", parameter_count=8 * B)

    (anomaly,) = parameters_at_odds_with_names([wrong, near, effective])

    assert anomaly.kind == AnomalyKind.PARAMETERS_VS_NAME
    assert anomaly.file == "data/organizations/acme/models/nano-9b/model.json"
    assert "88.9B" in anomaly.message and "'9B'" in anomaly.message
    assert "4.5B to 18B" in anomaly.message


def test_the_slug_is_read_when_the_name_has_no_size() -> None:
    model = make_model("tiny-1b", "Tiny", parameter_count=7 * B)
    assert kinds(parameters_at_odds_with_names([model])) == [AnomalyKind.PARAMETERS_VS_NAME]


# Prices ------------------------------------------------------------------------------


def test_a_price_ten_times_the_other_providers_median_is_reported() -> None:
    offerings = [
        make_offering("m", "a", "0.60", "0.70"),
        make_offering("m", "b", "0.60", "0.80"),
        make_offering("m", "c", "0.60", "0.90"),
        make_offering("m", "slip", "0.59", "7.90"),  # 9.9x the 0.80 median of the others
        make_offering("m", "far", "0.05", "9.00"),  # input below a tenth, output above 10x
    ]

    anomalies = prices_far_from_other_offerings(offerings)

    assert kinds(anomalies) == [AnomalyKind.PRICE_VS_OFFERINGS]
    (anomaly,) = anomalies
    assert anomaly.file == "data/providers/far/models.json"
    assert "m at far" in anomaly.message
    assert "input $0.05 is 0.1x the median $0.60" in anomaly.message
    assert "output $9.00" in anomaly.message


def test_one_other_provider_is_no_median() -> None:
    offerings = [make_offering("m", "a", "0.25", "1"), make_offering("m", "b", "3", "15")]
    assert prices_far_from_other_offerings(offerings) == []


def test_a_price_above_half_a_dollar_per_billion_parameters_is_reported() -> None:
    small = make_model("small-e4b", "Small E4B", parameter_count=8 * B)
    offerings = [
        make_offering("small-e4b", "dear", "20", "40"),
        make_offering("small-e4b", "fair", "4", "4"),  # $4 is the ceiling for 8B: not above
        make_offering("unsized", "any", "75", "150"),
    ]

    (anomaly,) = prices_high_for_size(offerings, [small, make_model("unsized", "Unsized")])

    assert anomaly.kind == AnomalyKind.PRICE_VS_SIZE
    assert anomaly.file == "data/providers/dear/models.json"
    assert "input $20.00 and output $40.00" in anomaly.message
    assert "above $4.00" in anomaly.message


# Licences ----------------------------------------------------------------------------


def gemini(slug: str, licence: str) -> ModelRecord:
    return make_model(slug, f"Gemini {slug}", organization_slug="google", license_slug=licence)


def test_the_one_open_model_of_a_closed_family_is_reported() -> None:
    models = [gemini(f"{n}", "proprietary") for n in range(3)] + [gemini("lite", "apache_2_0")]

    (anomaly,) = licences_at_odds_with_family(models, OPEN)

    assert anomaly.kind == AnomalyKind.LICENCE_VS_FAMILY
    assert anomaly.file == "data/organizations/acme/models/lite/model.json"
    assert "all 3 other google models whose names start with 'gemini'" in anomaly.message


def test_a_family_of_both_kinds_or_too_few_is_not_reported() -> None:
    gpt = [make_model(f"gpt-{n}", f"GPT-{n}", license_slug="proprietary") for n in range(5)]
    oss = [make_model(f"gpt-oss-{n}", f"GPT OSS {n}", license_slug="apache_2_0") for n in (1, 2)]
    few = [gemini(f"{n}", "proprietary") for n in range(2)] + [gemini("lite", "apache_2_0")]
    other_organization = make_model("gemini-x", "Gemini X", license_slug="apache_2_0")
    unknown = gemini("unknown", "unknown")

    assert licences_at_odds_with_family(gpt + oss, OPEN) == []
    assert licences_at_odds_with_family([*few, other_organization, unknown], OPEN) == []


def test_the_databases_open_weights_wins_over_the_guess() -> None:
    models = [gemini(f"{n}", "proprietary") for n in range(3)] + [gemini("lite", "cc_by")]
    licences = [
        LicenceRecord("data/licenses/cc_by.json", "cc_by", "CC BY", "", True),
        LicenceRecord("data/licenses/proprietary.json", "proprietary", "Proprietary", "", False),
    ]

    reported = implausible_values(
        licences=licences,
        benchmarks=[],
        models=models,
        offerings=[],
        results=[],
        licence_open_weights={},
        lower_is_better=frozenset(),
    )
    curated = implausible_values(
        licences=licences,
        benchmarks=[],
        models=models,
        offerings=[],
        results=[],
        licence_open_weights={"cc_by": False},
        lower_is_better=frozenset(),
    )

    assert kinds(reported) == [AnomalyKind.LICENCE_VS_FAMILY]
    assert curated == []


def test_a_closed_licence_with_a_weights_link_is_reported() -> None:
    linked = make_model(
        "e2b", "E2B", license_slug="proprietary", weights_url="https://huggingface.co/x/e2b"
    )
    closed = make_model("pro", "Pro", license_slug="proprietary")
    open_ = make_model("open", "Open", weights_url="https://huggingface.co/x/open")

    (anomaly,) = proprietary_licences_with_weights([linked, closed, open_], OPEN)

    assert anomaly.kind == AnomalyKind.LICENCE_VS_WEIGHTS
    assert "https://huggingface.co/x/e2b" in anomaly.message


# Scores ------------------------------------------------------------------------------

CLUSTER = ["0.77", "0.81", "0.83", "0.84", "0.86", "0.90", "0.94"]


def benchmark_of(*scores: str, benchmark: str = "mt-bench") -> list[ResultRecord]:
    return [make_result(f"model-{n}", benchmark, score) for n, score in enumerate(scores)]


def test_an_isolated_score_far_below_its_benchmark_is_reported() -> None:
    results = benchmark_of(*CLUSTER, "0.0899")

    (anomaly,) = score_outliers(results, skip=set())

    assert anomaly.kind == AnomalyKind.SCORE_OUTLIER
    assert anomaly.file == "data/organizations/acme/models/model-7/benchmarks.json"
    assert "mt-bench: normalized score 0.0899" in anomaly.message
    assert "far below the other 7 results" in anomaly.message


def test_a_low_score_near_others_or_in_a_wide_spread_is_not_reported() -> None:
    # A third of the nearest other result is not isolated enough (0.26 / 3 < 0.09).
    near = benchmark_of(*CLUSTER, "0.26", "0.09")
    # Small models on a hard benchmark: a wide spread, no far-out fence above 0.
    wide = benchmark_of("0.02", "0.13", "0.31", "0.51", "0.66", "0.80")
    too_few = benchmark_of("0.77", "0.81", "0.83", "0.0899")

    assert score_outliers(near + wide + too_few, skip=set()) == []


def test_an_isolated_high_score_is_reported_and_lower_is_better_is_not_an_outlier() -> None:
    errors = benchmark_of("0.041", "0.064", "0.067", "0.070", "0.096", "0.864")
    # Lower is better: the best result is the lowest, and it is not isolated.
    wer = benchmark_of("0.030", "0.041", "0.064", "0.067", "0.096", benchmark="wer")

    (anomaly,) = score_outliers(errors + wer, skip=set())

    assert "far above" in anomaly.message
    assert score_outliers(errors, skip={"mt-bench"}) == []


# Direction ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "error_rate"),
    [
        ("WER", True),
        ("Word Error Rate", True),
        ("CER on test-clean", True),
        ("error rate", True),
        ("Speech recognition accuracy (1 - WER)", False),
        ("Accuracy", False),
        ("Lower bound", False),
        ("answer", False),
    ],
)
def test_error_rate_wording(method: str, error_rate: bool) -> None:
    assert names_error_rate(method) is error_rate


def fleurs() -> list[ResultRecord]:
    return [
        make_result("qwen", "fleurs", "0.041", "WER"),
        make_result("pro", "fleurs", "0.067", "Word Error Rate"),
        make_result("flash-8b", "fleurs", "0.864", "Speech recognition accuracy (1 - WER)"),
        make_result("old", "fleurs", "0.064", "Accuracy"),
    ]


def test_error_rates_on_a_higher_is_better_benchmark_are_reported_per_result() -> None:
    def check(lower_is_better: frozenset[str]) -> list:
        return implausible_values(
            licences=[],
            benchmarks=[],
            models=[],
            offerings=[],
            results=fleurs(),
            licence_open_weights={},
            lower_is_better=lower_is_better,
        )

    reported = check(frozenset())
    curated = check(frozenset({"fleurs"}))

    assert kinds(reported).count(AnomalyKind.ERROR_RATE_RANKED_HIGHER) == 2
    assert "'WER' names an error rate" in reported[0].message
    assert AnomalyKind.ERROR_RATE_RANKED_HIGHER not in kinds(curated)
    # Lower is better decided or not, the methods still disagree.
    assert kinds(curated) == [AnomalyKind.MIXED_MEASURES]


def test_a_benchmark_mixing_error_rates_and_accuracies_is_reported_once() -> None:
    (mixed,) = mixed_measures(fleurs(), {"fleurs": "data/benchmarks/fleurs.json"})

    assert mixed.anomaly.kind == AnomalyKind.MIXED_MEASURES
    assert mixed.anomaly.file == "data/benchmarks/fleurs.json"
    assert "curators must decide the direction" in mixed.anomaly.message
    assert "flash-8b 0.864" in mixed.anomaly.message


def test_one_measure_only_is_not_mixed() -> None:
    only_errors = [r for r in fleurs() if names_error_rate(r.analysis_method)]
    only_accuracies = [r for r in fleurs() if not names_error_rate(r.analysis_method)]

    assert mixed_measures(only_errors, {}) == []
    assert mixed_measures(only_accuracies, {}) == []


def make_benchmark(slug: str, name: str, **values) -> BenchmarkRecord:
    data = _defaults(BenchmarkRecord) | {
        "file": f"data/benchmarks/{slug}.json",
        "slug": slug,
        "name": name,
        "categories": (),
        "max_score": Decimal(1),
    }
    return BenchmarkRecord(**(data | values))


def test_a_benchmark_named_as_a_set_up_of_another_is_a_likely_variant():
    benchmarks = [
        make_benchmark("swe-bench-verified", "SWE-Bench Verified"),
        make_benchmark("swe-agentless", "SWE-bench Verified (Agentless)"),
        make_benchmark("swe-placed", "SWE-bench Verified (Multiple Attempts)"),
        make_benchmark("swe-given", "SWE-bench Verified (Agentic Coding)", parent_slug="x"),
        # A hyphenated name is mostly a benchmark of its own: not reported.
        make_benchmark("mmlu", "MMLU"),
        make_benchmark("mmlu-pro", "MMLU-Pro"),
    ]
    found = likely_variants(benchmarks, frozenset({"swe-placed"}))
    assert [(a.kind, a.file) for a in found] == [
        (AnomalyKind.LIKELY_VARIANT, "data/benchmarks/swe-agentless.json")
    ]
    assert "variant of 'SWE-Bench Verified' (swe-bench-verified)" in found[0].message


def test_models_named_alike_are_named_apart_by_month_day_or_id():
    models = [
        make_model("c-0620", "Claude", release_date=datetime.date(2024, 6, 20)),
        make_model("c-1022", "claude", release_date=datetime.date(2024, 10, 22)),
        make_model("g-a", "G", release_date=datetime.date(2024, 5, 1)),
        make_model("g-b", "G", release_date=datetime.date(2024, 5, 13)),
        make_model("h-a", "H", release_date=None),
        make_model("h-b", "H", release_date=None),
        make_model("solo", "Solo"),
        make_model("new", "Kept"),
    ]
    anomalies = []
    # "Kept" is also the name of a model the database has and the source does not.
    named = with_distinct_names(models, {"old": "Kept", "solo": "Solo"}, anomalies)
    assert [model.name for model in named] == [
        "Claude (Jun 2024)",
        "claude (Oct 2024)",
        "G (1 May 2024)",
        "G (13 May 2024)",
        "H (h-a)",
        "H (h-b)",
        "Solo",
        "Kept (new)",
    ]
    assert {anomaly.kind for anomaly in anomalies} == {AnomalyKind.SHARED_NAME}
    assert len(anomalies) == 7
    assert "also the name of old" in anomalies[-1].message
