"""The public change log of a benchmark or a model, read from the history records.

A log lists what changed, when, from what to what, and the public reason. It never
names a curator, a ticket or a reporter: only the public reason
(history_change_reason) leaves the history tables. The rows that the imports and the
demo loader create are not changes and are left out; an import
that changes a value is one, and shows with its reason.

Each log takes a fixed number of queries whatever the history's length: per kind
of record, one query for the most recent records, each with its previous record's
values (a LAG window) and the names they mention. Comparing each record with its
previous one is pure (entries_for).
"""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from benchmarks.models import Benchmark, Result
from models_registry.models import AIModel, License, Organization
from pages.formatting import format_on_scale, format_score

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
# simple-history's history_type values.
CREATED, UPDATED, DELETED = "+", "~", "-"
# The public reasons of the history records the loaders write (ingest/: the LLM Stats
# and Every Eval Ever imports, the demo data): their creations load data and are not
# changes.
IMPORT_REASON = "LLM Stats import"
EEE_IMPORT_REASON = "Every Eval Ever import"
DEMO_REASON = "Demo data"
LOADING_REASONS = (IMPORT_REASON, EEE_IMPORT_REASON, DEMO_REASON)
UNKNOWN_NAME = "A removed entry"


@dataclass(frozen=True)
class Entry:
    """One line of a change log, as the public sees it."""

    date: datetime.datetime
    what: str
    action: str
    before: str = ""
    after: str = ""
    reason: str = ""

    @property
    def change(self) -> str:
        if self.action == ADDED:
            return f"added {self.after}" if self.after else "added"
        if self.action == REMOVED:
            return "removed"
        if self.before and self.after:
            return f"from {self.before} to {self.after}"
        if self.after:
            return f"set to {self.after}"
        return "cleared" if self.before else "changed"


