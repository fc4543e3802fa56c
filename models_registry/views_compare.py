"""/compare/?models=a,b,c: two to four models side by side, and the picker's suggestions.

The address is the comparison's whole state: the slugs in ?models=, in order. Adding a
model by name (?add=, the picker's plain form) redirects to the address with it added.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from benchmarks.leaderboard import variant_label
from benchmarks.models import Result
from benchmarks.ranking import RankedResult, ranked_best_results
from config.caching import cache_public_page
from config.http import read_only
from models_registry.comparison import (
    MAX_MODELS,
    Addition,
    BestScore,
    Match,
    Price,
    bars_chart,
    chart_rows,
    chart_size,
    choose,
    compare_benchmarks,
    could_be_slug,
    parse_models,
    price_lists,
    resolve_addition,
    shown,
)
from models_registry.models import AIModel, Offering
from pages.formatting import join_words
from pages.listing import wants_partial
from pages.search import QUERY_MAX_LENGTH, best_matches, clean_query

SUGGESTIONS_SHOWN = 8
CANDIDATES_SHOWN = 10
# Where the focus goes after an htmx swap, by the id of the control that asked for it
# (htmx sends it as HX-Trigger): the picker's form, a suggestion or a candidate put it
# back in the picker's text box, ready for another model; a Remove link on the heading,
# which names the models now compared.
PICKER_FORM_ID = "compare-picker"
PICKER_LINK_PREFIXES = ("compare-suggestion-", "compare-candidate-")
REMOVE_LINK_PREFIX = "compare-remove-"


def compare_url(slugs: Sequence[str]) -> str:
    """The comparison's address; commas stay readable, everything else is escaped."""
    path = reverse("compare:detail")
    if not slugs:
        return path
    return f"{path}?{urlencode({'models': ','.join(slugs)}, safe=',')}"


@dataclass(frozen=True)
class Link:
    match: Match
    url: str


@dataclass(frozen=True)
class ComparedModel:
    """A model's column of the comparison: the model, its Remove link and its prices."""

    ai_model: AIModel
    remove_url: str
    prices: list[Price]


# --- reads ------------------------------------------------------------------------------------


def compared_models(slugs: Sequence[str]) -> dict[str, AIModel]:
    """The models among slugs, by slug, with what the details table shows: one query,
    none when no slug could be one."""
    lookups = [slug for slug in slugs if could_be_slug(slug)]
    if not lookups:
        return {}
    ai_models = (
        AIModel.objects.filter(slug__in=lookups)
        .select_related("organization", "license")
        .with_cheapest_price()
        .with_result_count()
    )
    return {ai_model.slug: ai_model for ai_model in ai_models}


def best_scores(ai_models: Sequence[AIModel]) -> list[BestScore]:
    """Each model's best scored result on each benchmark, ranked among every model's
    best there: two queries (benchmarks.ranks)."""
    results = (
        Result.objects.filter(ai_model__in=ai_models)
        .select_related("benchmark__parent")
        .only(
            "ai_model_id",
            "benchmark_id",
            "score",
            "normalized_score",
            "benchmark__slug",
            "benchmark__name",
            "benchmark__higher_is_better",
            "benchmark__max_score",
            "benchmark__parent__slug",
            "benchmark__parent__name",
        )
        .order_by("pk")
    )
    return [_best_score(ranked) for ranked in ranked_best_results(results)]


def _best_score(ranked: RankedResult) -> BestScore:
    result = ranked.result
    parent = result.benchmark.parent
    return BestScore(
        ai_model_id=result.ai_model_id,
        benchmark_id=result.benchmark_id,
        benchmark_slug=result.benchmark.slug,
        benchmark_name=result.benchmark.name,
        higher_is_better=result.benchmark.higher_is_better,
        max_score=result.benchmark.max_score,
        score=result.score,
        normalized_score=result.normalized_score,
        rank=ranked.rank,
        model_count=ranked.model_count,
        family_id=parent.pk if parent else None,
        family_slug=parent.slug if parent else "",
        family_name=parent.name if parent else "",
        variant=variant_label(result.benchmark.name, parent.name) if parent else "",
    )


def current_prices(ai_models: Sequence[AIModel]) -> list[Price]:
    """The models' offerings that are not deprecated: one query."""
    offerings = (
        Offering.objects.filter(ai_model__in=ai_models, deprecated_at__isnull=True)
        .annotate(provider_name=F("provider__name"))
        .values_list(
            "ai_model_id",
            "provider_name",
            "input_usd_per_million",
            "output_usd_per_million",
            "throughput",
            "latency",
        )
        .order_by()
    )
    return [Price(*row) for row in offerings]


