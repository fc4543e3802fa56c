"""Keeping each benchmark's result stats: the one service every writer of results calls;
and settling the conflicts an import leaves between curators and a source.

Benchmark.model_count, scored_model_count and results_updated_at are read by the pages
that order, rank or list benchmarks. Every write that can change them refreshes them in
its own transaction, for the benchmarks it touched: around a save or a deletion with
result_stats_refreshed, after a bulk write with refresh_result_stats:

- the triage services (a report applied, a submission accepted, a revert);
- the admin (saves, inline edits, reverts, deletions and the results they cascade to);
- the importers and the demo data (after their bulk writes);
- `manage.py refresh_result_stats`, after results were changed any other way.

Signals do not keep them: a save signal misses bulk writes anyway, and an explicit call
says at each writer what it changes. tests/conftest.py checks after every test that the
stored stats are what the results say, so a writer that forgets fails the suite.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import models, transaction
from django.utils import timezone

from benchmarks.models import (
    Benchmark,
    Category,
    Conflict,
    Result,
    model_count,
    results_updated_at,
    source_text,
)
from models_registry import versions
from models_registry.models import AIModel, ModelLink


def refresh_result_stats(benchmark_ids: Iterable[int] | None = None) -> None:
    """Count again the models of these benchmarks (of all when None), and note when
    their results last changed. Call it in the transaction of the write."""
    benchmarks = Benchmark.objects.all()
    if benchmark_ids is not None:
        benchmark_ids = set(benchmark_ids)
        if not benchmark_ids:
            return
        benchmarks = benchmarks.filter(pk__in=benchmark_ids)
    # Lock the rows first (in one order, so writers cannot deadlock): a writer that waits
    # here counts, in the statement below, with the results another writer committed
    # meanwhile. Counting in the UPDATE alone, PostgreSQL would count from the snapshot
    # taken before the wait. No key is changed: adding results is not held up.
    with transaction.atomic():
        list(benchmarks.select_for_update(no_key=True).order_by("pk").values_list("pk"))
        benchmarks.update(
            model_count=model_count("pk"),
            scored_model_count=model_count("pk", scored=True),
            results_updated_at=results_updated_at(),
        )


def _held_benchmarks(instances: Iterable[models.Model]) -> set[int]:
    """The benchmarks the instances name in memory: a result's, and a benchmark itself."""
    held = {i.benchmark_id for i in instances if isinstance(i, Result)} - {None}
    return held | {i.pk for i in instances if isinstance(i, Benchmark) and i.pk is not None}


def benchmarks_touched(instances: Iterable[models.Model], *, deleting: bool = False) -> set[int]:
    """The benchmarks whose stats a write of these objects can change, as the database
    holds them now: a result's benchmark (where it is stored, and where the instance
    would move it), a benchmark itself (its save writes the stats it was loaded with)
    and, when deleting, a model's results' benchmarks (the deletion cascades to them).
    Read it before the write; after a save, refresh these and the ones after it."""
    instances = list(instances)
    touched = _held_benchmarks(instances)
    result_ids = {i.pk for i in instances if isinstance(i, Result) and i.pk is not None}
    model_ids = {
        i.pk for i in instances if deleting and isinstance(i, AIModel) and i.pk is not None
    }
    if result_ids or model_ids:
        stored = Result.objects.filter(
            models.Q(pk__in=result_ids) | models.Q(ai_model__in=model_ids)
        ).values_list("benchmark_id", flat=True)
        touched.update(stored.order_by().distinct())
    return touched


@contextmanager
def result_stats_refreshed(
    instances: Iterable[models.Model], *, deleting: bool = False
) -> Iterator[None]:
    """Around a write of these objects (a save, or a deletion when deleting): the stats of
    the benchmarks it touched, before and after, are refreshed once at the end. Use it
    inside the write's transaction."""
    instances = list(instances)
    touched = benchmarks_touched(instances, deleting=deleting)
    yield
    # After a save, where the instances now are is in memory: no second query.
    refresh_result_stats(touched if deleting else touched | _held_benchmarks(instances))


# --- Conflicts between curators and a source ----------------------------------------------


class ConflictAlreadySettled(Exception):
    pass


class ConflictOutdated(Exception):
    """The record's value is not the conflict's "ours" any more: someone changed it since."""


def outdated(conflict: Conflict, record: models.Model) -> str | None:
    """Why taking the source's value would overwrite a change made after the conflict was
    raised, which the curator settling it has not seen; None when it would not."""
    if conflict.field == "categories":
        now = ", ".join(sorted(record.categories.values_list("slug", flat=True)))
        ours, now_shown = f"“{conflict.ours}”", f"“{now}”"
    else:
        now = source_text(getattr(record, conflict.field))
        ours = versions.shown(type(record), conflict.field, conflict.ours)
        now_shown = versions.shown(type(record), conflict.field, now)
    if now == conflict.ours:
        return None
    return (
        f"The {conflict.field} of {record._meta.verbose_name} “{record}” is {now_shown} now, "
        f"not {ours} as when this conflict was raised: it was changed since. Nothing was "
        "changed: keep ours, or set the value by hand."
    )


def from_source_text(model: type[models.Model], name: str, text: str) -> object:
    """A field's value from the text source_values and conflicts keep (source_text);
    name may be a foreign key's column ("organization_id")."""
    model_field = model._meta.get_field(name)
    if text == "" and model_field.null:
        return None
    return model_field.to_python(text)


