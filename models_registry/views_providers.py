"""/providers/: every API provider, with its prices and speed; /providers/<slug>/: the
models one provider serves.

Both tables are small (a provider serves tens of models, there are tens of providers) and
read whole, so rows are shaped and sorted here in plain Python: one query for the
providers' offerings, whatever their number, and medians, which SQL has no portable
function for."""

import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from config.caching import cache_public_page
from config.http import read_only
from models_registry.models import Offering, Provider
from pages.listing import (
    Column,
    Number,
    in_order,
    requested_sort,
    sorted_table_context,
    wants_partial,
)

# --- /providers/: rows -------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferingFacts:
    """What the list needs of one offering (a row of Offering.values_list)."""

    provider_id: int
    input_usd_per_million: Decimal | None
    output_usd_per_million: Decimal | None
    throughput: float | None
    latency: float | None
    deprecated_at: datetime | None


@dataclass(frozen=True)
class PriceRange:
    low: Decimal
    high: Decimal

    @property
    def single(self) -> bool:
        return self.low == self.high


def price_range(prices: Iterable[Decimal | None]) -> PriceRange | None:
    known = [price for price in prices if price is not None]
    return PriceRange(min(known), max(known)) if known else None


def median(values: Iterable[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


@dataclass(frozen=True)
class ProviderRow:
    """A provider with what its current (not deprecated) offerings cost and how fast they are."""

    provider: Provider
    model_count: int
    input_prices: PriceRange | None
    output_prices: PriceRange | None
    median_throughput: float | None  # tokens per second
    median_latency: float | None  # seconds to the first token


def provider_rows(
    providers: Iterable[Provider], offerings: Iterable[OfferingFacts]
) -> list[ProviderRow]:
    """One row a provider, from its current offerings; in the order of providers."""
    current: dict[int, list[OfferingFacts]] = {}
    for offering in offerings:
        if offering.deprecated_at is None:
            current.setdefault(offering.provider_id, []).append(offering)
    rows = []
    for provider in providers:
        served = current.get(provider.pk, [])
        rows.append(
            ProviderRow(
                provider=provider,
                model_count=len(served),
                input_prices=price_range(o.input_usd_per_million for o in served),
                output_prices=price_range(o.output_usd_per_million for o in served),
                median_throughput=median(o.throughput for o in served),
                median_latency=median(o.latency for o in served),
            )
        )
    return rows


# --- /providers/: the page ---------------------------------------------------------------------

COLUMNS = (
    Column("name", "Provider", first_direction=""),
    Column("models", "Models", numeric=True, first_direction="-"),
    Column("input", "Input $/M", numeric=True, first_direction=""),
    Column("output", "Output $/M", numeric=True, first_direction=""),
    Column("throughput", "Median throughput", numeric=True, first_direction="-"),
    Column("latency", "Median latency", numeric=True, first_direction=""),
)
DEFAULT_SORT = "name"
SORT_PHRASES = {
    "name": "name (A to Z)",
    "-name": "name (Z to A)",
    "-models": "most models",
    "models": "fewest models",
    "input": "cheapest input price",
    "-input": "dearest input price",
    "output": "cheapest output price",
    "-output": "dearest output price",
    "-throughput": "fastest median throughput",
    "throughput": "slowest median throughput",
    "latency": "lowest median latency",
    "-latency": "highest median latency",
}


def _low(prices: PriceRange | None) -> Decimal | None:
    return prices.low if prices else None


# What each sort key but "name" orders the rows by; a price range by its cheapest price.
_PROVIDER_ORDER: Mapping[str, Callable[[ProviderRow], Number | None]] = {
    "models": lambda row: row.model_count,
    "input": lambda row: _low(row.input_prices),
    "output": lambda row: _low(row.output_prices),
    "throughput": lambda row: row.median_throughput,
    "latency": lambda row: row.median_latency,
}


@read_only
@cache_public_page
# A history restore also says HX-Request but gets the whole page: vary on both.
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def provider_list(request: HttpRequest) -> HttpResponse:
    """Two queries whatever the amount of data: the providers and their offerings."""
    sort = requested_sort(request, COLUMNS, DEFAULT_SORT)
    providers = Provider.objects.only("slug", "name").order_by("pk")
    offerings = (
        OfferingFacts(*values)
        for values in Offering.objects.order_by().values_list(
            "provider_id",
            "input_usd_per_million",
            "output_usd_per_million",
            "throughput",
            "latency",
            "deprecated_at",
        )
    )
    rows = in_order(
        provider_rows(providers, offerings),
        sort,
        name=lambda row: row.provider.name,
        values=_PROVIDER_ORDER,
        name_key="name",
    )
    context = {
        "rows": rows,
        **sorted_table_context(sort, columns=COLUMNS, phrases=SORT_PHRASES, default=DEFAULT_SORT),
    }
    template = "models_registry/provider_list.html"
    return render(
        request, f"{template}#provider-table" if wants_partial(request) else template, context
    )


# --- /providers/<slug>/ ------------------------------------------------------------------------

# The capability flags an offering row shows, as short labels, where they are known to
# hold. Text in and out is left out: nearly every offering has both.
FEATURES = (
    ("supports_function_calling", "Tools"),
    ("supports_structured_output", "JSON"),
    ("supports_web_search", "Web search"),
    ("supports_code_execution", "Code"),
    ("supports_batch_inference", "Batch"),
    ("supports_finetuning", "Fine-tuning"),
    ("input_image", "Image in"),
    ("input_audio", "Audio in"),
    ("input_video", "Video in"),
    ("output_image", "Image out"),
    ("output_audio", "Audio out"),
    ("output_video", "Video out"),
)
# What each label stands for, for screen readers and a tooltip.
FEATURE_TITLES = {
    "Tools": "Function calling",
    "JSON": "Structured output",
    "Web search": "Web search",
    "Code": "Code execution",
    "Batch": "Batch inference",
    "Fine-tuning": "Fine-tuning",
    "Image in": "Image input",
    "Audio in": "Audio input",
    "Video in": "Video input",
    "Image out": "Image output",
    "Audio out": "Audio output",
    "Video out": "Video output",
}


@dataclass(frozen=True)
class Feature:
    label: str
    title: str


@dataclass(frozen=True)
class OfferingRow:
    offering: Any  # an Offering with its model and the model's organization
    features: tuple[Feature, ...]  # the flags known to hold
    features_known: bool  # whether any flag is known, true or false

    @property
    def is_deprecated(self) -> bool:
        return self.offering.deprecated_at is not None


def offering_row(offering: Any) -> OfferingRow:
    flags = [(getattr(offering, field), label) for field, label in FEATURES]
    return OfferingRow(
        offering=offering,
        features=tuple(Feature(label, FEATURE_TITLES[label]) for value, label in flags if value),
        features_known=any(value is not None for value, _label in flags),
    )


OFFERING_COLUMNS = (
    Column("model", "Model", first_direction=""),
    Column("input", "Input $/M", numeric=True, first_direction=""),
    Column("output", "Output $/M", numeric=True, first_direction=""),
    Column("context", "Context", numeric=True, first_direction="-"),
    Column("throughput", "Throughput", numeric=True, first_direction="-"),
    Column("latency", "Latency", numeric=True, first_direction=""),
    Column("quantization", "Quantization"),
    Column("features", "Features"),
)
OFFERING_DEFAULT_SORT = "model"
OFFERING_SORT_PHRASES = {
    "model": "model (A to Z)",
    "-model": "model (Z to A)",
    "input": "cheapest input price",
    "-input": "dearest input price",
    "output": "cheapest output price",
    "-output": "dearest output price",
    "-context": "longest context",
    "context": "shortest context",
    "-throughput": "fastest throughput",
    "throughput": "slowest throughput",
    "latency": "lowest latency",
    "-latency": "highest latency",
}
_OFFERING_ORDER: Mapping[str, Callable[[OfferingRow], Number | None]] = {
    "input": lambda row: row.offering.input_usd_per_million,
    "output": lambda row: row.offering.output_usd_per_million,
    "context": lambda row: row.offering.max_input_tokens,
    "throughput": lambda row: row.offering.throughput,
    "latency": lambda row: row.offering.latency,
}


def offering_rows(offerings: Iterable[Any], sort: str) -> list[OfferingRow]:
    """The offerings in the order of sort, current ones first, then deprecated ones."""
    rows = in_order(
        (offering_row(offering) for offering in offerings),
        sort,
        name=lambda row: row.offering.ai_model.name,
        values=_OFFERING_ORDER,
        name_key="model",
    )
    return sorted(rows, key=lambda row: row.is_deprecated)  # stable: keeps the order


@read_only
@cache_public_page
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def provider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Two queries whatever the amount of data: the provider and its offerings."""
    provider = get_object_or_404(Provider.objects.only("slug", "name", "website"), slug=slug)
    sort = requested_sort(request, OFFERING_COLUMNS, OFFERING_DEFAULT_SORT)
    offerings = (
        Offering.objects.filter(provider=provider)
        .select_related("ai_model__organization")
        .only(
            "provider_id",
            "input_usd_per_million",
            "output_usd_per_million",
            "throughput",
            "latency",
            "quantization",
            "max_input_tokens",
            "deprecated_at",
            *(field for field, _label in FEATURES),
            "ai_model__slug",
            "ai_model__name",
            "ai_model__organization__slug",
            "ai_model__organization__name",
        )
        .order_by("pk")
    )
    context = {
        "provider": provider,
        "rows": offering_rows(offerings, sort),
        **sorted_table_context(
            sort,
            columns=OFFERING_COLUMNS,
            phrases=OFFERING_SORT_PHRASES,
            default=OFFERING_DEFAULT_SORT,
        ),
    }
    template = "models_registry/provider_detail.html"
    return render(
        request, f"{template}#offering-table" if wants_partial(request) else template, context
    )
