from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Case, Exists, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.views.decorators.vary import vary_on_headers

from benchmarks import leaderboard
from benchmarks.changelog import benchmark_changes, change_log_page
from benchmarks.charts import progress_chart
from benchmarks.forms import LeaderboardForm, LeaderboardQuery, current_spelling, leaderboard_query
from benchmarks.models import LEADERBOARD_COLUMNS, Benchmark, Category, Result
from config.caching import cache_public_page
from config.http import read_only
from models_registry.models import Organization
from pages.formatting import format_score, on_scale, scale_phrase
from pages.listing import (
    column_headers,
    download_response,
    page_number,
    permanent_redirect,
    wants_partial,
)

RELATED_BENCHMARKS = 6
# Rows a leaderboard shows at a time: a page of 100 stays under 100 KB of HTML and renders
# quickly however many models a benchmark has; the downloads hold every row.
LEADERBOARD_PAGE_SIZE = 100


@dataclass
class Board:
    """A benchmark's results, shaped once for the page, its partial and its downloads."""

    results: list[leaderboard.Row]
    ranked_models: list[leaderboard.Row]
    summary: leaderboard.Summary
    query: LeaderboardQuery
    # Every row the filters keep, in the asked order (the downloads' rows), and the page
    # of them the table shows.
    rows: list[leaderboard.Row]
    page: Page


def _benchmark(slug: str) -> Benchmark:
    """The benchmark with its parent, and (for the site-wide banner, in the same query)
    whether the demo data is loaded."""
    demo = Organization.objects.demo()
    return get_object_or_404(
        Benchmark.objects.select_related("parent").annotate(demo_data_loaded=Exists(demo)),
        slug=slug,
    )


def _board(benchmark: Benchmark, request: HttpRequest) -> Board:
    higher = benchmark.higher_is_better
    labels = dict(Result.Status.choices)
    results = leaderboard.label_variants(
        leaderboard.rows_from_columns(
            LEADERBOARD_COLUMNS,
            Result.objects.of_family(benchmark).for_leaderboard().order_by("pk"),
            status_labels=labels,
        ),
        slug=benchmark.slug,
        name=benchmark.name,
    )
    ranked_models = leaderboard.ranked(
        leaderboard.best_per_model(results, higher_is_better=higher), higher_is_better=higher
    )
    summary = leaderboard.summarize(
        results,
        ranked_models,
        last_updated=benchmark.last_updated,
    )
    query = leaderboard_query(request.GET, organizations=summary.organizations)
    board = (
        leaderboard.ranked(results, higher_is_better=higher)
        if query.every_result
        else ranked_models
    )
    rows = leaderboard.sort_rows(
        leaderboard.filter_rows(board, query.filters),
        key=query.sort_key,
        descending=query.descending,
    )
    # Ranks are the whole leaderboard's; only the rendering is paged.
    paginator = Paginator(rows, LEADERBOARD_PAGE_SIZE)
    page = paginator.page(page_number(request.GET.get("page"), paginator.num_pages))
    return Board(results, ranked_models, summary, query, rows, page)


@read_only
@cache_public_page
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def benchmark_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Five queries whatever the data size (two for the htmx partial): the benchmark
    (with the demo-data flag), its results, the categories of it and of its related
    benchmarks, and the change log's two. An address in the old spelling is redirected."""
    if (params := current_spelling(request.GET)) is not None:
        return permanent_redirect(request, params)
    benchmark = _benchmark(slug)
    board = _board(benchmark, request)
    context = {
        "benchmark": benchmark,
        "board": board,
        "headers": column_headers(
            leaderboard.COLUMNS,
            sort=board.query.sort,
            default_sort=leaderboard.DEFAULT_SORT,
            phrase=leaderboard.sort_phrase,
        ),
        "params": board.query.params(),
        "form": LeaderboardForm(
            initial=board.query.as_initial(), organizations=board.summary.organizations
        ),
    }
    if wants_partial(request):
        return render(request, "benchmarks/benchmark_detail.html#leaderboard-table", context)

    categories, related = _categories_and_related(benchmark)
    facts = leaderboard.BenchmarkFacts(
        name=benchmark.name,
        description=benchmark.description,
        modality=benchmark.get_modality_display(),
        category_names=[category.name.lower() for category in categories],
        paper_url=benchmark.paper_url,
        paper_title=benchmark.paper_title,
        max_score=benchmark.max_score,
        higher_is_better=benchmark.higher_is_better,
    )
    higher = benchmark.higher_is_better
    frontier = leaderboard.frontier(board.results, higher_is_better=higher)
    authors, other_authors = leaderboard.authors_shown(benchmark.author_list)
    context |= {
        "categories": categories,
        "variants": sorted(
            {(row.benchmark_slug, row.variant) for row in board.results if row.variant},
            key=lambda pair: pair[1].casefold(),
        ),
        "scale": scale_phrase(benchmark.max_score),
        "faq": leaderboard.faq(facts, board.summary),
        "chart": progress_chart(
            board.results, frontier, higher_is_better=higher, max_score=benchmark.max_score
        ),
        "frontier": frontier,
        "authors": authors,
        "other_authors": other_authors,
        "related": related,
        "changes": change_log_page(
            lambda limit: benchmark_changes(benchmark, limit),
            show_all=request.GET.get("changes") == "all",
        ),
        "demo_data_loaded": benchmark.demo_data_loaded,
    }
    context["structured_data"] = _structured_data(
        benchmark, context["faq"], board.summary, request.build_absolute_uri(request.path)
    )
    return render(request, "benchmarks/benchmark_detail.html", context)


