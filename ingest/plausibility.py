"""Plausibility checks: values in the LLM Stats files that are probably source errors.

The import stores every value as it is; these checks only report, so that a curator
can look at each case. Each check is a pure function over the planned records (after
plan_import has settled repeats and normalized the scores) and returns anomalies that
name the file and record and say what to check. The rules and their thresholds:

- parameters vs name: a parameter count outside the range the size written in the
  model's name allows ("9B": 4.5B to 18B; see `name_size`);
- price vs other offerings: a price more than PRICE_SPREAD_FACTOR times above or below
  the median of the same price at the model's other providers;
- price vs size: a price above MAX_USD_PER_BILLION_PARAMETERS per million tokens for each
  billion parameters of the model;
- licence vs family: a model whose licence says open weights (or not) while at least
  MIN_FAMILY_OTHERS other models of its family, and all of them, say the opposite;
- licence vs weights: a proprietary licence on a model that links its weights;
- score outlier: a normalized score beyond the far-out fence of its benchmark and far
  from every other result (see `score_outliers`);
- error rate on a higher-is-better benchmark, and benchmarks whose analysis methods mix
  error rates with accuracies: the data has no direction, the import does not decide;
- likely variant: a benchmark without a parent whose name is another's followed by a
  qualifier in parentheses ("SWE-bench Verified (Agentless)"): curators may set the
  parent, which puts its results on the family's page, labelled.
"""

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ingest.llmstats import (
    Anomaly,
    AnomalyKind,
    BenchmarkRecord,
    LicenceRecord,
    ModelRecord,
    OfferingRecord,
    ResultRecord,
)

# A plain size in a name ("70B") allows counts from half to twice it: rounding in names
# ("Llama 3.2 11B" has 10.6B, "Qwen2.5 VL 7B" has 8.3B) stays well inside, a slipped
# decimal place or a count copied from another model does not.
PARAMETER_FACTOR = Decimal(2)
# A Gemma-style effective size "E4B" counts the parameters in memory at run time; the
# model holds more (Gemma 3n E2B loads about 5B, E4B about 8B): up to this many times.
EFFECTIVE_SIZE_MAX_RATIO = Decimal(3)
UNITS = {"m": Decimal(10) ** 6, "b": Decimal(10) ** 9, "t": Decimal(10) ** 12}

# A price this many times above or below the median of the model's other providers is
# reported. Providers do differ (batch, hardware, promotions), but rarely by 10x; a
# slipped decimal point or another model's price does.
PRICE_SPREAD_FACTOR = Decimal(10)
# The median needs at least this many other providers: with one, which is wrong is moot.
MIN_OTHER_OFFERINGS = 2
# Serving cost grows with the parameters: the real open models cost at most about
# $0.15 per million tokens per billion parameters (Llama 3.1 405B at $16, a 70B at $10).
# Above $0.50 (a 8B model at over $4, a 27B at over $13.50) the price is reported.
MAX_USD_PER_BILLION_PARAMETERS = Decimal("0.5")

# A family is the organization's models whose names start with the same word ("Gemini",
# "Gemma", "GPT"). A licence is reported only when every other model of the family
# disagrees with it, and there are at least this many of them: families that hold both
# open and closed models (GPT and GPT OSS) never are.
MIN_FAMILY_OTHERS = 3

# Score outliers need this many normalized results in the benchmark.
MIN_RESULTS_FOR_OUTLIERS = 5
# Tukey's far-out fences: below Q1 - 3 IQR or above Q3 + 3 IQR.
FAR_OUT_IQR_FACTOR = Decimal(3)
# And isolated: a low score less than a third of every other result, or a high score
# whose distance from a perfect 1 is less than a third of every other result's. Small
# models on hard benchmarks score low with others near them; a unit slip (8.99 read as
# 0.0899) or a placeholder 0 sits alone.
ISOLATION_FACTOR = Decimal(3)

# "WER", "CER", "word error rate"; "1 - WER" (hyphen, minus sign or en dash) is an
# accuracy and is removed first.
ERROR_RATE = re.compile(
    r"\b(?:WER|CER|error[ -]rates?|word errors?|character errors?)\b", re.IGNORECASE
)
COMPLEMENT = re.compile(r"\b1\s*[-\u2212\u2013]\s*(?:WER|CER|error[ -]rate)\b", re.IGNORECASE)
ACCURACY = re.compile(r"\baccura", re.IGNORECASE)


