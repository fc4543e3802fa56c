"""Read the LLM Stats data tree into plain records, checking every field on the way.

The tree is the public data behind llm-stats.com (see /shared/data/llmstats/SOURCE.md):

    data/organizations/ORG/organization.json
    data/organizations/ORG/models/MODEL/model.json and benchmarks.json (its results)
    data/benchmarks/BENCHMARK.json
    data/licenses/LICENSE.json
    data/providers/PROVIDER/provider.json and models.json (its offerings)

Nothing here touches the database: `read_tree` turns files into records, and
`plan_import` resolves references (against the files and against what the database
already holds, passed in as `KnownRows`), settles duplicates and computes the
normalized scores. ingest/services.py writes the plan.

The ids inside the files are authoritative, not the file and folder names, and they
become the slugs unchanged. The JSON schemas that come with the data are wrong in
places (counts are absolute numbers, not billions), so the checks here follow the
real files.
"""

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from benchmarks.models import Benchmark, Result, normalize
from models_registry.models import (
    SLUG_MAX_LENGTH,
    URL_MAX_LENGTH,
    AIModel,
    DatePrecision,
    License,
    Offering,
    Organization,
    Provider,
    validate_slug,
)

VERIFIER_NAME = "LLM Stats"
PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net")
# Counts below this are read as billions (parameters) or trillions (tokens), as the
# schema describes them; the real files hold absolute counts.
SMALL_COUNT_LIMIT = 100_000
# Beyond this the file's normalized_score and ours are reported as disagreeing.
NORMALIZED_TOLERANCE = Decimal("0.0005")
POSITIVE_INTEGER_MAX = 2_147_483_647
BIG_INTEGER_MAX = 9_223_372_036_854_775_807


class AnomalyKind(StrEnum):
    SCALE = "scale"
    NORMALIZED_DISAGREES = "normalized_score disagrees"
    MONTH_ONLY_DATE = "month-only date"
    YEAR_ONLY_DATE = "year-only date"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    PLACEHOLDER_LINK = "placeholder link"
    ID_DIFFERS = "id differs from file name"
    COUNT_IN_BILLIONS = "count in billions"
    # Plausibility (ingest/plausibility.py): probably source errors, imported as they are.
    PARAMETERS_VS_NAME = "parameters at odds with name"
    PRICE_VS_OFFERINGS = "price far from other offerings"
    PRICE_VS_SIZE = "price high for model size"
    LICENCE_VS_FAMILY = "licence at odds with family"
    LICENCE_VS_WEIGHTS = "closed licence with weights link"
    SCORE_OUTLIER = "score outlier"
    ERROR_RATE_RANKED_HIGHER = "error rate ranked higher-first"
    MIXED_MEASURES = "mixed measures"
    LIKELY_VARIANT = "likely variant"
    SHARED_NAME = "name shared by several models"


@dataclass(frozen=True)
class Anomaly:
    """Something odd in the files that the import handled by a stated rule."""

    kind: AnomalyKind
    file: str
    message: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.file}: {self.message}"


@dataclass(frozen=True)
class DataError:
    """A malformed value: the import refuses to run while any is left."""

    file: str
    field: str
    message: str
    record: str = ""

    def __str__(self) -> str:
        where = f"{self.file}, {self.record}" if self.record else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class LLMStatsDataError(Exception):
    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  {error}" for error in errors)
        count = f"{len(errors)} error" + ("" if len(errors) == 1 else "s")
        super().__init__(
            f"The LLM Stats data is malformed; nothing was imported ({count}):\n{lines}"
        )


@dataclass(frozen=True)
class LicenceRecord:
    file: str
    slug: str
    name: str
    description: str
    allows_commercial_use: bool

    @property
    def open_weights_when_created(self) -> bool | None:
        """The source does not say; a guess for new rows that curators then own."""
        if self.slug == "proprietary":
            return False
        if self.slug == "unknown":
            return None
        return True


@dataclass(frozen=True)
class OrganizationRecord:
    file: str
    slug: str
    name: str
    website: str
    country: str
    description: str


@dataclass(frozen=True)
class ProviderRecord:
    file: str
    slug: str
    name: str
    website: str


@dataclass(frozen=True)
class BenchmarkRecord:
    file: str
    slug: str
    name: str
    description: str
    categories: tuple[str, ...]
    modality: str
    multilingual: bool
    language: str
    max_score: Decimal
    parent_slug: str | None
    paper_url: str
    implementation_url: str


@dataclass(frozen=True)
class ModelRecord:
    file: str
    slug: str
    name: str
    organization_slug: str
    license_slug: str | None
    fine_tuned_from_slug: str | None
    description: str
    release_date: date | None
    release_date_precision: str
    announcement_date: date | None
    announcement_date_precision: str
    knowledge_cutoff: date | None
    knowledge_cutoff_precision: str
    parameter_count: int | None
    training_tokens: int | None
    multimodal: bool
    paper_url: str
    weights_url: str
    repository_url: str
    api_docs_url: str
    playground_url: str
    announcement_url: str
    # Not in model.json: the largest limits among the model's offerings (plan_import).
    input_context_length: int | None = None
    output_context_length: int | None = None


@dataclass(frozen=True)
class OfferingRecord:
    file: str
    label: str
    source_id: int
    model_slug: str
    provider_slug: str
    provider_model_name: str
    input_usd_per_million: Decimal | None
    output_usd_per_million: Decimal | None
    throughput: float | None
    latency: float | None
    quantization: str
    max_input_tokens: int | None
    max_output_tokens: int | None
    supports_web_search: bool | None
    supports_function_calling: bool | None
    supports_structured_output: bool | None
    supports_code_execution: bool | None
    supports_batch_inference: bool | None
    supports_finetuning: bool | None
    input_text: bool | None
    input_image: bool | None
    input_audio: bool | None
    input_video: bool | None
    output_text: bool | None
    output_image: bool | None
    output_audio: bool | None
    output_video: bool | None
    deprecated_at: datetime | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.model_slug, self.provider_slug)

    def values(self) -> tuple[Any, ...]:
        """Everything stored, to tell an exact duplicate from a conflict."""
        skip = {"file", "label", "source_id"}
        return tuple(getattr(self, name) for name in self.__dataclass_fields__ if name not in skip)