def _structured_data(
    benchmark: Benchmark,
    faq: list[tuple[str, str]],
    summary: leaderboard.Summary,
    url: str,
) -> list[dict]:
    """schema.org Dataset and FAQPage descriptions of the page, for search engines."""
    dataset = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{benchmark.name} leaderboard",
        "description": benchmark.description or f"Results of AI models on {benchmark.name}.",
        "url": url,
        "creator": {"@type": "Organization", "name": "Benchboard"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "variableMeasured": f"{benchmark.name} score",
        "keywords": [category.name for category in benchmark.categories.all()],
    }
    if summary.last_updated:
        # When Benchboard's copy changed; when the results were published is their
        # temporal coverage.
        dataset["dateModified"] = summary.last_updated.isoformat()
    if summary.first_recorded and summary.last_recorded:
        dataset["temporalCoverage"] = (
            f"{summary.first_recorded.isoformat()}/{summary.last_recorded.isoformat()}"
        )
    if benchmark.paper_url:
        dataset["isBasedOn"] = benchmark.paper_url
    questions = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": question,
                "acceptedAnswer": {"@type": "Answer", "text": answer},
            }
            for question, answer in faq
        ],
    }
    return [dataset, questions]


def _categories_and_related(benchmark: Benchmark) -> tuple[list[Category], list[Benchmark]]:
    """The benchmark's categories, and the benchmarks sharing one with it (the most
    measured first) with all their categories, in one query of the category links of
    the benchmark and of those related ones. Each benchmark's categories are set as
    its prefetched `categories`, as prefetch_related would."""

    # The benchmark shares its own categories, so it is among them: ordered first, it
    # comes with its six related ones in one list.
    sharing = Benchmark.categories.through.objects.filter(category__benchmarks=benchmark).values(
        "benchmark_id"
    )
    shown_ids = (
        Benchmark.objects.filter(pk__in=sharing)
        .order_by(Case(When(pk=benchmark.pk, then=0), default=1), "-model_count", "name")
        .values("pk")[: RELATED_BENCHMARKS + 1]
    )
    links = (
        Benchmark.categories.through.objects.filter(benchmark__in=shown_ids)
        .select_related("benchmark", "category")
        .order_by("category__name", "category_id")
    )
    categories: dict[int, list[Category]] = defaultdict(list)
    others: dict[int, Benchmark] = {}
    for link in links:
        categories[link.benchmark_id].append(link.category)
        if link.benchmark_id != benchmark.pk and link.benchmark_id not in others:
            others[link.benchmark_id] = link.benchmark
    for each in (benchmark, *others.values()):
        # What prefetch_related stores: a queryset whose results are already known.
        prefetched = Category.objects.all()
        prefetched._result_cache = categories[each.pk]
        prefetched._prefetch_done = True
        each._prefetched_objects_cache = {"categories": prefetched}
    related = sorted(others.values(), key=lambda other: (-other.model_count, other.name))
    return categories[benchmark.pk], related


DOWNLOAD_FIELDS = (
    "rank",
    "model",
    "model_slug",
    "benchmark",
    "organization",
    "score",
    "score_unit",
    "reported_score",
    "normalized_score",
    "status",
    "analysis_method",
    "parameter_count",
    "context_length",
    "input_usd_per_million",
    "output_usd_per_million",
    "open_weights",
    "license",
    "release_date",
    "recorded_on",
    "source_url",
    "source",
    "source_reported_score",
    "withdrawn_at",
)


def _download_record(row: leaderboard.Row, max_score: Decimal) -> dict[str, object]:
    """A row as the downloads give it: the score in the unit the page shows (score and
    score_unit), the number reported, and the normalized score; its source, what the
    source reports when curators corrected it, and when the source withdrew it."""
    normalized = row.normalized_score
    return {
        "rank": row.rank,
        "model": row.model_name,
        "model_slug": row.model_slug,
        # The benchmark, or on a family's page the variant, the result was measured on.
        "benchmark": row.benchmark_slug,
        "organization": row.organization_name,
        "score": format_score(on_scale(normalized, max_score)) if normalized is not None else None,
        "score_unit": scale_phrase(max_score),
        "reported_score": format_score(row.score),
        "normalized_score": format_score(normalized) or None,
        "status": row.status,
        "analysis_method": row.analysis_method,
        "parameter_count": row.parameter_count,
        "context_length": row.context_length,
        "input_usd_per_million": format_score(row.input_usd_per_million) or None,
        "output_usd_per_million": format_score(row.output_usd_per_million) or None,
        "open_weights": row.is_open,
        "license": row.license_name,
        "release_date": row.release_date.isoformat() if row.release_date else None,
        "recorded_on": row.recorded_on.isoformat() if row.recorded_on else None,
        "source_url": row.source_url,
        "source": row.source_slug,
        "source_reported_score": row.source_score,
        "withdrawn_at": row.withdrawn_at.isoformat() if row.withdrawn_at else None,
    }


@read_only
@cache_public_page
def leaderboard_download(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    """The leaderboard as shown, with the same filters and order, as CSV or JSON."""
    if (params := current_spelling(request.GET)) is not None:
        return permanent_redirect(request, params)
    benchmark = _benchmark(slug)
    board = _board(benchmark, request)
    records = [_download_record(row, benchmark.max_score) for row in board.rows]
    filename = get_valid_filename(f"{benchmark.slug}-leaderboard.{file_format}")
    payload = {
        "benchmark": {
            "slug": benchmark.slug,
            "name": benchmark.name,
            "url": request.build_absolute_uri(benchmark.get_absolute_url()),
            "max_score": format_score(benchmark.max_score),
            "higher_is_better": benchmark.higher_is_better,
        },
        "query": board.query.as_initial(),
        "generated_at": timezone.now().isoformat(),
        "rows": records,
    }
    return download_response(
        file_format, filename, fields=DOWNLOAD_FIELDS, records=records, payload=payload
    )