def implausible_values(
    *,
    licences: Iterable[LicenceRecord],
    benchmarks: Iterable[BenchmarkRecord],
    models: Iterable[ModelRecord],
    offerings: Iterable[OfferingRecord],
    results: Iterable[ResultRecord],
    licence_open_weights: Mapping[str, bool | None],
    lower_is_better: frozenset[str],
    with_parents: frozenset[str] = frozenset(),
) -> list[Anomaly]:
    """Every plausibility anomaly of the planned records.

    licence_open_weights holds the licences the database already has (curators own
    their open_weights); the others are read as created. lower_is_better names the
    benchmarks the database ranks lower-first.
    """
    benchmarks = list(benchmarks)
    models = list(models)
    offerings = list(offerings)
    results = list(results)
    open_weights = {licence.slug: licence.open_weights_when_created for licence in licences}
    open_weights.update(licence_open_weights)
    benchmark_files = {benchmark.slug: benchmark.file for benchmark in benchmarks}
    mixed = mixed_measures(results, benchmark_files)
    return [
        *parameters_at_odds_with_names(models),
        *prices_far_from_other_offerings(offerings),
        *prices_high_for_size(offerings, models),
        *licences_at_odds_with_family(models, open_weights),
        *proprietary_licences_with_weights(models, open_weights),
        *score_outliers(results, skip={anomaly.benchmark for anomaly in mixed}),
        *error_rates_on_higher_is_better(results, lower_is_better),
        *(anomaly.anomaly for anomaly in mixed),
        *likely_variants(benchmarks, with_parents),
    ]


# What follows a family's name in a variant's: a set-up or a split in parentheses,
# "(Agentless)", "(CoT)", "(val)". A hyphenated name ("MMLU-Pro", "ARC-AGI") is
# mostly a benchmark of its own, and is not reported.
_QUALIFIER = re.compile(r"\s*\(")


def likely_variants(
    benchmarks: Iterable[BenchmarkRecord], with_parents: frozenset[str]
) -> list[Anomaly]:
    """Benchmarks named as a qualified form of another's name, with no parent given by
    the source or set by a curator; the longest such name is the likely family."""
    benchmarks = list(benchmarks)
    names = sorted(
        ((benchmark.name.casefold(), benchmark) for benchmark in benchmarks),
        key=lambda pair: -len(pair[0]),
    )
    anomalies = []
    for benchmark in benchmarks:
        if benchmark.parent_slug or benchmark.slug in with_parents:
            continue
        name = benchmark.name.casefold()
        family = next(
            (
                other
                for other_name, other in names
                if other.slug != benchmark.slug
                and len(other_name) < len(name)
                and name.startswith(other_name)
                and _QUALIFIER.match(name, len(other_name))
            ),
            None,
        )
        if family is not None:
            anomalies.append(
                Anomaly(
                    AnomalyKind.LIKELY_VARIANT,
                    benchmark.file,
                    f"{benchmark.slug}: '{benchmark.name}' reads as a variant of "
                    f"'{family.name}' ({family.slug}), and no parent is set: curators may "
                    "set it, to show its results with the family's, labelled",
                )
            )
    return anomalies


def _short(count: Decimal | int) -> str:
    """A parameter count as names write it: 88900000000 -> 88.9B."""
    for unit, size in (("T", UNITS["t"]), ("B", UNITS["b"]), ("M", UNITS["m"])):
        if count >= size:
            return f"{(Decimal(count) / size).quantize(Decimal('0.01')).normalize():f}{unit}"
    return str(count)


def _usd(price: Decimal) -> str:
    return f"${price.quantize(Decimal('0.01'))}"


# Parameters and names ----------------------------------------------------------------


@dataclass(frozen=True)
class NameSize:
    """The size a model's name states, as the range of parameter counts it allows."""

    written: str
    low: Decimal
    high: Decimal


_NUMBER = r"(\d+(?:\.\d+)?)([mbt])"
_START = r"(?<![a-z0-9.])"  # not inside a word or a version number ("A22B", "E4B")
_END = r"(?![a-z0-9])"
_MIXTURE = re.compile(_START + r"(\d+)x" + _NUMBER + _END, re.IGNORECASE)  # 8x7B
_ACTIVE_EXPERTS = re.compile(_START + _NUMBER + r"-(\d+)e" + _END, re.IGNORECASE)  # 17B-16E
_EFFECTIVE = re.compile(_START + r"e" + _NUMBER + _END, re.IGNORECASE)  # E4B
_PLAIN = re.compile(_START + _NUMBER + _END, re.IGNORECASE)  # 70B, 1.5B; not A22B


