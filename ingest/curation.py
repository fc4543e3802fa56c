"""Curators' decisions shipped with the data they correct.

Some of what a source gets wrong no importer can decide (which way a metric ranks, a number
written on the wrong scale). Curators decide it, in the admin on a running site, or, for
the data that `make run` loads, in a decisions file beside it
(data/llmstats-curations.json), applied after the import in the same transaction:

    {"decisions": [
      {"benchmark": "fleurs", "set": {"higher_is_better": false}, "reason": "..."},
      {"benchmark": "swe-bench-verified-(agentless)", "set": {"parent": "swe-bench-verified"},
       "reason": "..."},
      {"result": {"model": "m", "benchmark": "b", "method": "WER"},
       "set": {"score": "0.136"}, "reason": "..."}
    ]}

Each decision names one benchmark (by slug) or one result (by model slug, benchmark slug
and analysis method, the import's own key) and the fields to set, with the public reason
that its change log shows. A result's normalized score follows its new score by the
import's own rule (ingest.llmstats.normalize_score). Applying a file twice changes
nothing; a decision whose row is missing, or that names a field it may not set, stops
everything (CurationError) before anything is kept.
"""

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Model

from benchmarks.models import Benchmark, Result
from benchmarks.services import result_stats_refreshed
from ingest.llmstats import normalize_score

# What a decision may set, and how its JSON value is read (a benchmark, by its slug).
BENCHMARK_FIELDS = {"higher_is_better": bool, "parent": Benchmark}
RESULT_FIELDS = {"score": Decimal, "notes": str}


# The public reason is stored in simple-history's history_change_reason column.
REASON_MAX_LENGTH = Result.history.model._meta.get_field("history_change_reason").max_length


class CurationError(Exception):
    pass


@dataclass(frozen=True)
class Decision:
    target: Model
    changes: dict[str, Any]
    reason: str


def read_decisions(path: Path) -> list[Decision]:
    """The decisions of the file, each with the row it changes."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["decisions"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CurationError(f"{path}: not a decisions file ({error}).") from error
    return [_decision(path, number, entry) for number, entry in enumerate(entries, start=1)]


def _decision(path: Path, number: int, entry: dict[str, Any]) -> Decision:
    where = f"{path}: decision {number}"
    reason = str(entry.get("reason", "")).strip()
    if not reason:
        raise CurationError(f"{where}: a decision needs its public reason.")
    if len(reason) > REASON_MAX_LENGTH:
        raise CurationError(
            f"{where}: the public reason has {len(reason)} characters; at most "
            f"{REASON_MAX_LENGTH} fit a change log entry."
        )
    if "benchmark" in entry:
        target = Benchmark.objects.filter(slug=entry["benchmark"]).first()
        fields = BENCHMARK_FIELDS
    elif "result" in entry:
        key = entry["result"]
        target = (
            Result.objects.filter(
                ai_model__slug=key.get("model"),
                benchmark__slug=key.get("benchmark"),
                analysis_method=key.get("method", ""),
            )
            .select_related("benchmark")
            .first()
        )
        fields = RESULT_FIELDS
    else:
        raise CurationError(f"{where}: names neither a benchmark nor a result.")
    if target is None:
        raise CurationError(f"{where}: no such row in the database.")
    changes = {}
    for name, value in dict(entry.get("set", {})).items():
        kind = fields.get(name)
        if kind is None:
            raise CurationError(f"{where}: {name} is not a field a decision may set.")
        changes[name] = _read(where, name, value, kind)
    if not changes:
        raise CurationError(f"{where}: sets nothing.")
    return Decision(target, changes, reason)


def _read(where: str, name: str, value: Any, kind: type) -> Any:
    if kind is Benchmark:
        benchmark = Benchmark.objects.filter(slug=value).first() if value is not None else None
        if value is not None and benchmark is None:
            raise CurationError(f"{where}: {name} {value!r}: no such benchmark.")
        return benchmark
    if kind is Decimal:
        try:
            return Decimal(str(value))
        except InvalidOperation as error:
            raise CurationError(f"{where}: {name} {value!r} is not a number.") from error
    if not isinstance(value, kind):
        raise CurationError(f"{where}: {name} must be a {kind.__name__}.")
    return value


@transaction.atomic
def apply_decisions(decisions: list[Decision]) -> list[str]:
    """Save each decision's changes where they differ, with its reason in the history;
    say what changed."""
    applied = []
    for decision in decisions:
        target = decision.target
        changes = dict(decision.changes)
        if isinstance(target, Result) and "score" in changes:
            changes["normalized_score"] = normalize_score(
                changes["score"], target.benchmark.max_score
            ).value
        changed = {name: value for name, value in changes.items() if getattr(target, name) != value}
        if not changed:
            continue
        for name, value in changed.items():
            setattr(target, name, value)
        target._change_reason = decision.reason
        with result_stats_refreshed([target] if isinstance(target, Result) else []):
            target.save()
        applied.append(f"{target}: {', '.join(sorted(changed))} ({decision.reason})")
    return applied
