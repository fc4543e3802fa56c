"""Searching benchmarks, models and organizations by name or slug (the /search/ page and
the comparison's model box)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.template.defaultfilters import pluralize

from benchmarks.models import Benchmark
from models_registry.models import AIModel, Organization

QUERY_MAX_LENGTH = 100
RESULTS_PER_GROUP = 20


def clean_query(value: str) -> str:
    """The query as searched: spaces collapsed, NUL bytes dropped, at most 100 characters."""
    return " ".join(value.replace("\x00", "").split())[:QUERY_MAX_LENGTH].strip()


def best_matches(queryset: QuerySet, q: str) -> QuerySet:
    """Rows whose name or slug contains q, exact matches first, then prefixes, then the rest."""
    return (
        queryset.filter(Q(name__icontains=q) | Q(slug__icontains=q))
        .annotate(
            match_rank=Case(
                When(Q(name__iexact=q) | Q(slug__iexact=q), then=Value(0)),
                When(Q(name__istartswith=q) | Q(slug__istartswith=q), then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("match_rank", Lower("name"), "pk")
    )


@dataclass(frozen=True)
class Hit:
    name: str
    url: str
    detail: str  # shown beside the name: the id, the maker or the number of models


@dataclass(frozen=True)
class Group:
    key: str  # the section's id
    title: str
    hits: list[Hit]
    more: bool  # more than RESULTS_PER_GROUP matched


def group(key: str, title: str, queryset: QuerySet, hit: Callable[[Any], Hit]) -> Group:
    rows = list(queryset[: RESULTS_PER_GROUP + 1])
    return Group(
        key, title, [hit(row) for row in rows[:RESULTS_PER_GROUP]], len(rows) > RESULTS_PER_GROUP
    )


def organization_hit(organization: Organization) -> Hit:
    count = organization.model_count
    return Hit(
        organization.name,
        organization.get_absolute_url(),
        f"{count} model{pluralize(count)}",
    )


def search_groups(q: str) -> list[Group]:
    """One query per group, whatever the data size."""
    benchmarks = best_matches(Benchmark.objects.only("slug", "name"), q)
    ai_models = best_matches(
        AIModel.objects.select_related("organization").only("slug", "name", "organization__name"),
        q,
    )
    organizations = best_matches(Organization.objects.only("slug", "name"), q).annotate(
        model_count=Count("ai_models")
    )
    return [
        group(
            "benchmarks",
            "Benchmarks",
            benchmarks,
            lambda b: Hit(b.name, b.get_absolute_url(), b.slug),
        ),
        group(
            "models",
            "Models",
            ai_models,
            lambda m: Hit(m.name, m.get_absolute_url(), m.organization.name),
        ),
        group("organizations", "Organizations", organizations, organization_hit),
    ]