def name_size(text: str) -> NameSize | None:
    """The size in a model name or slug; None when there is none or it is ambiguous.

    - "70B", "1.5B", "135M": the total, so 35B to 140B (PARAMETER_FACTOR either way);
    - "8x7B", a mixture of 8 experts of 7B: from half of one expert (3.5B) to twice all
      of them (112B), since experts share layers (Mixtral 8x7B has 46.7B) and some
      sources count only the active ones; "17B-16E" (17B active, 16 experts) likewise;
    - "E4B", a Gemma-style effective size: from half of it (2B) to
      EFFECTIVE_SIZE_MAX_RATIO times it (12B);
    - "A22B" in "235B-A22B" is the active count and is not read: the 235B is the total.
    Two different sizes in one name (a merge, a comparison) are not guessed between.
    """
    sizes: set[tuple[str, Decimal, Decimal]] = set()
    rest = text
    for match in _MIXTURE.finditer(text):
        experts, size = int(match[1]), Decimal(match[2]) * UNITS[match[3].lower()]
        sizes.add((match[0], size / PARAMETER_FACTOR, experts * size * PARAMETER_FACTOR))
    rest = _MIXTURE.sub(" ", rest)
    for match in _ACTIVE_EXPERTS.finditer(rest):
        size, experts = Decimal(match[1]) * UNITS[match[2].lower()], int(match[3])
        sizes.add((match[0], size / PARAMETER_FACTOR, experts * size * PARAMETER_FACTOR))
    rest = _ACTIVE_EXPERTS.sub(" ", rest)
    for match in _EFFECTIVE.finditer(rest):
        size = Decimal(match[1]) * UNITS[match[2].lower()]
        sizes.add((match[0], size / PARAMETER_FACTOR, size * EFFECTIVE_SIZE_MAX_RATIO))
    rest = _EFFECTIVE.sub(" ", rest)
    for match in _PLAIN.finditer(rest):
        size = Decimal(match[1]) * UNITS[match[2].lower()]
        sizes.add((match[0], size / PARAMETER_FACTOR, size * PARAMETER_FACTOR))
    ranges = {(low, high) for _, low, high in sizes}
    if len(ranges) != 1:
        return None
    written, low, high = min(sizes)
    return NameSize(written, low, high)


def parameters_at_odds_with_names(models: Iterable[ModelRecord]) -> list[Anomaly]:
    """A parameter count outside the range the model's name (else its id) implies."""
    anomalies = []
    for model in models:
        if model.parameter_count is None:
            continue
        size = name_size(model.name) or name_size(model.slug)
        if size is None:
            continue
        low, high = size.low, size.high
        if low <= model.parameter_count <= high:
            continue
        anomalies.append(
            Anomaly(
                AnomalyKind.PARAMETERS_VS_NAME,
                model.file,
                f"param_count {model.parameter_count} ({_short(model.parameter_count)}) is at "
                f"odds with {size.written!r} in the name {model.name!r}, which allows "
                f"{_short(low)} to {_short(high)}; imported as it is: check the count",
            )
        )
    return anomalies


# Prices ------------------------------------------------------------------------------

_PRICES = (("input", "input_usd_per_million"), ("output", "output_usd_per_million"))


def _where(offering: OfferingRecord) -> str:
    return f"{offering.label}: {offering.model_slug} at {offering.provider_slug}: "


