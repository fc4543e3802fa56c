"""/sources/: where the data comes from, and /sources/<slug>/: a source's import runs and
what they found, the public data-health page."""

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import dateformat
from django.utils.cache import patch_cache_control

from benchmarks.models import Conflict, Result
from config.caching import View, cache_public_page
from config.http import read_only
from models_registry.models import SLUG_MAX_LENGTH, validate_slug
from sources.models import ImportRun, RunAnomaly, Source

RUNS_SHOWN = 50


def is_staff(request: HttpRequest) -> bool:
    """Whether a curator is signed in. Without a session cookie nobody is, and request.user
    is not read: reading it reads the session, which makes the page uncacheable."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff


def cache_public_page_unless_staff(view: View) -> View:
    """cache_public_page for visitors; staff get the page rendered for them, with its
    curators' links, never stored in the page cache or a shared one."""
    cached_view = cache_public_page(view)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_staff(request):
            return cached_view(request, *args, **kwargs)
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapped


def _count(queryset: QuerySet) -> Coalesce:
    """The number of rows of a queryset filtered on OuterRef("pk"), as an annotation."""
    counted = queryset.order_by().values("source").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(sources: QuerySet[Source]) -> QuerySet[Source]:
    """Each source with its current and withdrawn results, open conflicts and newest run:
    one query, each count a subquery (joins would multiply each other's rows)."""
    results = Result.objects.filter(source=OuterRef("pk"))
    return sources.annotate(
        current_results=_count(results.filter(withdrawn_at__isnull=True)),
        withdrawn_results=_count(results.filter(withdrawn_at__isnull=False)),
        open_conflicts=_count(
            Conflict.objects.filter(source=OuterRef("pk"), status=Conflict.Status.OPEN)
        ),
        last_run_id=Subquery(
            ImportRun.objects.filter(source=OuterRef("pk")).latest_first().values("pk")[:1]
        ),
    )


def freshness(source: Source) -> str:
    """Whether the source still publishes: "Updated upstream" or "Frozen since Oct 2025"."""
    if source.updated_upstream:
        return "Updated upstream"
    if source.frozen_since:
        return f"Frozen since {dateformat.format(source.frozen_since, 'M Y')}"
    return "Frozen"


@read_only
@cache_public_page
def source_list(request: HttpRequest) -> HttpResponse:
    sources = list(with_counts(Source.objects.all()).order_by(Lower("name"), "pk"))
    runs = ImportRun.objects.only("started_at", "changed", "anomaly_count").in_bulk(
        [source.last_run_id for source in sources if source.last_run_id]
    )
    for source in sources:
        source.last_run = runs.get(source.last_run_id)
        source.freshness = freshness(source)
    return render(request, "sources/source_list.html", {"sources": sources})


@dataclass(frozen=True)
class AnomalyKind:
    kind: str
    anomalies: list[RunAnomaly]

    @property
    def count(self) -> int:
        return len(self.anomalies)


def anomalies_by_kind(anomalies: list[RunAnomaly]) -> list[AnomalyKind]:
    """The anomalies grouped by kind, the most frequent kind first (then by name), each
    kind's in the order given."""
    grouped: dict[str, list[RunAnomaly]] = {}
    for anomaly in anomalies:
        grouped.setdefault(anomaly.kind, []).append(anomaly)
    kinds = [AnomalyKind(kind, items) for kind, items in grouped.items()]
    return sorted(kinds, key=lambda group: (-group.count, group.kind))


@dataclass(frozen=True)
class Counts:
    """What a run did with the records of one kind (or of every kind, summed)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    only_in_database: int = 0
    withdrawn: int = 0

    @classmethod
    def read(cls, counts: object) -> "Counts":
        """From ImportRun.counts' entry for a kind; anything but a count reads as 0."""
        if not isinstance(counts, dict):
            return cls()
        return cls(
            **{
                name: value
                for name in cls.__dataclass_fields__
                if isinstance(value := counts.get(name), int)
            }
        )

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )


def counts_by_kind(run: ImportRun) -> list[tuple[str, Counts]]:
    """The run's counts for each kind of record, in the order the import gave them."""
    counts = run.counts if isinstance(run.counts, dict) else {}
    return [(str(kind), Counts.read(value)) for kind, value in counts.items()]


@dataclass(frozen=True)
class RunRow:
    run: ImportRun
    totals: Counts

    @property
    def duration(self) -> str:
        return duration_text(self.run.duration)


def run_row(run: ImportRun) -> RunRow:
    """A run with its counts summed over every kind of record it read."""
    return RunRow(run=run, totals=sum((c for _, c in counts_by_kind(run)), Counts()))


def duration_text(duration: datetime.timedelta) -> str:
    """A run's length for people: "0.4 s", "12 s", "3 min 5 s", "2 h 4 min"."""
    seconds = max(duration.total_seconds(), 0)
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, seconds = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def valid_slug(slug: str) -> str:
    """The slug, or 404 for one no source can have (a NUL byte would fail the query)."""
    if len(slug) > SLUG_MAX_LENGTH or "\x00" in slug:
        raise Http404("No such source.")
    try:
        validate_slug(slug)
    except ValidationError:
        raise Http404("No such source.") from None
    return slug


def open_conflicts_admin_url(source: Source) -> str:
    changelist = reverse("admin:benchmarks_conflict_changelist")
    query = urlencode({"status__exact": Conflict.Status.OPEN, "source__id__exact": source.pk})
    return f"{changelist}?{query}"


@read_only
@cache_public_page_unless_staff
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(
        with_counts(Source.objects.all()).annotate(
            run_count=_count(ImportRun.objects.filter(source=OuterRef("pk")))
        ),
        slug=valid_slug(slug),
    )
    runs = list(
        ImportRun.objects.filter(source=source).defer("command").latest_first()[:RUNS_SHOWN]
    )
    latest = runs[0] if runs else None
    kinds = anomalies_by_kind(list(latest.anomalies.all())) if latest else []
    return render(
        request,
        "sources/source_detail.html",
        {
            "source": source,
            "freshness": freshness(source),
            "runs": [run_row(run) for run in runs],
            "earlier_runs": source.run_count - len(runs),
            "latest": latest,
            "latest_counts": counts_by_kind(latest) if latest else [],
            "anomaly_kinds": kinds,
            # Curators only: the page staff get is never cached (cache_public_page_unless_staff).
            "conflicts_admin_url": open_conflicts_admin_url(source) if is_staff(request) else "",
        },
    )