@dataclass(frozen=True)
class ResultRecord:
    file: str
    label: str
    source_record_id: int
    model_slug: str
    benchmark_slug: str
    analysis_method: str
    score: Decimal
    file_normalized_score: Decimal | None
    status: str
    verified_by: str
    verified_on: date | None
    notes: str
    source_url: str
    # Set by plan_import, which knows the benchmark's max_score and the model's dates.
    normalized_score: Decimal | None = None
    recorded_on: date | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.model_slug, self.benchmark_slug, self.analysis_method)


@dataclass
class SourceTree:
    """Every record that read cleanly, with the problems found on the way."""

    data_dir: Path
    licences: list[LicenceRecord] = field(default_factory=list)
    organizations: list[OrganizationRecord] = field(default_factory=list)
    providers: list[ProviderRecord] = field(default_factory=list)
    benchmarks: list[BenchmarkRecord] = field(default_factory=list)
    models: list[ModelRecord] = field(default_factory=list)
    offerings: list[OfferingRecord] = field(default_factory=list)
    results: list[ResultRecord] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    errors: list[DataError] = field(default_factory=list)
    # Ids seen even in records with other bad fields, so that references to them do
    # not add a second, misleading error.
    declared: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


@dataclass(frozen=True)
class KnownRows:
    """What the database already holds, for references the files do not define."""

    organizations: frozenset[str] = frozenset()
    licences: frozenset[str] = frozenset()
    providers: frozenset[str] = frozenset()
    benchmark_max_scores: Mapping[str, Decimal] = field(default_factory=dict)
    # slug -> (announcement_date, release_date)
    model_dates: Mapping[str, tuple[date | None, date | None]] = field(default_factory=dict)
    # Fields the import never writes, which the plausibility checks read.
    licence_open_weights: Mapping[str, bool | None] = field(default_factory=dict)
    lower_is_better_benchmarks: frozenset[str] = frozenset()
    # Benchmarks that have a parent (a curator's, or a source's).
    benchmarks_with_parents: frozenset[str] = frozenset()
    # slug -> name of every model in the database.
    model_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportPlan:
    """The records to store, references checked and duplicates settled."""

    licences: list[LicenceRecord]
    organizations: list[OrganizationRecord]
    categories: dict[str, str]  # slug -> readable name, for categories created now
    benchmarks: list[BenchmarkRecord]
    providers: list[ProviderRecord]
    models: list[ModelRecord]
    offerings: list[OfferingRecord]
    results: list[ResultRecord]
    anomalies: list[Anomaly]
    conflicting_offerings: set[tuple[str, str]]
    conflicting_results: set[tuple[str, str, str]]
    # The records of each result given twice with different values (not stored).
    repeated_results: dict[tuple[str, str, str], list[ResultRecord]] = field(default_factory=dict)


# The normalized score ----------------------------------------------------------------


@dataclass(frozen=True)
class NormalizedScore:
    value: Decimal | None
    scale_note: str = ""  # why the score was not read on the benchmark's own scale


def normalize_score(score: Decimal, max_score: Decimal) -> NormalizedScore:
    """The normalized score: a result on a 0 to 1 scale, comparable across benchmarks.

    normalized = score / max_score when the score is on the benchmark's scale. Sources
    often give fractions or percentages whatever the benchmark's scale, so:
    - when max_score > 1 and 0 < score <= 1, the score is taken as a fraction already
      (normalized = score; MBPP 0.808 with max_score 100 is 80.8%, Codeforces 0.874
      with max_score 3000 is Elo 2622) and reported as a "scale" anomaly. A score of
      0 reads the same either way and is not reported;
    - when max_score == 1 and 1 < score <= 100, the score is taken as a percentage
      (normalized = score / 100) and reported;
    - any other score above max_score is stored with no normalized score and reported.
    The result is rounded half up to 6 decimals. Negative scores never get here: the
    import refuses them as malformed.
    """
    if score <= max_score:
        if max_score > 1 and 0 < score <= 1:
            return NormalizedScore(
                normalize(score, Decimal(1)),
                f"score {_show(score)} is taken as a fraction of the benchmark's max_score "
                f"{_show(max_score)}",
            )
        return NormalizedScore(normalize(score, max_score))
    if max_score == 1 and score <= 100:
        return NormalizedScore(
            normalize(score, Decimal(100)),
            f"score {_show(score)} on a 0 to 1 benchmark is taken as a percentage",
        )
    return NormalizedScore(
        None,
        f"score {_show(score)} is above the benchmark's max_score {_show(max_score)}; "
        "not normalized",
    )


def _show(value: Decimal) -> str:
    """A Decimal as people write it: 3000 and 0.3, not 3000.0 and 0.300000."""
    return format(value.normalize(), "f")


def category_name(slug: str) -> str:
    """A readable name for a new category: "long_context" -> "Long context"."""
    words = re.sub(r"[_-]+", " ", slug).strip()
    return words[:1].upper() + words[1:] if words else slug


