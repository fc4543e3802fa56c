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

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from benchmarks.models import Benchmark, Result, ResultConflict, model_count, results_updated_at
from models_registry.models import AIModel


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


def _from_text(name: str, text: str) -> object:
    """A Result field's value from what source_values and conflicts keep (source_text)."""
    if name in {"verified_on", "recorded_on"}:
        return datetime.date.fromisoformat(text) if text else None
    if name == "score":
        return Decimal(text)
    return text


@transaction.atomic
def settle_conflict(
    conflict: ResultConflict, *, take_source: bool, curator: models.Model, reason: str
) -> ResultConflict:
    """Settle a conflict, with the public reason its change log shows.

    A result that curators and its source both changed keeps our value (take_source
    False) or takes the source's (True); either way the source's value becomes what the
    source last said, so a later import of the same value raises nothing again. A result
    given twice by one import is only marked settled: curators enter the right one in the
    admin if there is one. The conflict is locked first: two curators cannot both settle it.
    """
    conflict = ResultConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.status != ResultConflict.Status.OPEN:
        raise ConflictAlreadySettled(f"This conflict was settled already: {conflict.status}.")
    result = conflict.result
    if conflict.kind == ResultConflict.Kind.CHANGED and result is not None:
        result = Result.objects.select_for_update().get(pk=result.pk)
        result.source_values = {**result.source_values, conflict.field: conflict.theirs}
        if take_source:
            setattr(result, conflict.field, _from_text(conflict.field, conflict.theirs))
            if conflict.field == "score":
                result.normalized_score = conflict.theirs_normalized
            result._change_reason = reason
            result._history_user = curator
            with result_stats_refreshed([result]):
                result.save()
        else:
            result.save(update_fields=["source_values"])
    conflict.status = (
        ResultConflict.Status.TOOK_SOURCE if take_source else ResultConflict.Status.KEPT_OURS
    )
    conflict.reason = reason
    conflict.settled_by = curator
    conflict.settled_at = timezone.now()
    conflict.save()
    return conflict