def model_matches(q: str, *, limit: int) -> list[Match]:
    """Models whose name or slug contains q, exact matches first: one query."""
    ai_models = best_matches(
        AIModel.objects.select_related("organization").only("slug", "name", "organization__name"),
        q,
    )
    return [Match(m.slug, m.name, m.organization.name) for m in ai_models[:limit]]


# --- the page ---------------------------------------------------------------------------------


def _focus(request: HttpRequest) -> str:
    """Where the focus goes after an htmx swap: "picker", "heading" or "" (nowhere)."""
    if not wants_partial(request):
        return ""
    trigger = request.htmx.trigger or ""
    if trigger == PICKER_FORM_ID or trigger.startswith(PICKER_LINK_PREFIXES):
        return "picker"
    if trigger.startswith(REMOVE_LINK_PREFIX):
        return "heading"
    return ""


@read_only
@cache_public_page
# A history restore also says HX-Request but gets the whole page: vary on both.
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def compare(request: HttpRequest) -> HttpResponse:
    selection = parse_models(request.GET.getlist("models"))
    found = compared_models(selection.slugs)
    choice = choose(selection.slugs, found)
    ai_models = [found[slug] for slug in choice.chosen]

    q = clean_query(request.GET.get("add", ""))
    addition: Addition | None = None
    if q and len(ai_models) < MAX_MODELS:
        matches = model_matches(q, limit=CANDIDATES_SHOWN + 1 + len(ai_models))
        addition = resolve_addition(q, matches, choice.chosen, limit=CANDIDATES_SHOWN)
        if addition.found:
            return HttpResponseRedirect(compare_url([*choice.chosen, addition.found.slug]))

    comparing = len(ai_models) >= 2
    ids = [m.pk for m in ai_models]
    benchmarks = compare_benchmarks(ids, best_scores(ai_models) if comparing else [])
    prices = price_lists(ids, current_prices(ai_models) if comparing else [])
    charted = chart_rows(benchmarks.shared)
    names = [m.name for m in ai_models]
    partial = wants_partial(request)
    context = {
        "ai_models": ai_models,
        "columns": [
            ComparedModel(m, compare_url([s for s in choice.chosen if s != m.slug]), model_prices)
            for m, model_prices in zip(ai_models, prices, strict=True)
        ],
        "comparing": comparing,
        "full": len(ai_models) >= MAX_MODELS,
        "max_models": MAX_MODELS,
        "names_vs": " vs ".join(names),
        "names_and": join_words(names),
        "unknown": [shown(slug) for slug in choice.unknown],
        "left_out": [found[slug].name for slug in choice.left_out],
        "cut": selection.cut,
        "models_value": ",".join(choice.chosen),
        "q": q if addition else "",
        "q_max_length": QUERY_MAX_LENGTH,
        "addition": addition,
        "no_match": bool(addition and not addition.already and not addition.candidates),
        "add_ignored": bool(q) and addition is None,
        "candidates": [
            Link(match, compare_url([*choice.chosen, match.slug]))
            for match in (addition.candidates if addition else [])
        ],
        "shared": benchmarks.shared,
        "only": [(m, rows) for m, rows in zip(ai_models, benchmarks.only, strict=True) if rows],
        "chart": bars_chart(names, charted),
        "charted_count": len(charted),
        "chart_size": chart_size(len(charted), len(ai_models)),
        "canonical_url": request.build_absolute_uri(compare_url(choice.chosen)),
        "focus": _focus(request),
        # An htmx swap also refreshes the title and the status line (out of band).
        "swap": partial,
    }
    template = "models_registry/compare.html"
    return render(request, f"{template}#comparison" if partial else template, context)


@read_only
@vary_on_headers("HX-Request")
def suggest(request: HttpRequest) -> HttpResponse:
    """The picker's suggestions as the visitor types (an htmx fragment). Without htmx,
    the same request adds the model by name on the comparison page."""
    if not request.htmx:
        params = {"models": request.GET.get("models", ""), "add": request.GET.get("add", "")}
        return HttpResponseRedirect(f"{reverse('compare:detail')}?{urlencode(params, safe=',')}")
    chosen = parse_models(request.GET.getlist("models")).slugs[:MAX_MODELS]
    full = len(chosen) >= MAX_MODELS
    q = clean_query(request.GET.get("add", ""))
    matches = model_matches(q, limit=SUGGESTIONS_SHOWN + 1 + len(chosen)) if q and not full else []
    others = [match for match in matches if match.slug not in chosen]
    suggestions = [Link(match, compare_url([*chosen, match.slug])) for match in others]
    return render(
        request,
        "models_registry/compare.html#compare-suggestions",
        {
            "q": q,
            "suggestions": suggestions[:SUGGESTIONS_SHOWN],
            "more": len(suggestions) > SUGGESTIONS_SHOWN,
            "full": full,
            "max_models": MAX_MODELS,
            "suggesting": True,
        },
    )