@transaction.atomic
def settle_conflict(
    conflict: Conflict, *, take_source: bool, curator: models.Model, reason: str
) -> Conflict:
    """Settle a conflict, with the public reason its change log shows.

    A record that curators and its source both changed keeps our value (take_source
    False) or takes the source's (True); either way the source's value becomes what the
    source last said, so a later import of the same value raises nothing again. A result
    given twice by one import is only marked settled: curators enter the right one in the
    admin if there is one. The conflict is locked first: two curators cannot both settle
    it. A record deleted since is only marked settled. Taking the source's value is
    refused (ConflictOutdated) when the record's value is no longer the conflict's "ours":
    it would overwrite a change the curator has not seen.
    """
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.status != Conflict.Status.OPEN:
        raise ConflictAlreadySettled(f"This conflict was settled already: {conflict.status}.")
    changed = conflict.kind == Conflict.Kind.CHANGED
    record = conflict_record(conflict, lock=True) if changed else None
    if record is not None and take_source and (why := outdated(conflict, record)):
        raise ConflictOutdated(why)
    if record is not None:
        record.source_values = {**record.source_values, conflict.field: conflict.theirs}
        if isinstance(record, Result) and conflict.field == "score":
            record.source_values["normalized_score"] = source_text(conflict.theirs_normalized)
        if take_source:
            _take(record, conflict)
            record._change_reason = reason
            record._history_user = curator
            with result_stats_refreshed([record]):
                record.save()
        else:
            record.save(update_fields=["source_values"])
    conflict.status = Conflict.Status.TOOK_SOURCE if take_source else Conflict.Status.KEPT_OURS
    conflict.reason = reason
    conflict.settled_by = curator
    conflict.settled_at = timezone.now()
    conflict.save()
    return conflict


def conflict_record(conflict: Conflict, *, lock: bool) -> models.Model | None:
    """The record a conflict is about (locked when lock); None when it was deleted since."""
    if conflict.result_id is not None:
        model, pk = Result, conflict.result_id
    elif conflict.content_type_id is not None:
        model, pk = conflict.content_type.model_class(), conflict.object_id
    else:
        return None
    records = model.objects.select_for_update() if lock else model.objects
    return records.filter(pk=pk).first()


def _take(record: models.Model, conflict: Conflict) -> None:
    """Give the record the source's value of the conflict's field."""
    if conflict.field == "categories":  # a benchmark's, as sorted slugs
        slugs = [slug for slug in conflict.theirs.split(", ") if slug]
        record.categories.set(Category.objects.filter(slug__in=slugs))
        return
    setattr(record, conflict.field, from_source_text(type(record), conflict.field, conflict.theirs))
    if isinstance(record, Result) and conflict.field == "score":
        record.normalized_score = conflict.theirs_normalized


class SuggestionRefused(Exception):
    """A model link's suggestion cannot be decided as asked: the message says why."""


@transaction.atomic
def decide_suggestion(
    link: ModelLink, *, accept: bool, curator: models.Model, reason: str
) -> ModelLink:
    """Accept or reject the model a link suggests (models_registry.ModelLink).

    Accepting says the id's model and the suggested one are the same: the results of the
    model made for the id, and every link to it, move to the suggested model (a history
    record each, with the public reason), and the made model, left without results, is
    deleted (kept when it has offerings or a ticket names it). Later imports put the id's
    results on the suggested model. Refused when both models have a result of one source
    on one benchmark with one method (the curator settles those first). Rejecting keeps
    them apart, and the import does not suggest the model again. The link is locked
    first: two curators cannot both decide it.
    """
    link = ModelLink.objects.select_for_update().get(pk=link.pk)
    if link.suggestion != ModelLink.Suggestion.OPEN or link.suggested_id is None:
        raise SuggestionRefused("This suggestion was decided already.")
    link.decided_by, link.decided_at = curator, timezone.now()
    if not accept:
        link.suggestion = ModelLink.Suggestion.REJECTED
        link.save()
        return link
    made = AIModel.objects.select_for_update().get(pk=link.ai_model_id)
    target = AIModel.objects.select_for_update().get(pk=link.suggested_id)
    results = list(Result.objects.select_for_update().filter(ai_model=made))
    sources = {result.source_id for result in results}
    taken = set(
        Result.objects.filter(ai_model=target, source__in=sources).values_list(
            "benchmark_id", "analysis_method", "source_id"
        )
    )
    clashes = [
        result
        for result in results
        if (result.benchmark_id, result.analysis_method, result.source_id) in taken
    ]
    if clashes:
        raise SuggestionRefused(
            f"{target} already has {len(clashes)} of these results (the first: "
            f"{clashes[0].benchmark} by {clashes[0].source}, “{clashes[0].analysis_method}”): "
            "remove or correct them first."
        )
    others = ModelLink.objects.filter(ai_model=made).exclude(pk=link.pk)
    with result_stats_refreshed(results):
        for result in results:
            result.ai_model = target
            result._change_reason = reason
            result._history_user = curator
            result.save()
    others.update(ai_model=target, how=ModelLink.How.CURATORS, updated_at=timezone.now())
    link.ai_model, link.how = target, ModelLink.How.CURATORS
    link.suggestion = ModelLink.Suggestion.ACCEPTED
    link.save()
    if not made.offerings.exists() and not made.results.exists():
        made._change_reason = reason
        made._history_user = curator
        try:
            with transaction.atomic():
                made.delete()
        except models.ProtectedError:
            pass  # a ticket names it: it stays, without results
    return link