def parse_partial_date(text: str) -> tuple[date, DatePrecision] | None:
    """YYYY-MM-DD, YYYY-MM or YYYY as the first day of the period, with its precision."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not match:
        return None
    year, month, day = match.groups()
    if day:
        precision = DatePrecision.DAY
    elif month:
        precision = DatePrecision.MONTH
    else:
        precision = DatePrecision.YEAR
    try:
        return date(int(year), int(month or 1), int(day or 1)), precision
    except ValueError:
        return None


def is_placeholder_link(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == name or host.endswith("." + name) for name in PLACEHOLDER_HOSTS)


def fits_decimal(value: Decimal, *, max_digits: int, decimal_places: int) -> bool:
    """Whether a DecimalField of this size stores the value exactly."""
    if abs(value) >= Decimal(10) ** (max_digits - decimal_places):
        return False
    return value == value.quantize(Decimal(1).scaleb(-decimal_places))


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


def _decimal_size(model: type[models.Model], name: str) -> tuple[int, int]:
    column = model._meta.get_field(name)
    return column.max_digits, column.decimal_places


# Reading one JSON object's fields ----------------------------------------------------

_MISSING = object()
_url_validator = URLValidator(schemes=["http", "https"])
_TYPE_NAMES: dict[type, str] = {
    bool: "true/false",
    int: "a number",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{_TYPE_NAMES.get(type(value), type(value).__name__)} ({shown})"


class _Fields:
    """One JSON object, read field by field; each bad field becomes a DataError.

    Readers return a harmless default for a bad field and clear `ok`, so the caller
    builds its record only when every field read cleanly.
    """

    def __init__(self, data: dict[str, Any], file: str, record: str, tree: SourceTree) -> None:
        self.data = data
        self.file = file
        self.record = record
        self.tree = tree
        self.ok = True

    def fail(self, name: str, message: str) -> None:
        self.ok = False
        self.tree.errors.append(DataError(self.file, name, message, self.record))

    def note(self, kind: AnomalyKind, message: str) -> None:
        where = f"{self.record}: " if self.record else ""
        self.tree.anomalies.append(Anomaly(kind, self.file, where + message))

    def present(self, *names: str) -> None:
        """Required by the schema but not imported (denormalized copies, timestamps)."""
        for name in names:
            if name not in self.data:
                self.fail(name, "is missing (required)")

    def _raw(self, name: str, *, required: bool, nullable: bool) -> Any:
        if name not in self.data:
            if required:
                self.fail(name, "is missing (required)")
                return _MISSING
            return None
        value = self.data[name]
        if value is None and not nullable:
            self.fail(name, "must not be null")
            return _MISSING
        return value

    def text(
        self, name: str, *, max_length: int | None, required: bool = True, nullable: bool = False
    ) -> str:
        value = self._raw(name, required=required, nullable=nullable)
        if value is None or value is _MISSING:
            return ""
        if not isinstance(value, str):
            self.fail(name, f"expected a string, got {_describe(value)}")
            return ""
        if "\x00" in value:
            self.fail(name, "contains a NUL character")
            return ""
        if max_length is not None and len(value) > max_length:
            self.fail(name, f"is {len(value)} characters long; at most {max_length} fit")
            return ""
        return value

    def slug(self, name: str, *, required: bool = True, nullable: bool = False) -> str | None:
        value = self._raw(name, required=required, nullable=nullable)
        if value is _MISSING:
            return None
        if value is None or (nullable and value == ""):
            return None
        if not isinstance(value, str):
            self.fail(name, f"expected a string, got {_describe(value)}")
            return None
        if not value or len(value) > SLUG_MAX_LENGTH:
            self.fail(name, f"an id must be 1 to {SLUG_MAX_LENGTH} characters, got {value!r}")
            return None
        try:
            validate_slug(value)
        except ValidationError:
            self.fail(name, f"{value!r} is not a usable id: no spaces and none of / ? # % \\")
            return None
        return value

    def url(self, name: str, *, required: bool = False, nullable: bool = True) -> str:
        value = self.text(name, max_length=URL_MAX_LENGTH, required=required, nullable=nullable)
        if not value:
            return ""
        try:
            _url_validator(value)
        except ValidationError:
            self.fail(name, f"{value!r} is not an http(s) URL")
            return ""
        if is_placeholder_link(value):
            self.note(
                AnomalyKind.PLACEHOLDER_LINK, f"{name} {value!r} is a placeholder; not stored"
            )
            return ""
        return value

    def boolean(self, name: str, *, required: bool = True, nullable: bool = False) -> bool | None:
        value = self._raw(name, required=required, nullable=nullable)
        if value is None or value is _MISSING:
            return None
        if not isinstance(value, bool):
            self.fail(name, f"expected true or false, got {_describe(value)}")
            return None
        return value

    def number(
        self,
        name: str,
        *,
        required: bool = True,
        nullable: bool = False,
        positive: bool = False,
    ) -> Decimal | None:
        """A JSON number as the Decimal of its written form (0.874, not its binary value)."""
        value = self._raw(name, required=required, nullable=nullable)
        if value is None or value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"expected a number, got {_describe(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(name, f"expected a finite number, got {value}")
            return None
        number = Decimal(str(value))
        if number < 0 or (positive and number == 0):
            self.fail(name, f"must be {'above' if positive else 'at least'} 0, got {value}")
            return None
        return number

    def decimal(
        self, name: str, *, size: tuple[int, int], scale: int = 0, nullable: bool = False
    ) -> Decimal | None:
        """A number stored exactly in a DecimalField, after dividing by 10**scale."""
        number = self.number(name, required=not nullable, nullable=nullable)
        if number is None:
            return None
        number = number.scaleb(-scale)
        max_digits, places = size
        if not fits_decimal(number, max_digits=max_digits, decimal_places=places):
            self.fail(
                name,
                f"{number} does not fit exactly: at most {max_digits - places} digits "
                f"before and {places} after the decimal point",
            )
            return None
        return number

    def floating(self, name: str) -> float | None:
        number = self.number(name, required=False, nullable=True)
        return None if number is None else float(number)

    def integer(
        self, name: str, *, minimum: int, maximum: int, required: bool = True
    ) -> int | None:
        number = self.number(name, required=required, nullable=not required)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.fail(name, f"expected a whole number, got {number}")
            return None
        if not minimum <= number <= maximum:
            self.fail(name, f"must be between {minimum} and {maximum}, got {number}")
            return None
        return int(number)

    def count(self, name: str, *, unit: str, factor: int) -> int | None:
        """An absolute count; a small number is the schema's billions or trillions."""
        number = self.number(name, required=False, nullable=True, positive=True)
        if number is None:
            return None
        if number < SMALL_COUNT_LIMIT:
            scaled = int((number * factor).to_integral_value(rounding=ROUND_HALF_UP))
            self.note(
                AnomalyKind.COUNT_IN_BILLIONS,
                f"{name} {number} is read as {unit} and stored as {scaled}",
            )
            number = Decimal(scaled)
        count = int(number.to_integral_value(rounding=ROUND_HALF_UP))
        if count > BIG_INTEGER_MAX:
            self.fail(name, f"{number} is too large to store")
            return None
        return count

    def date(self, name: str) -> tuple[date | None, str]:
        text = self.text(name, max_length=None, required=False, nullable=True)
        if not text:
            return None, DatePrecision.DAY
        parsed = parse_partial_date(text)
        if parsed is None:
            self.fail(name, f"expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got {text!r}")
            return None, DatePrecision.DAY
        day, precision = parsed
        if precision == DatePrecision.MONTH:
            self.note(AnomalyKind.MONTH_ONLY_DATE, f"{name} {text!r} is stored as {day}, month")
        elif precision == DatePrecision.YEAR:
            self.note(AnomalyKind.YEAR_ONLY_DATE, f"{name} {text!r} is stored as {day}, year")
        return day, precision

    def timestamp(self, name: str) -> datetime | None:
        text = self.text(name, max_length=None, required=False, nullable=True)
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(name, f"expected an ISO 8601 date and time, got {text!r}")
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def choice(self, name: str, choices: Iterable[str]) -> str:
        value = self.text(name, max_length=None)
        allowed = list(choices)
        if value and value not in allowed:
            self.fail(name, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def slug_list(self, name: str) -> tuple[str, ...]:
        value = self._raw(name, required=True, nullable=False)
        if value is _MISSING:
            return ()
        if not isinstance(value, list):
            self.fail(name, f"expected an array of ids, got {_describe(value)}")
            return ()
        slugs: list[str] = []
        for index, item in enumerate(value):
            item_name = f"{name}[{index}]"
            if not isinstance(item, str):
                self.fail(item_name, f"expected a string, got {_describe(item)}")
            elif not item or len(item) > SLUG_MAX_LENGTH or not _is_slug(item):
                self.fail(item_name, f"{item!r} is not a usable id")
            elif item not in slugs:
                slugs.append(item)
        return tuple(slugs)


def _is_slug(text: str) -> bool:
    try:
        validate_slug(text)
    except ValidationError:
        return False
    return True


# Building records --------------------------------------------------------------------


def _licence(f: _Fields) -> LicenceRecord:
    f.present("created_at", "updated_at")
    return LicenceRecord(
        file=f.file,
        slug=f.slug("license_id") or "",
        name=f.text("name", max_length=_max_length(License, "name")),
        description=f.text("description", max_length=None),
        allows_commercial_use=bool(f.boolean("allow_commercial")),
    )


def _organization(f: _Fields) -> OrganizationRecord:
    f.present("created_at", "updated_at")
    return OrganizationRecord(
        file=f.file,
        slug=f.slug("organization_id") or "",
        name=f.text("name", max_length=_max_length(Organization, "name")),
        website=f.url("website", required=True, nullable=False),
        country=f.text(
            "country",
            max_length=_max_length(Organization, "country"),
            required=False,
            nullable=True,
        ),
        description=f.text("description", max_length=None, required=False, nullable=True),
    )


def _provider(f: _Fields) -> ProviderRecord:
    f.present("created_at", "updated_at")
    return ProviderRecord(
        file=f.file,
        slug=f.slug("provider_id") or "",
        name=f.text("name", max_length=_max_length(Provider, "name")),
        website=f.url("website", required=True, nullable=False),
    )


def _benchmark(f: _Fields) -> BenchmarkRecord:
    f.present("verified", "created_at", "updated_at")
    return BenchmarkRecord(
        file=f.file,
        slug=f.slug("benchmark_id") or "",
        name=f.text("name", max_length=_max_length(Benchmark, "name")),
        description=f.text("description", max_length=None, required=False, nullable=True),
        categories=f.slug_list("categories"),
        modality=f.choice("modality", Benchmark.Modality.values),
        multilingual=bool(f.boolean("multilingual")),
        language=f.text("language", max_length=_max_length(Benchmark, "language")),
        max_score=_positive(f, "max_score", _decimal_size(Benchmark, "max_score")),
        parent_slug=f.slug("parent_benchmark_id", required=False, nullable=True),
        paper_url=f.url("paper_link"),
        implementation_url=f.url("implementation_link"),
    )


def _positive(f: _Fields, name: str, size: tuple[int, int]) -> Decimal:
    number = f.decimal(name, size=size)
    if number is not None and number <= 0:
        f.fail(name, f"must be above 0, got {number}")
    return number or Decimal(1)


def _model(f: _Fields) -> ModelRecord:
    f.present("available_in_zeroeval", "created_at", "updated_at")
    release_date, release_precision = f.date("release_date")
    announcement_date, announcement_precision = f.date("announcement_date")
    cutoff, cutoff_precision = f.date("knowledge_cutoff")
    return ModelRecord(
        file=f.file,
        slug=f.slug("model_id") or "",
        name=f.text("name", max_length=_max_length(AIModel, "name")),
        organization_slug=f.slug("organization_id") or "",
        license_slug=f.slug("license_id", required=False, nullable=True),
        fine_tuned_from_slug=f.slug("fine_tuned_from_model_id", required=False, nullable=True),
        description=f.text("description", max_length=None, required=False, nullable=True),
        release_date=release_date,
        release_date_precision=release_precision,
        announcement_date=announcement_date,
        announcement_date_precision=announcement_precision,
        knowledge_cutoff=cutoff,
        knowledge_cutoff_precision=cutoff_precision,
        parameter_count=f.count("param_count", unit="billions", factor=10**9),
        training_tokens=f.count("training_tokens", unit="trillions", factor=10**12),
        multimodal=bool(f.boolean("multimodal")),
        paper_url=f.url("source_paper"),
        weights_url=f.url("source_weights_link"),
        repository_url=f.url("source_repo_link"),
        api_docs_url=f.url("source_api_ref"),
        playground_url=f.url("source_playground"),
        announcement_url=f.url("source_scorecard_blog_link"),
    )


def _offering(f: _Fields) -> OfferingRecord:
    f.present("created_at", "updated_at", "model_name", "organization_id")
    price_size = _decimal_size(Offering, "input_usd_per_million")
    return OfferingRecord(
        file=f.file,
        label=f.record,
        source_id=f.integer("model_provider_id", minimum=1, maximum=BIG_INTEGER_MAX) or 0,
        model_slug=f.slug("model_id") or "",
        provider_slug=f.slug("provider_id") or "",
        provider_model_name=f.text(
            "provider_model_id_used",
            max_length=_max_length(Offering, "provider_model_name"),
            required=False,
            nullable=True,
        ),
        input_usd_per_million=f.decimal(
            "input_cents_per_million_tokens", size=price_size, scale=2, nullable=True
        ),
        output_usd_per_million=f.decimal(
            "output_cents_per_million_tokens", size=price_size, scale=2, nullable=True
        ),
        throughput=f.floating("throughput"),
        latency=f.floating("latency"),
        quantization=f.text(
            "quantization",
            max_length=_max_length(Offering, "quantization"),
            required=False,
            nullable=True,
        ),
        max_input_tokens=f.integer(
            "max_input_tokens", minimum=1, maximum=POSITIVE_INTEGER_MAX, required=False
        ),
        max_output_tokens=f.integer(
            "max_output_tokens", minimum=1, maximum=POSITIVE_INTEGER_MAX, required=False
        ),
        **{
            f"supports_{feature}": f.boolean(f"feature_{feature}", required=False, nullable=True)
            for feature in (
                "web_search",
                "function_calling",
                "structured_output",
                "code_execution",
                "batch_inference",
                "finetuning",
            )
        },
        **{
            f"{direction}_{medium}": f.boolean(
                f"{direction}_modality_{medium}", required=False, nullable=True
            )
            for direction in ("input", "output")
            for medium in ("text", "image", "audio", "video")
        },
        deprecated_at=f.timestamp("deprecated_at"),
    )


def _verification(f: _Fields) -> tuple[str, str, date | None]:
    """Status, verifier and verification date of a result."""
    self_reported = f.boolean("is_self_reported")
    provider = f.text("verification_provider_id", max_length=None, required=False, nullable=True)
    if not f.boolean("verified_by_llmstats"):
        status = Result.Status.SELF_REPORTED if self_reported else Result.Status.THIRD_PARTY
        return status, "", None
    verified_by = VERIFIER_NAME + (f" via {provider}" if provider else "")
    limit = _max_length(Result, "verified_by")
    if len(verified_by) > limit:
        f.fail("verification_provider_id", f"is too long: {verified_by!r} must fit {limit}")
    # Only a verified result's verification date is used, so only then is it read.
    return Result.Status.VERIFIED, verified_by, f.date("verification_date")[0]


def _result(f: _Fields) -> ResultRecord:
    f.present("created_at", "updated_at", "benchmark_name")
    status, verified_by, verified_on = _verification(f)
    return ResultRecord(
        file=f.file,
        label=f.record,
        source_record_id=f.integer("model_benchmark_id", minimum=1, maximum=BIG_INTEGER_MAX) or 0,
        model_slug=f.slug("model_id") or "",
        benchmark_slug=f.slug("benchmark_id") or "",
        analysis_method=f.text(
            "analysis_method",
            max_length=_max_length(Result, "analysis_method"),
            required=False,
            nullable=True,
        ),
        score=f.decimal("score", size=_decimal_size(Result, "score")) or Decimal(0),
        file_normalized_score=f.number("normalized_score", required=False, nullable=True),
        status=status,
        verified_by=verified_by,
        verified_on=verified_on,
        notes=f.text("verification_notes", max_length=None, required=False, nullable=True),
        source_url=f.url("self_reported_source_link"),
    )


# Reading files -----------------------------------------------------------------------


def find_data_dir(root: Path) -> Path:
    """The data/ folder: PATH may be the folder that holds it, or data/ itself."""
    if (root / "data").is_dir():
        return root / "data"
    if root.is_dir() and any((root / part).is_dir() for part in ("organizations", "benchmarks")):
        return root
    problem = "does not exist" if not root.exists() else "holds no data/ folder"
    raise LLMStatsDataError([DataError(str(root), "", f"{problem} (expected the LLM Stats tree)")])


class _Reader:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.tree = SourceTree(data_dir=data_dir)
        self._base = data_dir.parent.as_posix() + "/"

    def display(self, path: Path) -> str:
        """The path from the folder that holds data/, as messages name files."""
        # Cheaper than Path.relative_to, which shows in the time of a full import.
        return path.as_posix().removeprefix(self._base)

    def error(self, path: Path, message: str, field_name: str = "") -> None:
        self.tree.errors.append(DataError(self.display(path), field_name, message))

    def load(self, path: Path, expected: type) -> Any:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            self.error(path, "the file is missing")
            return None
        except UnicodeDecodeError:
            self.error(path, "is not UTF-8 text")
            return None
        except OSError as exc:
            self.error(path, f"cannot be read ({exc.strerror})")
            return None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self.error(
                path, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            )
            return None
        if not isinstance(data, expected):
            shape = "an object" if expected is dict else "an array"
            self.error(path, f"expected {shape} at the top level, got {_describe(data)}")
            return None
        return data

    def read_object(
        self, path: Path, build: Callable[[_Fields], Any], kind: str, id_field: str
    ) -> Any:
        data = self.load(path, dict)
        if data is None:
            return None
        fields = _Fields(data, self.display(path), "", self.tree)
        record = build(fields)
        if isinstance(data.get(id_field), str):
            self.tree.declared[kind].add(data[id_field])
        return record if fields.ok else None

    def read_array(
        self, path: Path, build: Callable[[_Fields], Any], label_field: str
    ) -> list[Any]:
        """The records of an array file, each labelled by position and its source id."""
        data = self.load(path, list)
        if data is None:
            return []
        file = self.display(path)
        records = []
        for index, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                message = f"expected an object, got {_describe(item)}"
                self.tree.errors.append(DataError(file, "", message, f"record {index}"))
                continue
            label = f"record {index}"
            if isinstance(item.get(label_field), int):
                label += f" ({label_field} {item[label_field]})"
            fields = _Fields(item, file, label, self.tree)
            record = build(fields)
            if fields.ok:
                records.append(record)
        return records

    def note_name(self, path: Path, name: str, record_id: str, kind: str) -> None:
        if name != record_id:
            self.tree.anomalies.append(
                Anomaly(
                    AnomalyKind.ID_DIFFERS,
                    self.display(path),
                    f"{kind} id {record_id!r} differs from the name {name!r}; the id is used",
                )
            )

    def folders(self, path: Path) -> list[Path]:
        if not path.is_dir():
            self.error(path, "the folder is missing")
            return []
        return sorted(child for child in path.iterdir() if child.is_dir() and _visible(child))

    def json_files(self, path: Path) -> list[Path]:
        if not path.is_dir():
            self.error(path, "the folder is missing")
            return []
        return sorted(
            child for child in path.iterdir() if child.suffix == ".json" and _visible(child)
        )


def _visible(path: Path) -> bool:
    return not path.name.startswith(".")


def read_tree(root: Path) -> SourceTree:
    """Read and check every file under root; problems are collected, not raised."""
    reader = _Reader(find_data_dir(root))
    tree = reader.tree
    data = reader.data_dir
    for path in reader.json_files(data / "licenses"):
        licence = reader.read_object(path, _licence, "licences", "license_id")
        if licence:
            tree.licences.append(licence)
            reader.note_name(path, path.stem, licence.slug, "licence")
    for path in reader.json_files(data / "benchmarks"):
        benchmark = reader.read_object(path, _benchmark, "benchmarks", "benchmark_id")
        if benchmark:
            tree.benchmarks.append(benchmark)
            reader.note_name(path, path.stem, benchmark.slug, "benchmark")
    for folder in reader.folders(data / "providers"):
        _read_provider(reader, folder)
    for folder in reader.folders(data / "organizations"):
        _read_organization(reader, folder)
    _check_unique_ids(tree)
    return tree


def _read_provider(reader: _Reader, folder: Path) -> None:
    provider = reader.read_object(folder / "provider.json", _provider, "providers", "provider_id")
    if provider:
        reader.tree.providers.append(provider)
        reader.note_name(folder / "provider.json", folder.name, provider.slug, "provider")
    if (folder / "models.json").exists():
        offerings = reader.read_array(folder / "models.json", _offering, "model_provider_id")
        for offering in offerings:
            if provider and offering.provider_slug != provider.slug:
                _note_other_owner(
                    reader, offering, "provider_id", offering.provider_slug, provider.slug
                )
        reader.tree.offerings.extend(offerings)


def _read_organization(reader: _Reader, folder: Path) -> None:
    organization = reader.read_object(
        folder / "organization.json", _organization, "organizations", "organization_id"
    )
    if organization:
        reader.tree.organizations.append(organization)
        reader.note_name(
            folder / "organization.json", folder.name, organization.slug, "organization"
        )
    if (folder / "models").exists():
        for model_folder in reader.folders(folder / "models"):
            _read_model(reader, model_folder, organization)


def _read_model(reader: _Reader, folder: Path, organization: OrganizationRecord | None) -> None:
    model = reader.read_object(folder / "model.json", _model, "models", "model_id")
    if model:
        reader.tree.models.append(model)
        reader.note_name(folder / "model.json", folder.name, model.slug, "model")
        if organization and model.organization_slug != organization.slug:
            reader.tree.anomalies.append(
                Anomaly(
                    AnomalyKind.ID_DIFFERS,
                    model.file,
                    f"organization_id {model.organization_slug!r} is not the folder's "
                    f"organization {organization.slug!r}; the id is used",
                )
            )
    if (folder / "benchmarks.json").exists():
        results = reader.read_array(folder / "benchmarks.json", _result, "model_benchmark_id")
        for result in results:
            if model and result.model_slug != model.slug:
                _note_other_owner(reader, result, "model_id", result.model_slug, model.slug)
        reader.tree.results.extend(results)


def _note_other_owner(
    reader: _Reader, record: OfferingRecord | ResultRecord, name: str, value: str, owner: str
) -> None:
    reader.tree.anomalies.append(
        Anomaly(
            AnomalyKind.ID_DIFFERS,
            record.file,
            f"{record.label}: {name} {value!r} is not the folder's {owner!r}; the id is used",
        )
    )


def _check_unique_ids(tree: SourceTree) -> None:
    """Two files defining one id cannot both be right: refuse rather than pick."""
    kinds: list[tuple[str, str, list[Any]]] = [
        ("licence", "license_id", tree.licences),
        ("benchmark", "benchmark_id", tree.benchmarks),
        ("provider", "provider_id", tree.providers),
        ("organization", "organization_id", tree.organizations),
        ("model", "model_id", tree.models),
    ]
    for kind, id_field, records in kinds:
        first_file: dict[str, str] = {}
        for record in records:
            if record.slug in first_file:
                tree.errors.append(
                    DataError(
                        record.file,
                        id_field,
                        f"{kind} id {record.slug!r} is also defined in {first_file[record.slug]}",
                    )
                )
            else:
                first_file[record.slug] = record.file


# Planning the import -----------------------------------------------------------------


def plan_import(tree: SourceTree, known: KnownRows) -> ImportPlan:
    """Check references, settle repeated keys and compute derived values.

    Raises LLMStatsDataError with every problem found, from reading and from here.
    """
    errors = list(tree.errors)
    errors += _reference_errors(tree, known)
    if errors:
        raise LLMStatsDataError(errors)
    anomalies = list(tree.anomalies)
    offerings, conflicting_offerings = _settle_repeats(
        tree.offerings, "offering", anomalies, _describe_offering
    )
    results, conflicting_results = _settle_repeats(
        tree.results, "result", anomalies, _describe_result
    )
    planned_models = with_distinct_names(
        _with_context_lengths(tree.models, tree.offerings), known.model_names, anomalies
    )
    planned_results = _with_scores_and_dates(results, tree, known, anomalies)
    # Imported here, not at the top: the checks are written over this module's records.
    from ingest.plausibility import implausible_values

    anomalies += implausible_values(
        licences=tree.licences,
        benchmarks=tree.benchmarks,
        models=planned_models,
        offerings=offerings,
        results=planned_results,
        licence_open_weights=known.licence_open_weights,
        lower_is_better=known.lower_is_better_benchmarks,
        with_parents=known.benchmarks_with_parents,
    )
    return ImportPlan(
        licences=tree.licences,
        organizations=tree.organizations,
        categories={
            slug: category_name(slug)
            for benchmark in tree.benchmarks
            for slug in benchmark.categories
        },
        benchmarks=tree.benchmarks,
        providers=tree.providers,
        models=planned_models,
        offerings=offerings,
        results=planned_results,
        anomalies=anomalies,
        conflicting_offerings=conflicting_offerings,
        conflicting_results=conflicting_results,
        repeated_results={
            key: [record for record in tree.results if record.key == key]
            for key in conflicting_results
        },
    )


def _reference_errors(tree: SourceTree, known: KnownRows) -> list[DataError]:
    declared = tree.declared
    organizations = declared["organizations"] | known.organizations
    licences = declared["licences"] | known.licences
    providers = declared["providers"] | known.providers
    benchmarks = declared["benchmarks"] | set(known.benchmark_max_scores)
    models_ = declared["models"] | set(known.model_dates)
    errors: list[DataError] = []

    def check(file: str, label: str, name: str, value: str | None, pool: set[str]) -> None:
        if value is not None and value not in pool:
            errors.append(
                DataError(
                    file, name, f"{value!r} is neither in the files nor in the database", label
                )
            )

    for model in tree.models:
        check(model.file, "", "organization_id", model.organization_slug, organizations)
        check(model.file, "", "license_id", model.license_slug, licences)
        check(model.file, "", "fine_tuned_from_model_id", model.fine_tuned_from_slug, models_)
        if model.fine_tuned_from_slug == model.slug:
            errors.append(
                DataError(model.file, "fine_tuned_from_model_id", "a model is not its own base")
            )
    for benchmark in tree.benchmarks:
        check(benchmark.file, "", "parent_benchmark_id", benchmark.parent_slug, benchmarks)
        if benchmark.parent_slug == benchmark.slug:
            errors.append(
                DataError(
                    benchmark.file, "parent_benchmark_id", "a benchmark is not its own parent"
                )
            )
    for offering in tree.offerings:
        check(offering.file, offering.label, "model_id", offering.model_slug, models_)
        check(offering.file, offering.label, "provider_id", offering.provider_slug, providers)
    for result in tree.results:
        check(result.file, result.label, "model_id", result.model_slug, models_)
        check(result.file, result.label, "benchmark_id", result.benchmark_slug, benchmarks)
    return errors


def _describe_offering(offering: OfferingRecord) -> str:
    return (
        f"input {offering.input_usd_per_million} / output {offering.output_usd_per_million} "
        f"USD per million"
    )


def _describe_result(result: ResultRecord) -> str:
    return f"score {result.score} (normalized_score {result.file_normalized_score})"


def _settle_repeats[R: (OfferingRecord, ResultRecord)](
    records: list[R], kind: str, anomalies: list[Anomaly], describe: Callable[[R], str]
) -> tuple[list[R], set[Any]]:
    """One record per key: exact repeats are stored once, differing ones not at all.

    Results compare score and normalized score; offerings compare every stored value.
    A conflict is left to a curator; the report names every record involved.
    """
    groups: dict[Any, list[R]] = defaultdict(list)
    for record in records:
        groups[record.key].append(record)
    kept: list[R] = []
    conflicts: set[Any] = set()
    for key, group in groups.items():
        first = group[0]
        if all(_same(record, first) for record in group[1:]):
            kept.append(first)
            for repeat in group[1:]:
                anomalies.append(
                    Anomaly(
                        AnomalyKind.DUPLICATE,
                        repeat.file,
                        f"{repeat.label} repeats {first.label} of {first.file} "
                        f"({kind} {_show_key(key)}); stored once",
                    )
                )
            continue
        conflicts.add(key)
        listing = "; ".join(f"{describe(r)} in {r.label} of {r.file}" for r in group)
        anomalies.append(
            Anomaly(
                AnomalyKind.CONFLICT,
                first.file,
                f"{kind} {_show_key(key)} is given {len(group)} times with different values, "
                f"none stored: {listing}",
            )
        )
    return kept, conflicts


def _same(record: OfferingRecord | ResultRecord, other: OfferingRecord | ResultRecord) -> bool:
    if isinstance(record, ResultRecord) and isinstance(other, ResultRecord):
        return (record.score, record.file_normalized_score) == (
            other.score,
            other.file_normalized_score,
        )
    assert isinstance(record, OfferingRecord) and isinstance(other, OfferingRecord)
    return record.values() == other.values()


def _show_key(key: tuple[str, ...]) -> str:
    return "(" + ", ".join(repr(part) for part in key) + ")"


def _with_context_lengths(
    model_records: list[ModelRecord], offerings: list[OfferingRecord]
) -> list[ModelRecord]:
    """A model's context lengths: the largest any provider in the source serves."""
    longest_in: dict[str, int] = {}
    longest_out: dict[str, int] = {}
    for offering in offerings:
        if offering.max_input_tokens is not None:
            longest_in[offering.model_slug] = max(
                longest_in.get(offering.model_slug, 0), offering.max_input_tokens
            )
        if offering.max_output_tokens is not None:
            longest_out[offering.model_slug] = max(
                longest_out.get(offering.model_slug, 0), offering.max_output_tokens
            )
    return [
        replace(
            model,
            input_context_length=longest_in.get(model.slug),
            output_context_length=longest_out.get(model.slug),
        )
        for model in model_records
    ]


def with_distinct_names(
    model_records: list[ModelRecord], known_names: Mapping[str, str], anomalies: list[Anomaly]
) -> list[ModelRecord]:
    """Models named alike (two "Claude 3.5 Sonnet", the June and the October one) named
    apart: each gets what tells it apart in parentheses, its release month ("Claude 3.5
    Sonnet (Jun 2024)"), else its release day, else its slug, and the anomaly says so.
    Every page lists models by name, and the database keeps names unique (ignoring case).
    Models already in the database and not in the source keep their names; a model of the
    source named like one of them is named apart too.
    """
    in_source = {model.slug for model in model_records}
    taken: dict[str, list[str]] = {}
    for slug, name in known_names.items():
        if slug not in in_source:
            taken.setdefault(name.casefold(), []).append(slug)
    by_name: dict[str, list[ModelRecord]] = {}
    for model in model_records:
        by_name.setdefault(model.name.casefold(), []).append(model)
    renamed: dict[str, str] = {}
    for key, group in by_name.items():
        if len(group) == 1 and key not in taken:
            continue
        qualifiers = [_month_of(model) for model in group]
        if len(set(qualifiers)) < len(group) or "" in qualifiers:
            qualifiers = [_day_of(model) for model in group]
        if len(set(qualifiers)) < len(group) or "" in qualifiers:
            qualifiers = [model.slug for model in group]
        for model, qualifier in zip(group, qualifiers, strict=True):
            name = f"{model.name} ({qualifier})"
            renamed[model.slug] = name if len(name) <= _max_length(AIModel, "name") else model.slug
            others = [other.slug for other in group if other is not model] + taken.get(key, [])
            anomalies.append(
                Anomaly(
                    AnomalyKind.SHARED_NAME,
                    model.file,
                    f"{model.slug}: '{model.name}' is also the name of {', '.join(others)}: "
                    f"named '{renamed[model.slug]}' here so that visitors can tell them apart",
                )
            )
    return [
        replace(model, name=renamed[model.slug]) if model.slug in renamed else model
        for model in model_records
    ]


def _month_of(model: ModelRecord) -> str:
    released = model.release_date
    return released.strftime("%b %Y") if released else ""


def _day_of(model: ModelRecord) -> str:
    released = model.release_date
    return f"{released.day} {released:%b %Y}" if released else ""


def _with_scores_and_dates(
    results: list[ResultRecord], tree: SourceTree, known: KnownRows, anomalies: list[Anomaly]
) -> list[ResultRecord]:
    """Normalized scores (see normalize_score) and the date each result is recorded on.

    The source has no date of the result itself (its created_at is when the row entered
    LLM Stats, mostly one bulk load). recorded_on is the verification date of a verified
    result, else the model's announcement date, else its release date.
    """
    max_scores = {**known.benchmark_max_scores}
    max_scores.update({benchmark.slug: benchmark.max_score for benchmark in tree.benchmarks})
    model_dates = {**known.model_dates}
    model_dates.update(
        {model.slug: (model.announcement_date, model.release_date) for model in tree.models}
    )
    planned = []
    for result in results:
        normalized = normalize_score(result.score, max_scores[result.benchmark_slug])
        prefix = f"{result.label}: {result.benchmark_slug}: "
        if normalized.scale_note:
            anomalies.append(
                Anomaly(AnomalyKind.SCALE, result.file, prefix + normalized.scale_note)
            )
        elif _disagrees(result.file_normalized_score, normalized.value):
            anomalies.append(
                Anomaly(
                    AnomalyKind.NORMALIZED_DISAGREES,
                    result.file,
                    f"{prefix}the file's normalized_score {_show(result.file_normalized_score)} "
                    f"differs from {_show(normalized.value)} (score {_show(result.score)}); "
                    "ours is stored",
                )
            )
        announced, released = model_dates[result.model_slug]
        planned.append(
            replace(
                result,
                normalized_score=normalized.value,
                recorded_on=result.verified_on or announced or released,
            )
        )
    return planned


def _disagrees(theirs: Decimal | None, ours: Decimal | None) -> bool:
    return theirs is not None and ours is not None and abs(theirs - ours) > NORMALIZED_TOLERANCE
