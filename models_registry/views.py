from dataclasses import asdict
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.vary import vary_on_headers

from benchmarks.changelog import change_log_page, model_changes
from benchmarks.models import Benchmark, Category, Result
from benchmarks.ranking import RankedResult, ranked_best_results
from config.caching import cache_public_page
from config.http import read_only
from models_registry import profile
from models_registry.forms import (
    DEFAULT_SORT,
    SORT_OPTIONS,
    ModelListForm,
    model_filters,
)
from models_registry.models import AIModel, Offering, Organization
from pages.listing import (
    Column,
    column_headers,
    download_response,
    page_number,
    wants_partial,
)

MODELS_PER_PAGE = 50

# --- /models/: rows ----------------------------------------------------------------------------


def _organizations() -> list[tuple[str, str]]:
    return list(Organization.objects.order_by(Lower("name"), "pk").values_list("slug", "name"))


# --- /models/: the page ------------------------------------------------------------------------


def _short(label: str, full: str) -> SafeString:
    """A short column label, so that every column fits a 1280 px screen: its full text
    shows on hover and is what a screen reader reads."""
    return format_html(
        '<abbr title="{}" aria-hidden="true">{}</abbr><span class="visually-hidden">{}</span>',
        full,
        label,
        full,
    )


COLUMNS = (
    Column("name", "Model", first_direction=""),
    Column("org", "Organization", first_direction=""),
    Column("released", "Released", numeric=True, first_direction="-"),
    Column("licence", "Weights"),
    Column("params", _short("Params", "Parameters"), numeric=True, first_direction="-"),
    Column("context", "Context", numeric=True, first_direction="-"),
    Column(
        "price",
        _short("In $/M", "Input price, USD per million tokens"),
        numeric=True,
        first_direction="",
    ),
    Column(
        "output",
        _short("Out $/M", "Output price, USD per million tokens"),
        numeric=True,
        first_direction="",
    ),
    Column("results", "Results", numeric=True, first_direction="-"),
)


@read_only
@cache_public_page
# A history restore also says HX-Request but gets the whole page: vary on both.
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def model_list(request: HttpRequest) -> HttpResponse:
    organizations = _organizations()
    filters = model_filters(request.GET, organizations=organizations)
    paginator = Paginator(AIModel.objects.for_list(**asdict(filters)), MODELS_PER_PAGE)
    page: Page = paginator.page(page_number(request.GET.get("page"), paginator.num_pages))
    partial = wants_partial(request)
    params = filters.params()
    context = {
        "filters": filters,
        "form": ModelListForm(initial=filters.as_initial(), organizations=organizations),
        "params": params,
        "page_obj": page,
        "ai_models": page.object_list,
        "headers": column_headers(
            COLUMNS,
            sort=filters.sort,
            default_sort=DEFAULT_SORT,
            phrase=lambda key: SORT_OPTIONS[key].phrase,
        ),
        "sort_phrase": SORT_OPTIONS[filters.sort].phrase,
        # An htmx swap also refreshes the controls outside the table (out of band).
        "swap_controls": partial,
    }
    template = "models_registry/model_list.html"
    return render(request, f"{template}#model-table" if partial else template, context)


# --- /models/download.csv and .json --------------------------------------------------------------

DOWNLOAD_FIELDS = (
    "model",
    "model_slug",
    "organization",
    "organization_slug",
    "release_date",
    "release_date_precision",
    "open_weights",
    "license",
    "multimodal",
    "parameter_count",
    "input_context_length",
    "input_usd_per_million",
    "output_usd_per_million",
    "result_count",
)