def show_plain(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format_score(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def show_choice(labels: Mapping[str, str]) -> Callable[[object], str]:
    return lambda value: str(labels.get(value, value)) if value else ""


@dataclass(frozen=True)
class TrackedField:
    """A field whose changes the public log shows."""

    name: str
    label: str
    show: Callable[[object], str] = show_plain
    # Long text: the log says that it changed, not the whole old and new text.
    long: bool = False
    # Shows the field from the record's values when it needs more than its own value.
    show_values: Callable[[Mapping[str, object]], str] | None = None

    def shown(self, values: Mapping[str, object] | None) -> str:
        if values is None:
            return ""
        if self.show_values is not None:
            return self.show_values(values)
        return self.show(values.get(self.name))


def show_score(values: Mapping[str, object]) -> str:
    """A result's score in its benchmark's unit, as its pages show it ("80.1%" for a
    reported 0.801), when the record knows its normalized score and the benchmark's
    maximum (max_score, named by the log's query); else as reported."""
    normalized, max_score = values.get("normalized_score"), values.get("max_score")
    if normalized is None or max_score is None:
        return show_plain(values.get("score"))
    return format_on_scale(normalized, max_score)


@dataclass(frozen=True)
class Snapshot:
    """One history record as plain values, ready for comparison."""

    history_id: int
    date: datetime.datetime
    kind: str
    reason: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Subject:
    """How a kind of record is named in the log and which of its fields it shows."""

    fields: Sequence[TrackedField]
    # What a record is called, from its values: "GPT-5 (5-shot)" for a result.
    name: Callable[[Mapping[str, object]], str]
    # The field whose value an addition shows ("added 0.857"), if any.
    headline: str | None = None
    # Entries about the subject's own fields say "GPT-5 score" rather than "Score".
    prefix_fields: bool = True
    # The page's own object: its creation is no change, and a deleted one has no page.
    own: bool = False


def entries_for(record: Snapshot, previous: Snapshot | None, subject: Subject) -> list[Entry]:
    """What one history record changed, compared with the record before it."""
    name = subject.name(record.values)

    def what(label: str) -> str:
        if subject.prefix_fields and name:
            return f"{name} {label}"
        return label[:1].upper() + label[1:]

    fields = {tracked.name: tracked for tracked in subject.fields}
    headline = fields.get(subject.headline) if subject.headline else None
    common = {"date": record.date, "reason": record.reason}
    if subject.own and record.kind != UPDATED:
        return []
    if record.kind == CREATED:
        after = headline.shown(record.values) if headline else ""
        label = headline.label if headline else ""
        return [Entry(what=what(label) if label else name, action=ADDED, after=after, **common)]
    if record.kind == DELETED:
        label = headline.label if headline else ""
        return [Entry(what=what(label) if label else name, action=REMOVED, **common)]
    entries = []
    for tracked in subject.fields:
        new = record.values.get(tracked.name)
        old = previous.values.get(tracked.name) if previous else None
        if previous is not None and old == new:
            continue
        if previous is None and new in (None, ""):
            continue
        before = tracked.shown(previous.values if previous else None)
        after = tracked.shown(record.values)
        if before == after:  # alike in the page's unit (50 of 100 and 0.5): as reported
            before, after = tracked.show(old), tracked.show(new)
        if tracked.long:
            before, after = "", ""
        entries.append(
            Entry(what=what(tracked.label), action=CHANGED, before=before, after=after, **common)
        )
    return entries


def change_log(
    pairs: Iterable[tuple[Snapshot, Snapshot | None, Subject]], *, limit: int
) -> list[Entry]:
    """The entries of many records, newest first, at most limit of them."""
    dated = []
    for record, previous, subject in pairs:
        for position, entry in enumerate(entries_for(record, previous, subject)):
            dated.append(((record.date, record.history_id, -position), entry))
    dated.sort(key=lambda item: item[0], reverse=True)
    return [entry for _, entry in dated[:limit]]


# The kinds of record ------------------------------------------------------------------

RESULT_FIELDS = (
    TrackedField("score", "score", show_values=show_score),
    TrackedField("status", "status", show_choice(dict(Result.Status.choices))),
    TrackedField("analysis_method", "analysis method"),
    TrackedField("source_url", "source"),
    TrackedField("recorded_on", "date"),
)
BENCHMARK_FIELDS = (
    TrackedField("name", "name"),
    TrackedField("description", "description", long=True),
    TrackedField("max_score", "maximum score"),
    TrackedField("higher_is_better", "higher is better"),
    TrackedField("modality", "modality", show_choice(dict(Benchmark.Modality.choices))),
    TrackedField("multilingual", "multilingual"),
    TrackedField("language", "language"),
    TrackedField("paper_title", "paper title"),
    TrackedField("paper_url", "paper"),
    TrackedField("implementation_url", "implementation"),
)
AI_MODEL_FIELDS = (
    TrackedField("name", "name"),
    TrackedField("organization_name", "organization"),
    TrackedField("description", "description", long=True),
    TrackedField("release_date", "release date"),
    TrackedField("announcement_date", "announcement date"),
    TrackedField("license_name", "licence"),
    TrackedField("parameter_count", "parameters"),
    TrackedField("training_tokens", "training tokens"),
    TrackedField("input_context_length", "input context"),
    TrackedField("output_context_length", "output context"),
    TrackedField("knowledge_cutoff", "knowledge cutoff"),
    TrackedField("multimodal", "multimodal"),
    TrackedField("paper_url", "paper"),
    TrackedField("weights_url", "weights"),
    TrackedField("repository_url", "repository"),
)


def _result_name(other: str) -> Callable[[Mapping[str, object]], str]:
    """A result is named after the other end of it and its method: "GPT-5 (5-shot)"."""

    def name(values: Mapping[str, object]) -> str:
        method = values.get("analysis_method")
        base = str(values.get(other) or UNKNOWN_NAME)
        return f"{base} ({method})" if method else base

    return name


RESULT_ON_BENCHMARK = Subject(RESULT_FIELDS, _result_name("ai_model_name"), headline="score")
RESULT_OF_MODEL = Subject(RESULT_FIELDS, _result_name("benchmark_name"), headline="score")
BENCHMARK = Subject(BENCHMARK_FIELDS, lambda values: "", prefix_fields=False, own=True)
AI_MODEL = Subject(AI_MODEL_FIELDS, lambda values: "", prefix_fields=False, own=True)


# Reading the history ------------------------------------------------------------------

# A page shows its latest changes; ?changes=all shows the long log (still bounded, so
# that neither the queries nor the page grow without limit).
CHANGES_SHOWN = 10
CHANGES_SHOWN_ALL = 500


@dataclass(frozen=True)
class ChangeLogPage:
    entries: list[Entry]
    more: bool  # older changes exist that are not shown


def change_log_page(read: Callable[[int], list[Entry]], *, show_all: bool = False) -> ChangeLogPage:
    """The entries a page shows, read with one more than it shows to know whether there
    are more: `read(limit)` is benchmark_changes or model_changes for one record."""
    shown = CHANGES_SHOWN_ALL if show_all else CHANGES_SHOWN
    entries = read(shown + 1)
    return ChangeLogPage(entries[:shown], more=len(entries) > shown)


def benchmark_changes(benchmark: Benchmark, limit: int = 50) -> list[Entry]:
    """The latest changes to a benchmark and to its results, newest first (two queries)."""
    results = _history(
        Result.history.filter(benchmark_id=benchmark.pk),
        shown=Q(),
        limit=limit,
        names={
            "ai_model_name": _current_name(AIModel, "ai_model_id"),
            "max_score": _max_score(),
        },
    )
    own = _history(
        Benchmark.history.filter(id=benchmark.pk), shown=Q(history_type=UPDATED), limit=limit
    )
    return change_log([*_with(results, RESULT_ON_BENCHMARK), *_with(own, BENCHMARK)], limit=limit)


def model_changes(ai_model: AIModel, limit: int = 50) -> list[Entry]:
    """The latest changes to a model and to its results, newest first (two queries)."""
    results = _history(
        Result.history.filter(ai_model_id=ai_model.pk),
        shown=Q(),
        limit=limit,
        names={
            "benchmark_name": _current_name(Benchmark, "benchmark_id"),
            "max_score": _max_score(),
        },
    )
    own = _history(
        AIModel.history.filter(id=ai_model.pk),
        shown=Q(history_type=UPDATED),
        limit=limit,
        names={
            "organization_name": _name_of(Organization, "organization_id"),
            "license_name": _name_of(License, "license_id"),
        },
    )
    return change_log([*_with(results, RESULT_OF_MODEL), *_with(own, AI_MODEL)], limit=limit)


def _with(
    pairs: list[tuple[Snapshot, Snapshot | None]], subject: Subject
) -> list[tuple[Snapshot, Snapshot | None, Subject]]:
    return [(record, previous, subject) for record, previous in pairs]


def _history(
    records: QuerySet,
    *,
    shown: Q,
    limit: int,
    names: Mapping[str, object] | None = None,
) -> list[tuple[Snapshot, Snapshot | None]]:
    """The latest of records that match shown (never loading ones), each with its
    previous record: one query.

    records holds every history record of the rows concerned. The query reads the whole
    history of the rows that have a record among the latest shown ones, and only theirs
    (a benchmark with thousands of results has thousands of records); each record's
    previous one, of the same row, is found here in Python.
    """
    names = dict(names or {})
    listed = shown & ~Q(history_type=CREATED, history_change_reason__in=LOADING_REASONS)
    latest = records.filter(listed).order_by("-history_date", "-history_id").values("id")
    history = (
        records.filter(id__in=latest[:limit])
        .annotate(**names, listed=Case(When(listed, then=Value(True)), default=Value(False)))
        .order_by("history_date", "history_id")
    )
    last: dict[object, Model] = {}
    pairs: list[tuple[Model, Model | None]] = []
    for record in history:
        if record.listed:
            pairs.append((record, last.get(record.id)))
        last[record.id] = record
    pairs.reverse()
    return [
        (_snapshot(record, names), _snapshot(previous, names) if previous else None)
        for record, previous in pairs[:limit]
    ]


def _snapshot(record: Model, names: Mapping[str, object]) -> Snapshot:
    concrete = [
        model_field.attname
        for model_field in record._meta.concrete_fields
        if not model_field.name.startswith("history_")
    ]
    values = {name: getattr(record, name) for name in [*concrete, *names]}
    return Snapshot(
        history_id=record.history_id,
        date=record.history_date,
        kind=record.history_type,
        reason=record.history_change_reason or "",
        values=values,
    )


def _name_of(model: type[Model], column: str) -> Subquery:
    """The current name of the row a column points at (a correlated subquery)."""
    return Subquery(model.objects.filter(pk=OuterRef(column)).order_by().values("name")[:1])


def _max_score() -> Subquery:
    """The maximum score of a result record's benchmark now (a correlated subquery): its
    scores show in the unit its pages use."""
    benchmark = Benchmark.objects.filter(pk=OuterRef("benchmark_id")).order_by()
    return Subquery(benchmark.values("max_score")[:1])


def _current_name(model: type[Model], column: str) -> Coalesce:
    """The row's name now, or the last name its history knows when it has been deleted."""
    last_known = (
        model.history.filter(id=OuterRef(column))
        .order_by("-history_date", "-history_id")
        .values("name")[:1]
    )
    return Coalesce(_name_of(model, column), Subquery(last_known), Value(UNKNOWN_NAME))
