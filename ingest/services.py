"""Writes that span several models: the LLM Stats import."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    get_history_manager_for_model,
)

from benchmarks.changelog import IMPORT_REASON
from benchmarks.models import Benchmark, Category, Result
from benchmarks.services import refresh_result_stats
from config.caching import data_changed
from ingest.llmstats import (
    Anomaly,
    ImportPlan,
    KnownRows,
    plan_import,
    read_tree,
)
from models_registry.models import AIModel, License, Offering, Organization, Provider


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows the files do not mention: curators' additions, or records the source dropped.
    only_in_database: int = 0


@dataclass
class ImportReport:
    root: Path
    dry_run: bool
    counts: dict[str, KindCounts] = field(default_factory=dict)
    anomalies: list[Anomaly] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(count.created or count.updated for count in self.counts.values())

    def anomaly_counts(self) -> Counter[str]:
        return Counter(str(anomaly.kind) for anomaly in self.anomalies)

    def lines(self) -> list[str]:
        mode = " (dry run: nothing was saved)" if self.dry_run else ""
        lines = [
            f"LLM Stats import from {self.root}{mode}",
            f"{'':15}{'created':>9}{'updated':>9}{'unchanged':>11}{'only in database':>18}",
        ]
        for kind, count in self.counts.items():
            lines.append(
                f"{kind:15}{count.created:>9}{count.updated:>9}{count.unchanged:>11}"
                f"{count.only_in_database:>18}"
            )
        verb = "Would change" if self.dry_run else "Changed"
        lines.append(f"{verb}: {'yes' if self.changed else 'nothing'}")
        lines.append(f"Anomalies: {len(self.anomalies)}")
        lines += [f"  {kind}: {number}" for kind, number in sorted(self.anomaly_counts().items())]
        lines += [f"  {anomaly}" for anomaly in self.anomalies]
        return lines


@transaction.atomic
def import_llmstats(*, root: Path, dry_run: bool = False) -> ImportReport:
    """Create or update every record of an LLM Stats tree; never delete anything.

    Malformed files raise LLMStatsDataError before anything is written. Rows are
    matched on natural keys (slugs; model and provider for offerings; model,
    benchmark and analysis method for results), loaded table by table and written
    with bulk queries, so a second run of the same files changes nothing. Each row
    it creates or changes of a model that keeps history gets a history record whose
    reason is IMPORT_REASON. A dry run does all of it and then rolls back.
    """
    tree = read_tree(root)
    rows = _Rows.load()
    plan = plan_import(tree, rows.known())
    importer = _Importer(rows=rows, plan=plan, now=timezone.now())
    report = ImportReport(root=root, dry_run=dry_run, anomalies=plan.anomalies)
    report.counts = importer.run()
    # Bulk writes send no signals: the benchmarks' result stats are refreshed here.
    refresh_result_stats()
    if dry_run:
        transaction.set_rollback(True)
    else:
        # Bulk writes send no signals: cached pages learn of them here.
        data_changed()
    return report


@dataclass
class _Rows:
    """Every existing row the import may match, by natural key, in one query a table."""

    licences: dict[str, License]
    organizations: dict[str, Organization]
    categories: dict[str, Category]
    benchmarks: dict[str, Benchmark]
    providers: dict[str, Provider]
    models: dict[str, AIModel]
    offerings: dict[tuple[int, int], Offering]
    results: dict[tuple[int, int, str], Result]

    @classmethod
    def load(cls) -> "_Rows":
        return cls(
            licences=_by_slug(License),
            organizations=_by_slug(Organization),
            categories=_by_slug(Category),
            benchmarks=_by_slug(Benchmark),
            providers=_by_slug(Provider),
            models=_by_slug(AIModel),
            offerings={
                (row.ai_model_id, row.provider_id): row for row in Offering.objects.order_by()
            },
            results={
                (row.ai_model_id, row.benchmark_id, row.analysis_method): row
                for row in Result.objects.order_by()
            },
        )

    def known(self) -> KnownRows:
        return KnownRows(
            organizations=frozenset(self.organizations),
            licences=frozenset(self.licences),
            providers=frozenset(self.providers),
            benchmark_max_scores={slug: row.max_score for slug, row in self.benchmarks.items()},
            model_dates={
                slug: (row.announcement_date, row.release_date) for slug, row in self.models.items()
            },
            licence_open_weights={slug: row.open_weights for slug, row in self.licences.items()},
            lower_is_better_benchmarks=frozenset(
                slug for slug, row in self.benchmarks.items() if not row.higher_is_better
            ),
            model_names={slug: row.name for slug, row in self.models.items()},
            benchmarks_with_parents=frozenset(
                slug for slug, row in self.benchmarks.items() if row.parent_id is not None
            ),
        )


def _by_slug[M: Model](model: type[M]) -> dict[str, M]:
    # order_by() drops the default ordering: no sort, and no join for ordering by names.
    return {row.slug: row for row in model.objects.order_by()}


@dataclass
class _Importer:
    rows: _Rows
    plan: ImportPlan
    now: datetime

    def run(self) -> dict[str, KindCounts]:
        # Order matters: each kind refers to rows of the kinds before it.
        return {
            "licences": self.licences(),
            "organizations": self.organizations(),
            "categories": self.categories(),
            "benchmarks": self.benchmarks(),
            "providers": self.providers(),
            "models": self.models(),
            "offerings": self.offerings(),
            "results": self.results(),
        }

    def licences(self) -> KindCounts:
        wanted = {
            licence.slug: {
                "slug": licence.slug,
                "name": licence.name,
                "description": licence.description,
                "allows_commercial_use": licence.allows_commercial_use,
            }
            for licence in self.plan.licences
        }
        # open_weights is not in the source: guessed once, then the curators' field.
        first_values = {
            licence.slug: {"open_weights": licence.open_weights_when_created}
            for licence in self.plan.licences
        }
        return self._sync(License, self.rows.licences, wanted, first_values=first_values)

    def organizations(self) -> KindCounts:
        wanted = {
            organization.slug: {
                "slug": organization.slug,
                "name": organization.name,
                "website": organization.website,
                "country": organization.country,
                "description": organization.description,
            }
            for organization in self.plan.organizations
        }
        return self._sync(Organization, self.rows.organizations, wanted)

    def categories(self) -> KindCounts:
        # Curators own a category's name and description once it exists.
        wanted = {slug: {"slug": slug} for slug in self.plan.categories}
        first_values = {slug: {"name": name} for slug, name in self.plan.categories.items()}
        return self._sync(Category, self.rows.categories, wanted, first_values=first_values)

    def benchmarks(self) -> KindCounts:
        rows = self.rows.benchmarks
        wanted = {
            benchmark.slug: {
                "slug": benchmark.slug,
                "name": benchmark.name,
                "description": benchmark.description,
                "modality": benchmark.modality,
                "multilingual": benchmark.multilingual,
                "language": benchmark.language,
                "max_score": benchmark.max_score,
                "paper_url": benchmark.paper_url,
                "implementation_url": benchmark.implementation_url,
            }
            for benchmark in self.plan.benchmarks
        }
        before = set(rows)
        created = _create_missing(Benchmark, rows, wanted)
        # Parents may be benchmarks created just now: a second pass, once all have ids. A
        # source that names no parent says nothing: a curator's parent stays.
        for benchmark in self.plan.benchmarks:
            if benchmark.parent_slug:
                wanted[benchmark.slug]["parent_id"] = rows[benchmark.parent_slug].pk
        recategorized = self._set_categories() - created
        updated = _update_changed(Benchmark, rows, wanted, now=self.now, touched=recategorized)
        return _counts(wanted, before, created, updated)

    def _set_categories(self) -> set[str]:
        """Make each benchmark's categories exactly its file's list; the slugs that changed."""
        through = Benchmark.categories.through
        benchmarks, categories = self.rows.benchmarks, self.rows.categories
        slug_of = {
            benchmarks[benchmark.slug].pk: benchmark.slug for benchmark in self.plan.benchmarks
        }
        wanted = {
            (benchmarks[benchmark.slug].pk, categories[category].pk)
            for benchmark in self.plan.benchmarks
            for category in benchmark.categories
        }
        existing = {
            (benchmark_id, category_id): pk
            for pk, benchmark_id, category_id in through.objects.values_list(
                "pk", "benchmark_id", "category_id"
            )
        }
        missing = wanted - existing.keys()
        extra = {
            pair: pk for pair, pk in existing.items() if pair[0] in slug_of and pair not in wanted
        }
        through.objects.bulk_create(
            through(benchmark_id=benchmark_id, category_id=category_id)
            for benchmark_id, category_id in missing
        )
        if extra:
            through.objects.filter(pk__in=extra.values()).delete()
        return {slug_of[benchmark_id] for benchmark_id, _ in missing | extra.keys()}

    def providers(self) -> KindCounts:
        wanted = {
            provider.slug: {
                "slug": provider.slug,
                "name": provider.name,
                "website": provider.website,
            }
            for provider in self.plan.providers
        }
        return self._sync(Provider, self.rows.providers, wanted)

    def models(self) -> KindCounts:
        rows, organizations, licences = (
            self.rows.models,
            self.rows.organizations,
            self.rows.licences,
        )
        wanted = {
            model.slug: {
                "slug": model.slug,
                "name": model.name,
                "organization_id": organizations[model.organization_slug].pk,
                "license_id": licences[model.license_slug].pk if model.license_slug else None,
                "description": model.description,
                "release_date": model.release_date,
                "release_date_precision": model.release_date_precision,
                "announcement_date": model.announcement_date,
                "announcement_date_precision": model.announcement_date_precision,
                "knowledge_cutoff": model.knowledge_cutoff,
                "knowledge_cutoff_precision": model.knowledge_cutoff_precision,
                "parameter_count": model.parameter_count,
                "training_tokens": model.training_tokens,
                "input_context_length": model.input_context_length,
                "output_context_length": model.output_context_length,
                "multimodal": model.multimodal,
                "paper_url": model.paper_url,
                "weights_url": model.weights_url,
                "repository_url": model.repository_url,
                "api_docs_url": model.api_docs_url,
                "playground_url": model.playground_url,
                "announcement_url": model.announcement_url,
            }
            for model in self.plan.models
        }
        before = set(rows)
        created = _create_missing(AIModel, rows, wanted)
        # Base models may have been created just now: a second pass, once all have ids.
        for model in self.plan.models:
            base = model.fine_tuned_from_slug
            wanted[model.slug]["fine_tuned_from_id"] = rows[base].pk if base else None
        updated = _update_changed(AIModel, rows, wanted, now=self.now)
        return _counts(wanted, before, created, updated)

    def offerings(self) -> KindCounts:
        models_, providers = self.rows.models, self.rows.providers
        wanted: dict[tuple[int, int], dict[str, Any]] = {}
        for offering in self.plan.offerings:
            model_id, provider_id = (
                models_[offering.model_slug].pk,
                providers[offering.provider_slug].pk,
            )
            wanted[(model_id, provider_id)] = {
                "ai_model_id": model_id,
                "provider_id": provider_id,
                "provider_model_name": offering.provider_model_name,
                "input_usd_per_million": offering.input_usd_per_million,
                "output_usd_per_million": offering.output_usd_per_million,
                "throughput": offering.throughput,
                "latency": offering.latency,
                "quantization": offering.quantization,
                "max_input_tokens": offering.max_input_tokens,
                "max_output_tokens": offering.max_output_tokens,
                "supports_web_search": offering.supports_web_search,
                "supports_function_calling": offering.supports_function_calling,
                "supports_structured_output": offering.supports_structured_output,
                "supports_code_execution": offering.supports_code_execution,
                "supports_batch_inference": offering.supports_batch_inference,
                "supports_finetuning": offering.supports_finetuning,
                "input_text": offering.input_text,
                "input_image": offering.input_image,
                "input_audio": offering.input_audio,
                "input_video": offering.input_video,
                "output_text": offering.output_text,
                "output_image": offering.output_image,
                "output_audio": offering.output_audio,
                "output_video": offering.output_video,
                "deprecated_at": offering.deprecated_at,
            }
        conflicts = {
            (models_[model].pk, providers[provider].pk)
            for model, provider in self.plan.conflicting_offerings
        }
        return self._sync(Offering, self.rows.offerings, wanted, mentioned=conflicts)

    def results(self) -> KindCounts:
        models_, benchmarks = self.rows.models, self.rows.benchmarks
        wanted: dict[tuple[int, int, str], dict[str, Any]] = {}
        for result in self.plan.results:
            model_id = models_[result.model_slug].pk
            benchmark_id = benchmarks[result.benchmark_slug].pk
            wanted[(model_id, benchmark_id, result.analysis_method)] = {
                "ai_model_id": model_id,
                "benchmark_id": benchmark_id,
                "analysis_method": result.analysis_method,
                "score": result.score,
                "normalized_score": result.normalized_score,
                "status": result.status,
                "verified_by": result.verified_by,
                "verified_on": result.verified_on,
                "notes": result.notes,
                "source_url": result.source_url,
                "recorded_on": result.recorded_on,
                "source_record_id": result.source_record_id,
            }
        conflicts = {
            (models_[model].pk, benchmarks[benchmark].pk, method)
            for model, benchmark, method in self.plan.conflicting_results
        }
        return self._sync(Result, self.rows.results, wanted, mentioned=conflicts)

    def _sync[K](
        self,
        model: type[Model],
        rows: dict[K, Any],
        wanted: Mapping[K, dict[str, Any]],
        *,
        first_values: Mapping[K, dict[str, Any]] | None = None,
        mentioned: set[K] | frozenset[K] = frozenset(),
    ) -> KindCounts:
        before = set(rows)
        created = _create_missing(model, rows, wanted, first_values=first_values)
        updated = _update_changed(model, rows, wanted, now=self.now)
        return _counts(wanted, before, created, updated, mentioned=mentioned)


def _create_missing[K](
    model: type[Model],
    rows: dict[K, Any],
    wanted: Mapping[K, dict[str, Any]],
    *,
    first_values: Mapping[K, dict[str, Any]] | None = None,
) -> set[K]:
    """Insert the wanted rows that do not exist yet (one query); add them to rows.

    A model that keeps history gets a creation record per row (one more query).
    """
    first_values = first_values or {}
    new = {
        key: model(**values, **first_values.get(key, {}))
        for key, values in wanted.items()
        if key not in rows
    }
    if has_history(model):
        bulk_create_with_history(list(new.values()), model, default_change_reason=IMPORT_REASON)
    else:
        model.objects.bulk_create(new.values())
    rows.update(new)
    return set(new)


def _update_changed[K](
    model: type[Model],
    rows: Mapping[K, Any],
    wanted: Mapping[K, dict[str, Any]],
    *,
    now: datetime,
    touched: set[K] | frozenset[K] = frozenset(),
) -> set[K]:
    """Save the rows whose values differ from the wanted ones (one query); their keys.

    Rows in touched changed elsewhere (their categories) and are saved too.
    bulk_update ignores auto_now, so updated_at is set here. A model that keeps
    history gets a change record per saved row (one more query), so that a later
    change by a curator has the imported state to compare with.
    """
    changed_rows = []
    changed_fields: set[str] = set()
    changed_keys: set[K] = set()
    for key, values in wanted.items():
        row = rows[key]
        differing = [name for name, value in values.items() if getattr(row, name) != value]
        if not differing and key not in touched:
            continue
        for name in differing:
            setattr(row, name, values[name])
        row.updated_at = now
        changed_rows.append(row)
        changed_fields.update(differing)
        changed_keys.add(key)
    if changed_rows and has_history(model):
        bulk_update_with_history(
            changed_rows,
            model,
            [*sorted(changed_fields), "updated_at"],
            default_change_reason=IMPORT_REASON,
        )
    elif changed_rows:
        model.objects.bulk_update(changed_rows, [*sorted(changed_fields), "updated_at"])
    return changed_keys


def has_history(model: type[Model]) -> bool:
    """Whether the model keeps history records, which bulk writes must add themselves."""
    try:
        get_history_manager_for_model(model)
    except NotHistoricalModelError:
        return False
    return True


def _counts[K](
    wanted: Mapping[K, Any],
    before: set[K],
    created: set[K],
    updated: set[K],
    *,
    mentioned: set[K] | frozenset[K] = frozenset(),
) -> KindCounts:
    updated = updated - created
    return KindCounts(
        created=len(created),
        updated=len(updated),
        unchanged=len(wanted) - len(created) - len(updated),
        only_in_database=len(before - wanted.keys() - mentioned),
    )
