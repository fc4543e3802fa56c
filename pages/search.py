"""Searching benchmarks, models, organizations and categories by name or slug (the /search/
page, the header's suggestions and the comparison's model box)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.template.defaultfilters import pluralize

from benchmarks.models import Benchmark, Category
from models_registry.models import AIModel, Organization

QUERY_MAX_LENGTH = 100
RESULTS_PER_GROUP = 20
SUGGESTION_LIMIT = 8


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
class Kind:
    """One kind of thing searched: how its rows are matched and shown."""

    key: str  # the section's id: "models"
    title: str  # "Models"
    label: str  # one of them: "Model"
    rows: Callable[[], QuerySet]  # the rows searched, with the fields their hits show
    hit: Callable[[Any], Hit]

    def matches(self, q: str) -> QuerySet:
        return best_matches(self.rows(), q)


@dataclass(frozen=True)
class Group:
    key: str  # the section's id
    title: str
    hits: list[Hit]
    more: bool  # more matched than it shows
    label: str = ""  # one of the group's things: "Model"


def group(kind: Kind, q: str) -> Group:
    rows = list(kind.matches(q)[: RESULTS_PER_GROUP + 1])
    return Group(
        kind.key,
        kind.title,
        [kind.hit(row) for row in rows[:RESULTS_PER_GROUP]],
        len(rows) > RESULTS_PER_GROUP,
        kind.label,
    )


def organization_hit(organization: Organization) -> Hit:
    count = organization.model_count
    return Hit(
        organization.name,
        organization.get_absolute_url(),
        f"{count} model{pluralize(count)}",
    )


def category_hit(category: Category) -> Hit:
    count = category.benchmark_count
    return Hit(category.name, category.get_absolute_url(), f"{count} benchmark{pluralize(count)}")


BENCHMARKS = Kind(
    "benchmarks",
    "Benchmarks",
    "Benchmark",
    lambda: Benchmark.objects.only("slug", "name"),
    lambda b: Hit(b.name, b.get_absolute_url(), b.slug),
)
AI_MODELS = Kind(
    "models",
    "Models",
    "Model",
    lambda: AIModel.objects.select_related("organization").only(
        "slug", "name", "organization__name"
    ),
    lambda m: Hit(m.name, m.get_absolute_url(), m.organization.name),
)
ORGANIZATIONS = Kind(
    "organizations",
    "Organizations",
    "Organization",
    lambda: Organization.objects.only("slug", "name").annotate(model_count=Count("ai_models")),
    organization_hit,
)
CATEGORIES = Kind(
    "categories",
    "Categories",
    "Category",
    lambda: Category.objects.only("slug", "name").annotate(benchmark_count=Count("benchmarks")),
    category_hit,
)


def search_groups(q: str) -> list[Group]:
    """One query per group, whatever the data size."""
    return [group(kind, q) for kind in (BENCHMARKS, AI_MODELS, ORGANIZATIONS)]


def take_turns[T](ranked: Sequence[Sequence[tuple[int, T]]], limit: int) -> list[list[T]]:
    """The best `limit` items of several lists, each sorted by its items' match rank: the
    better ranks first, and within a rank the lists take turns, so that one kind's many
    prefix matches do not crowd out another's. Each list's chosen items, in its order."""
    taken = [0] * len(ranked)
    left = limit
    for rank in sorted({rank for items in ranked for rank, _item in items}):
        while left:
            moved = False
            for index, items in enumerate(ranked):
                if left and taken[index] < len(items) and items[taken[index]][0] == rank:
                    taken[index] += 1
                    left -= 1
                    moved = True
            if not moved:
                break
    return [
        [item for _rank, item in items[:count]] for items, count in zip(ranked, taken, strict=True)
    ]


SUGGESTED_KINDS = (AI_MODELS, BENCHMARKS, ORGANIZATIONS, CATEGORIES)


def suggestion_groups(q: str, limit: int = SUGGESTION_LIMIT) -> list[Group]:
    """At most `limit` matches of every kind together (the header's suggestions), in one
    query per kind whatever the data size. The kind with the best match comes first;
    `more` says whether a kind had matches left out."""
    found = [list(kind.matches(q)[: limit + 1]) for kind in SUGGESTED_KINDS]
    chosen = take_turns([[(row.match_rank, row) for row in rows] for rows in found], limit)
    groups = [
        (
            rows[0].match_rank,
            Group(
                kind.key,
                kind.title,
                [kind.hit(row) for row in rows],
                len(all_rows) > len(rows),
                kind.label,
            ),
        )
        for kind, rows, all_rows in zip(SUGGESTED_KINDS, chosen, found, strict=True)
        if rows
    ]
    # A stable sort: kinds whose best matches are as good keep SUGGESTED_KINDS' order.
    return [group for _rank, group in sorted(groups, key=lambda pair: pair[0])]