def _price(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _download_record(ai_model: AIModel) -> dict[str, object]:
    return {
        "model": ai_model.name,
        "model_slug": ai_model.slug,
        "organization": ai_model.organization.name,
        "organization_slug": ai_model.organization.slug,
        "release_date": ai_model.release_date.isoformat() if ai_model.release_date else None,
        "release_date_precision": ai_model.release_date_precision,
        "open_weights": ai_model.is_open,
        "license": ai_model.license.name if ai_model.license else None,
        "multimodal": ai_model.multimodal,
        "parameter_count": ai_model.parameter_count,
        "input_context_length": ai_model.input_context_length,
        "input_usd_per_million": _price(ai_model.cheapest_input),
        "output_usd_per_million": _price(ai_model.cheapest_output),
        "result_count": ai_model.result_count,
    }


@read_only
@cache_public_page
def model_list_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """Every model the list's filters keep, in its order, unpaginated, as CSV or JSON."""
    filters = model_filters(request.GET, organizations=_organizations())
    records = [
        _download_record(ai_model) for ai_model in AIModel.objects.for_list(**asdict(filters))
    ]
    filename = f"benchboard-models.{file_format}"
    payload = {
        "query": filters.params(),
        "generated_at": timezone.now().isoformat(),
        "models": records,
    }
    return download_response(
        file_format, filename, fields=DOWNLOAD_FIELDS, records=records, payload=payload
    )


# --- /models/<slug>/ ---------------------------------------------------------------------------

_RESULT_FIELDS = (
    "ai_model_id",
    "score",
    "normalized_score",
    "analysis_method",
    "status",
    "source_url",
    "recorded_on",
    "benchmark__slug",
    "benchmark__name",
    "benchmark__max_score",
    "benchmark__higher_is_better",
    "source_values",
    "withdrawn_at",
    "source__slug",
    "source__name",
)


def _model_results(ai_model: AIModel) -> tuple[list[RankedResult], list[Result]]:
    """The model's best scored result on each benchmark with its rank (two queries),
    and its results that do not rank (one query): those without a normalized score, and
    those their source withdrew."""
    results = (
        Result.objects.filter(ai_model=ai_model)
        .select_related("benchmark", "source")
        .only(*_RESULT_FIELDS)
        .order_by("pk")
    )
    unranked = results.filter(Q(normalized_score__isnull=True) | Q(withdrawn_at__isnull=False))
    return ranked_best_results(results), list(unranked)


def _category_links(ai_model: AIModel) -> list[tuple[int, Category]]:
    """(benchmark id, category) for every benchmark the model has a result on: one query."""
    links = (
        Benchmark.categories.through.objects.filter(
            benchmark_id__in=Result.objects.filter(ai_model=ai_model).values("benchmark_id")
        )
        .select_related("category")
        .only("benchmark_id", "category__slug", "category__name")
    )
    return [(link.benchmark_id, link.category) for link in links]


def _offerings(ai_model: AIModel) -> list[Offering]:
    return list(
        ai_model.offerings.select_related("provider").only(
            "ai_model_id",
            "input_usd_per_million",
            "output_usd_per_million",
            "throughput",
            "latency",
            "quantization",
            "max_input_tokens",
            "max_output_tokens",
            "deprecated_at",
            "updated_at",
            "provider__slug",
            "provider__name",
            "provider__website",
        )
    )


@read_only
@cache_public_page
def model_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The model's facts, prices, results (filtered by ?category=) and change log: ten
    queries whatever the amount of data (see tests/models_registry/test_model_detail.py)."""
    ai_model = get_object_or_404(
        AIModel.objects.select_related(
            "organization", "license", "fine_tuned_from"
        ).with_results_updated_at(),
        slug=slug,
    )
    fine_tunes = list(ai_model.fine_tunes.only("slug", "name").order_by(Lower("name"), "pk"))
    offerings = _offerings(ai_model)
    ranked, unranked = _model_results(ai_model)

    rows = profile.with_categories(profile.result_rows(ranked, unranked), _category_links(ai_model))
    categories = profile.category_counts(rows)
    # ?category= filters the results table: one of the model's categories, else none.
    category = profile.chosen_category(categories, request.GET.get("category"))
    scores = profile.category_scores(rows)
    ranks = profile.rank_summary(rows)
    cheapest = profile.cheapest_offering(offerings)
    lead = profile.lead_sentence(
        model_name=ai_model.name,
        organization_name=ai_model.organization.name,
        benchmark_count=len(rows),
        best=ranks.best,
        cheapest=cheapest,
    )
    context = {
        "ai_model": ai_model,
        "fine_tunes": fine_tunes,
        "offerings": profile.offering_rows(offerings),
        "rows": profile.in_category(rows, category),
        "categories": categories,
        "category": category,
        "benchmark_count": len(rows),
        "category_scores": scores,
        "chart": profile.category_chart(scores, ai_model.name),
        "chart_size": profile.bar_frame_size(len(scores)),
        "ranks": ranks,
        "lead": lead,
        "last_updated": profile.last_updated(
            ai_model.updated_at,
            ai_model.results_updated_at,
            *(offering.updated_at for offering in offerings),
        ),
        "changes": change_log_page(
            lambda limit: model_changes(ai_model, limit),
            show_all=request.GET.get("changes") == "all",
        ),
        "structured_data": profile.structured_data(
            ai_model,
            url=request.build_absolute_uri(ai_model.get_absolute_url()),
            organization_url=request.build_absolute_uri(ai_model.organization.get_absolute_url()),
            models_url=request.build_absolute_uri(reverse("models_registry:list")),
            description=lead,
            cheapest=cheapest,
            offering_count=sum(1 for offering in offerings if offering.deprecated_at is None),
        ),
    }
    return render(request, "models_registry/model_detail.html", context)