def prices_far_from_other_offerings(offerings: Iterable[OfferingRecord]) -> list[Anomaly]:
    """A price PRICE_SPREAD_FACTOR times above or below its median at other providers."""
    by_model: dict[str, list[OfferingRecord]] = defaultdict(list)
    for offering in offerings:
        by_model[offering.model_slug].append(offering)
    anomalies = []
    for group in by_model.values():
        for offering in group:
            notes = []
            for side, name in _PRICES:
                price = getattr(offering, name)
                others = [
                    getattr(other, name)
                    for other in group
                    if other is not offering and getattr(other, name) is not None
                ]
                if price is None or len(others) < MIN_OTHER_OFFERINGS:
                    continue
                median = statistics.median(others)
                if median == 0:
                    continue
                if price > median * PRICE_SPREAD_FACTOR or price * PRICE_SPREAD_FACTOR < median:
                    ratio = (price / median).quantize(Decimal("0.1"))
                    notes.append(
                        f"{side} {_usd(price)} is {ratio}x the median {_usd(median)} of the "
                        f"{len(others)} other providers"
                    )
            if notes:
                anomalies.append(
                    Anomaly(
                        AnomalyKind.PRICE_VS_OFFERINGS,
                        offering.file,
                        f"{_where(offering)}{'; '.join(notes)} (USD per million tokens); "
                        "imported as it is: check the provider's price",
                    )
                )
    return anomalies


def prices_high_for_size(
    offerings: Iterable[OfferingRecord], models: Iterable[ModelRecord]
) -> list[Anomaly]:
    """A price above MAX_USD_PER_BILLION_PARAMETERS per billion parameters of the model."""
    parameters = {model.slug: model.parameter_count for model in models}
    anomalies = []
    for offering in offerings:
        count = parameters.get(offering.model_slug)
        if not count:
            continue
        ceiling = count / UNITS["b"] * MAX_USD_PER_BILLION_PARAMETERS
        notes = [
            f"{side} {_usd(getattr(offering, name))}"
            for side, name in _PRICES
            if getattr(offering, name) is not None and getattr(offering, name) > ceiling
        ]
        if notes:
            anomalies.append(
                Anomaly(
                    AnomalyKind.PRICE_VS_SIZE,
                    offering.file,
                    f"{_where(offering)}{' and '.join(notes)} per million tokens is above "
                    f"{_usd(ceiling)}, {_usd(MAX_USD_PER_BILLION_PARAMETERS)} per billion of "
                    f"its {_short(count)} parameters; imported as it is: check the price "
                    "(and the parameter count)",
                )
            )
    return anomalies


# Licences ----------------------------------------------------------------------------


def family(model: ModelRecord) -> tuple[str, str]:
    """The organization and the first word of the name: ("google", "gemini")."""
    match = re.match(r"[a-z]+", model.name.lower())
    return model.organization_slug, match[0] if match else model.name.lower()


def _open_weights(model: ModelRecord, open_weights: Mapping[str, bool | None]) -> bool | None:
    return open_weights.get(model.license_slug) if model.license_slug else None


def _openness(value: bool) -> str:
    return "open weights" if value else "closed weights"


def licences_at_odds_with_family(
    models: Iterable[ModelRecord], open_weights: Mapping[str, bool | None]
) -> list[Anomaly]:
    """A licence whose open_weights differs from every other model of its family."""
    known: dict[tuple[str, str], list[tuple[ModelRecord, bool]]] = defaultdict(list)
    for model in models:
        value = _open_weights(model, open_weights)
        if value is not None:
            known[family(model)].append((model, value))
    anomalies = []
    for (organization, word), members in known.items():
        for model, value in members:
            others = [other_value for other, other_value in members if other is not model]
            if len(others) < MIN_FAMILY_OTHERS or any(other == value for other in others):
                continue
            anomalies.append(
                Anomaly(
                    AnomalyKind.LICENCE_VS_FAMILY,
                    model.file,
                    f"license_id {model.license_slug!r} means {_openness(value)}, but all "
                    f"{len(others)} other {organization} models whose names start with {word!r} "
                    f"have {_openness(not value)}; imported as it is: check the model's licence",
                )
            )
    return anomalies


def proprietary_licences_with_weights(
    models: Iterable[ModelRecord], open_weights: Mapping[str, bool | None]
) -> list[Anomaly]:
    """A licence without open weights on a model that links its downloadable weights."""
    return [
        Anomaly(
            AnomalyKind.LICENCE_VS_WEIGHTS,
            model.file,
            f"license_id {model.license_slug!r} means closed weights, but source_weights_link "
            f"is {model.weights_url!r}; imported as it is: check the licence and the link",
        )
        for model in models
        if model.weights_url and _open_weights(model, open_weights) is False
    ]


# Scores ------------------------------------------------------------------------------


def _result_where(result: ResultRecord) -> str:
    return f"{result.label}: {result.benchmark_slug}: "


def score_outliers(results: Iterable[ResultRecord], *, skip: set[str]) -> list[Anomaly]:
    """A normalized score beyond its benchmark's far-out fences and isolated.

    Low: below Q1 - FAR_OUT_IQR_FACTOR * IQR and below 1/ISOLATION_FACTOR of every other
    result. High: above Q3 + FAR_OUT_IQR_FACTOR * IQR and with a distance from 1 below
    1/ISOLATION_FACTOR of every other result's. Symmetric, so a lower-is-better
    benchmark is judged as fairly as the others. Benchmarks in skip (mixed measures,
    reported on their own) are not judged: their spread mixes two scales.
    """
    by_benchmark: dict[str, list[ResultRecord]] = defaultdict(list)
    for result in results:
        if result.normalized_score is not None and result.benchmark_slug not in skip:
            by_benchmark[result.benchmark_slug].append(result)
    anomalies = []
    for slug, group in by_benchmark.items():
        if len(group) < MIN_RESULTS_FOR_OUTLIERS:
            continue
        scores = sorted(result.normalized_score for result in group)
        first, _, third = statistics.quantiles(scores, n=4, method="inclusive")
        spread = FAR_OUT_IQR_FACTOR * (third - first)
        median = statistics.median(scores)
        for result in group:
            score = result.normalized_score
            others = list(scores)
            others.remove(score)
            low = score < first - spread and score * ISOLATION_FACTOR < others[0]
            high = score > third + spread and (1 - score) * ISOLATION_FACTOR < 1 - others[-1]
            if not (low or high):
                continue
            nearest = others[0] if low else others[-1]
            anomalies.append(
                Anomaly(
                    AnomalyKind.SCORE_OUTLIER,
                    result.file,
                    f"{_result_where(result)}normalized score {score.normalize():f} "
                    f"(score {result.score.normalize():f}) is far {'below' if low else 'above'} "
                    f"the other {len(others)} results of {slug!r} (median "
                    f"{median.normalize():f}, nearest {nearest.normalize():f}); imported as it "
                    "is: check the score and its scale",
                )
            )
    return anomalies


def names_error_rate(method: str) -> bool:
    """Whether an analysis method names an error rate ("WER"), not its complement."""
    return bool(ERROR_RATE.search(COMPLEMENT.sub(" ", method)))


def names_accuracy(method: str) -> bool:
    return bool(ACCURACY.search(method) or COMPLEMENT.search(method))


def error_rates_on_higher_is_better(
    results: Iterable[ResultRecord], lower_is_better: frozenset[str]
) -> list[Anomaly]:
    """A result whose method names an error rate, on a benchmark ranked higher-first."""
    return [
        Anomaly(
            AnomalyKind.ERROR_RATE_RANKED_HIGHER,
            result.file,
            f"{_result_where(result)}analysis method {result.analysis_method!r} names an "
            f"error rate (lower is better), but the benchmark ranks higher scores first; "
            f"score {result.score.normalize():f} imported as it is: curators must decide the "
            "benchmark's direction",
        )
        for result in results
        if result.benchmark_slug not in lower_is_better and names_error_rate(result.analysis_method)
    ]


@dataclass(frozen=True)
class _Mixed:
    benchmark: str
    anomaly: Anomaly


def mixed_measures(
    results: Iterable[ResultRecord], benchmark_files: Mapping[str, str]
) -> list[_Mixed]:
    """Benchmarks whose results' methods name both error rates and accuracies."""
    by_benchmark: dict[str, list[ResultRecord]] = defaultdict(list)
    for result in results:
        by_benchmark[result.benchmark_slug].append(result)
    mixed = []
    for slug, group in by_benchmark.items():
        errors = [result for result in group if names_error_rate(result.analysis_method)]
        accuracies = [
            result
            for result in group
            if names_accuracy(result.analysis_method) and result not in errors
        ]
        if not (errors and accuracies):
            continue
        listing = "; ".join(
            f"{result.model_slug} {result.score.normalize():f} ({result.analysis_method!r})"
            for result in errors + accuracies
        )
        mixed.append(
            _Mixed(
                slug,
                Anomaly(
                    AnomalyKind.MIXED_MEASURES,
                    benchmark_files.get(slug, group[0].file),
                    f"{slug}: analysis methods mix error rates (lower is better) with "
                    f"accuracies (higher is better): {listing}: results that may measure "
                    "different things: curators must decide the direction and whether they "
                    "share one ranking",
                ),
            )
        )
    return mixed
