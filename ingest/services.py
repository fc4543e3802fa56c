"""Writes that span several models: the LLM Stats import, and the record of its runs."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
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
from benchmarks.models import (
    SOURCE_FIELDS,
    Benchmark,
    Category,
    Conflict,
    Result,
    source_text,
)
from benchmarks.services import refresh_result_stats
from config.caching import data_changed
from ingest.llmstats import (
    Anomaly,
    ImportPlan,
    KnownRows,
    plan_import,
    read_tree,
)
from models_registry.models import (
    AIModel,
    License,
    Offering,
    Organization,
    Provider,
    SourcedModel,
)
from sources.models import ImportRun, RunAnomaly, Source

# The LLM Stats open data, as the source its results name (/sources/llm-stats/).
LLMSTATS_SOURCE_SLUG = "llm-stats"
LLMSTATS_SOURCE = {
    "name": "LLM Stats",
    "kind": Source.Kind.DATASET,
    "url": "https://github.com/JonathanChavezTamales/llm-leaderboard",
    "description": "The open data behind llm-stats.com: models, their prices at API "
    "providers, and benchmark results, most of them the labs' own claims.",
    "licence": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "LLM Stats",
    "updated_upstream": False,
    "frozen_since": date(2025, 10, 1),
}


def llmstats_source() -> Source:
    """The LLM Stats source, made or brought up to date with what Benchboard knows of it."""
    source, created = Source.objects.get_or_create(
        slug=LLMSTATS_SOURCE_SLUG, defaults=LLMSTATS_SOURCE
    )
    if not created and any(getattr(source, k) != v for k, v in LLMSTATS_SOURCE.items()):
        for name, value in LLMSTATS_SOURCE.items():
            setattr(source, name, value)
        source.save()
    return source


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows the files do not mention: curators' additions, or records the source dropped
    # (a result of the source it no longer gives is marked withdrawn, never deleted).
    only_in_database: int = 0
    # Results this run found withdrawn from the source, marked so now.
    withdrawn: int = 0


@dataclass
class ImportReport:
    root: Path | str  # what was read: a folder, an archive or a URL
    dry_run: bool
    title: str = "LLM Stats import"
    counts: dict[str, KindCounts] = field(default_factory=dict)
    anomalies: list[Anomaly] = field(default_factory=list)
    # Curators' corrections the source changed again, and results given twice: kept for
    # curators to settle (the admin's conflicts).
    conflicts: list[Conflict] = field(default_factory=list)
    run: ImportRun | None = None

    @property
    def changed(self) -> bool:
        """Whether the run changed what pages show: a record created, updated or withdrawn,
        or a new conflict (pages show the source's new value beside the curated one)."""
        return bool(self.conflicts) or any(
            count.created or count.updated or count.withdrawn for count in self.counts.values()
        )

    def anomaly_counts(self) -> Counter[str]:
        return Counter(str(anomaly.kind) for anomaly in self.anomalies)

    def lines(self) -> list[str]:
        mode = " (dry run: nothing was saved)" if self.dry_run else ""
        lines = [
            f"{self.title} from {self.root}{mode}",
            f"{'':15}{'created':>9}{'updated':>9}{'unchanged':>11}{'only in database':>18}"
            f"{'withdrawn':>11}",
        ]
        for kind, count in self.counts.items():
            lines.append(
                f"{kind:15}{count.created:>9}{count.updated:>9}{count.unchanged:>11}"
                f"{count.only_in_database:>18}{count.withdrawn:>11}"
            )
        verb = "Would change" if self.dry_run else "Changed"
        lines.append(f"{verb}: {'yes' if self.changed else 'nothing'}")
        lines.append(f"Conflicts for curators: {len(self.conflicts)}")
        lines += [f"  {_describe_conflict(conflict)}" for conflict in self.conflicts]
        lines.append(f"Anomalies: {len(self.anomalies)}")
        lines += [f"  {kind}: {number}" for kind, number in sorted(self.anomaly_counts().items())]
        lines += [f"  {anomaly}" for anomaly in self.anomalies]
        return lines


@transaction.atomic
def import_llmstats(
    *,
    root: Path,
    dry_run: bool = False,
    location: str = "",
    sha256: str = "",
    command: str = "import_llmstats",
) -> ImportReport:
    """Create or update every record of an LLM Stats tree; never delete anything.

    Malformed files raise LLMStatsDataError before anything is written. Rows are
    matched on natural keys (slugs; model and provider for offerings; model,
    benchmark and analysis method within the source for results), loaded table by
    table and written with bulk queries, so a second run of the same files changes
    nothing. Each row it creates or changes of a model that keeps history gets a
    history record whose reason is IMPORT_REASON.

    A field curators changed, of a result or of any record the source describes, stays
    (see _Importer._update). The run is recorded (sources.ImportRun: location is what was
    read, sha256 its digest), with its anomalies and conflicts. A dry run does all of it
    and then rolls back.
    """
    started = timezone.now()
    source = llmstats_source()
    tree = read_tree(root)
    rows = _Rows.load(source)
    plan = plan_import(tree, rows.known())
    importer = _Importer(rows=rows, plan=plan, now=started, source=source)
    report = ImportReport(root=root, dry_run=dry_run, anomalies=plan.anomalies)
    report.counts = importer.run()
    report.conflicts = importer.conflicts
    # Bulk writes send no signals: the benchmarks' result stats are refreshed here.
    refresh_result_stats()
    if dry_run:
        transaction.set_rollback(True)
        return report
    # The date of the source's data: its newest result's.
    newest = max(
        (result.recorded_on for result in plan.results if result.recorded_on), default=None
    )
    if newest and newest != source.data_date:
        source.data_date = newest
        source.save(update_fields=["data_date", "updated_at"])
    report.run = record_run(
        source=source,
        report=report,
        command=command,
        location=location or str(root),
        sha256=sha256,
        started_at=started,
    )
    # Bulk writes send no signals: cached pages learn of them here.
    data_changed()
    return report


def record_run(
    *,
    source: Source,
    report: ImportReport,
    command: str,
    location: str,
    sha256: str,
    started_at: datetime,
) -> ImportRun:
    """Store the run: what it read, when, its counts, anomalies and conflicts."""
    run = ImportRun.objects.create(
        source=source,
        command=command,
        location=location,
        sha256=sha256,
        started_at=started_at,
        finished_at=timezone.now(),
        changed=report.changed,
        counts={kind: asdict(count) for kind, count in report.counts.items()},
        anomaly_count=len(report.anomalies),
        conflict_count=len(report.conflicts),
    )
    RunAnomaly.objects.bulk_create(
        RunAnomaly(run=run, kind=str(anomaly.kind), file=anomaly.file, message=anomaly.message)
        for anomaly in report.anomalies
    )
    for conflict in report.conflicts:
        conflict.run = run
    Conflict.objects.bulk_create(report.conflicts)
    return run


def _describe_conflict(conflict: Conflict) -> str:
    if conflict.content_type_id is not None:
        key = conflict.subject
    else:
        key = f"{conflict.ai_model.slug} on {conflict.benchmark.slug}"
    if conflict.analysis_method:
        key += f" ({conflict.analysis_method})"
    if conflict.kind == Conflict.Kind.REPEATED:
        return f"{key}: given twice, neither stored: {conflict.theirs}"
    return (
        f"{key}: {conflict.field} is {conflict.ours} by curators and now "
        f"{conflict.theirs} at the source: ours kept"
    )


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
    _by_id: dict[type, dict[int, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, source: Source | None) -> "_Rows":
        """Every row, and the results of the source (none without one)."""
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
            results=cls.results_of(source) if source is not None else {},
        )

    @staticmethod
    def results_of(source: Source) -> dict[tuple[int, int, str], Result]:
        """The source's results by model, benchmark and analysis method."""
        return {
            (row.ai_model_id, row.benchmark_id, row.analysis_method): row
            for row in Result.objects.filter(source=source).order_by()
        }

    def by_id(self, model: type[AIModel] | type[Benchmark]) -> dict[int, Any]:
        """The models or the benchmarks by id (for the conflicts, which name them), made
        once a run: every row is in place by the time results are written."""
        if model not in self._by_id:
            rows = self.models if model is AIModel else self.benchmarks
            self._by_id[model] = {row.pk: row for row in rows.values()}
        return self._by_id[model]

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
    source: Source
    conflicts: list[Conflict] = field(default_factory=list)
    _open: set[tuple] | None = None
    # The public reason of the history records it writes.
    reason: str = IMPORT_REASON

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
        created = self._create(Benchmark, rows, wanted)
        # Parents may be benchmarks created just now: a second pass, once all have ids. A
        # source that names no parent says nothing: a curator's parent stays.
        for benchmark in self.plan.benchmarks:
            if benchmark.parent_slug:
                wanted[benchmark.slug]["parent_id"] = rows[benchmark.parent_slug].pk
        recategorized, said = self._set_categories()
        updated = self._update(
            Benchmark,
            rows,
            wanted,
            identity={"slug"},
            touched=recategorized - created,
            extra_said=said,
        )
        return _counts(wanted, before, created, updated)

    def _set_categories(self) -> tuple[set[str], dict[str, dict[str, str]]]:
        """Give each benchmark its file's categories, unless curators changed them (the
        same rule as any field: _decide, "categories" in source_values as sorted slugs).
        The slugs of the benchmarks whose categories changed, and what the source said of
        each benchmark's categories (for its source_values)."""
        through = Benchmark.categories.through
        benchmarks, categories = self.rows.benchmarks, self.rows.categories
        slug_of_category = {row.pk: slug for slug, row in categories.items()}
        current: dict[int, dict[str, int]] = {}
        for pk, benchmark_id, category_id in through.objects.values_list(
            "pk", "benchmark_id", "category_id"
        ):
            current.setdefault(benchmark_id, {})[slug_of_category[category_id]] = pk
        missing, extra, changed, said_now = [], [], set(), {}
        for benchmark in self.plan.benchmarks:
            row = benchmarks[benchmark.slug]
            has = current.get(row.pk, {})
            ours, theirs = _category_text(has), _category_text(benchmark.categories)
            said = row.source_values.get("categories", ours)
            said_now[benchmark.slug] = {"categories": theirs}
            decision = _decide(ours, said, theirs)
            if decision is _Decision.BOTH and (
                _conflict_key(row, "categories", theirs) not in self._open_conflicts()
            ):
                self._changed(row, "categories", ours, theirs)
            if decision is not _Decision.TAKE or ours == theirs:
                continue
            missing += [
                through(benchmark_id=row.pk, category_id=categories[slug].pk)
                for slug in benchmark.categories
                if slug not in has
            ]
            extra += [pk for slug, pk in has.items() if slug not in benchmark.categories]
            changed.add(benchmark.slug)
        through.objects.bulk_create(missing)
        if extra:
            through.objects.filter(pk__in=extra).delete()
        return changed, said_now

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
        created = self._create(AIModel, rows, wanted)
        # Base models may have been created just now: a second pass, once all have ids.
        for model in self.plan.models:
            base = model.fine_tuned_from_slug
            wanted[model.slug]["fine_tuned_from_id"] = rows[base].pk if base else None
        updated = self._update(AIModel, rows, wanted, identity={"slug"})
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
        return self._sync(
            Offering,
            self.rows.offerings,
            wanted,
            identity={"ai_model_id", "provider_id"},
            mentioned=conflicts,
        )

    def results(self) -> KindCounts:
        """The source's results, matched within the source (another source's result of the
        same model, benchmark and method is another result).

        A field a curator changed (SOURCE_FIELDS: it differs from what the source last
        said, Result.source_values) is not undone: when the source still says what it
        said, ours stays; when the source changed it too, ours stays and a conflict is
        recorded for curators to settle. A result the source no longer gives is marked
        withdrawn; one given twice with different values is not stored, and is a conflict.
        """
        models_, benchmarks = self.rows.models, self.rows.benchmarks
        wanted: dict[tuple[int, int, str], dict[str, Any]] = {}
        for result in self.plan.results:
            model_id = models_[result.model_slug].pk
            benchmark_id = benchmarks[result.benchmark_slug].pk
            wanted[(model_id, benchmark_id, result.analysis_method)] = {
                "ai_model_id": model_id,
                "benchmark_id": benchmark_id,
                "analysis_method": result.analysis_method,
                "source_id": self.source.pk,
                "score": result.score,
                "normalized_score": result.normalized_score,
                "status": result.status,
                "verified_by": result.verified_by,
                "verified_on": result.verified_on,
                "notes": result.notes,
                "source_url": result.source_url,
                "recorded_on": result.recorded_on,
                "source_record_id": result.source_record_id,
                "source_record": f"{result.file}, {result.label}",
                "withdrawn_at": None,
            }
        repeated = {
            (models_[model].pk, benchmarks[benchmark].pk, method): records
            for (model, benchmark, method), records in self.plan.repeated_results.items()
        }
        rows = self.rows.results
        before = set(rows)
        # A result's source_values keep the normalized score of the source's score too:
        # pages show the source's value in their unit.
        created = self._create(Result, rows, wanted, said=(*SOURCE_FIELDS, "normalized_score"))
        updated = self._update(Result, rows, wanted, said=SOURCE_FIELDS, skip=created)
        withdrawn = self._withdraw(wanted.keys() | repeated.keys())
        self._note_repeats(repeated)
        # When the source was read: bookkeeping, no history and no "updated".
        Result.objects.filter(pk__in=[rows[key].pk for key in wanted]).update(retrieved_at=self.now)
        counts = _counts(wanted, before, created, updated, mentioned=repeated.keys())
        counts.withdrawn = len(withdrawn)
        return counts

    def _create[K](
        self,
        model: type[Model],
        rows: dict[K, Any],
        wanted: Mapping[K, dict[str, Any]],
        *,
        identity: Iterable[str] = ("slug",),
        said: Iterable[str] | None = None,
        first_values: Mapping[K, dict[str, Any]] | None = None,
    ) -> set[K]:
        """_create_missing, each new row of a sourced model knowing what its source said
        of the fields named (said), or of all it gives but its identity."""
        if _is_sourced(model):
            first_values = {
                key: {
                    **(first_values or {}).get(key, {}),
                    "source_values": _source_values(
                        values, said if said is not None else values.keys() - set(identity)
                    ),
                }
                for key, values in wanted.items()
                if key not in rows
            }
        return _create_missing(model, rows, wanted, first_values=first_values, reason=self.reason)

    def _update[K](
        self,
        model: type[Model],
        rows: Mapping[K, Any],
        wanted: Mapping[K, dict[str, Any]],
        *,
        identity: Iterable[str] = (),
        said: Iterable[str] | None = None,
        skip: set[K] | frozenset[K] = frozenset(),
        touched: set[K] | frozenset[K] = frozenset(),
        extra_said: Mapping[K, dict[str, str]] | None = None,
    ) -> set[K]:
        """Save the rows whose values differ from the wanted ones (one query); their keys.

        A sourced model's fields the source gives (said, or all but its identity) are not
        undone when curators changed them: each field goes by _decide, and a field both
        changed keeps ours and is a conflict for curators (once, while it is open). The
        source_values of every row become what the source says now (extra_said adds to
        them). Rows in touched changed elsewhere (their categories) and are saved too.

        bulk_update ignores auto_now, so updated_at is set here. A model that keeps
        history gets a change record per saved row (one more query).
        """
        sourced = _is_sourced(model)
        open_conflicts = self._open_conflicts() if sourced else set()
        changed_rows, changed_fields, changed_keys = [], set(), set()
        bookkeeping = []
        for key, values in wanted.items():
            if key in skip:
                continue
            row = rows[key]
            if sourced:
                guarded = set(said if said is not None else values.keys() - set(identity))
                differing, kept = self._reconcile(row, values, guarded, open_conflicts)
                kept.update((extra_said or {}).get(key, {}))
                if kept != row.source_values:
                    row.source_values = kept
                    if not differing and key not in touched:
                        bookkeeping.append(row)
            else:
                differing = [name for name, value in values.items() if getattr(row, name) != value]
            if not differing and key not in touched:
                continue
            for name in differing:
                setattr(row, name, values[name])
            row.updated_at = self.now
            changed_rows.append(row)
            changed_fields.update(differing)
            changed_keys.add(key)
        fields = [*sorted(changed_fields), *(["source_values"] if sourced else []), "updated_at"]
        if changed_rows and has_history(model):
            bulk_update_with_history(changed_rows, model, fields, default_change_reason=self.reason)
        elif changed_rows:
            model.objects.bulk_update(changed_rows, fields)
        if bookkeeping:
            model.objects.bulk_update(bookkeeping, ["source_values"])
        return changed_keys

    def _reconcile(
        self,
        row: Model,
        values: Mapping[str, Any],
        guarded: set[str],
        open_conflicts: set[tuple],
    ) -> tuple[list[str], dict[str, str]]:
        """The fields of the row to take from the values, and what the source says now of
        its guarded fields; a conflict for each guarded field curators and the source both
        changed. A result's normalized score follows its score, unless the score is ours."""
        baseline = _baseline(row, guarded)
        kept = dict(baseline)
        differing = []
        for name, value in values.items():
            if name not in guarded:
                if name != "normalized_score" and getattr(row, name) != value:
                    differing.append(name)
                continue
            ours, theirs = source_text(getattr(row, name)), source_text(value)
            kept[name] = theirs
            decision = _decide(ours, baseline.get(name, ours), theirs)
            if decision is _Decision.TAKE and theirs != ours:
                differing.append(name)
            elif decision is _Decision.BOTH and (
                _conflict_key(row, name, theirs) not in open_conflicts
            ):
                conflict = self._changed(row, name, ours, theirs)
                if name == "score":
                    conflict.theirs_normalized = values["normalized_score"]
        if "normalized_score" in values:
            score = source_text(row.score)
            score_is_ours = score != baseline.get("score", score)
            if not score_is_ours and row.normalized_score != values["normalized_score"]:
                differing.append("normalized_score")
            kept["normalized_score"] = source_text(values["normalized_score"])
        return differing, kept

    def _open_conflicts(self) -> set[tuple]:
        """The source's open conflicts over changed fields, by _conflict_key (loaded once)."""
        if self._open is None:
            self._open = {
                (content_type_id, object_id or result_id, field, theirs)
                for content_type_id, object_id, result_id, field, theirs in Conflict.objects.filter(
                    source=self.source,
                    kind=Conflict.Kind.CHANGED,
                    status=Conflict.Status.OPEN,
                ).values_list("content_type_id", "object_id", "result_id", "field", "theirs")
            }
        return self._open

    def _changed(self, row: Model, name: str, ours: str, theirs: str) -> Conflict:
        """A conflict over a field of the row that curators and the source both changed,
        kept for the run to record."""
        common = {
            "kind": Conflict.Kind.CHANGED,
            "source": self.source,
            "field": name,
            "ours": ours,
            "theirs": theirs,
        }
        if isinstance(row, Result):
            conflict = Conflict(
                **common,
                result=row,
                ai_model=self.rows.by_id(AIModel)[row.ai_model_id],
                benchmark=self.rows.by_id(Benchmark)[row.benchmark_id],
                analysis_method=row.analysis_method,
            )
        else:
            conflict = Conflict(
                **common,
                content_type=ContentType.objects.get_for_model(row),
                object_id=row.pk,
                record_name=str(row)[: Conflict._meta.get_field("record_name").max_length],
            )
        self.conflicts.append(conflict)
        return conflict

    def _withdraw(self, given: set) -> set:
        """Mark the source's results it no longer gives as withdrawn by it (kept, never
        deleted); the keys of those newly marked."""
        gone = {
            key: row
            for key, row in self.rows.results.items()
            if key not in given and row.withdrawn_at is None
        }
        for row in gone.values():
            row.withdrawn_at = self.now
            row.updated_at = self.now
        if gone:
            bulk_update_with_history(
                list(gone.values()),
                Result,
                ["withdrawn_at", "updated_at"],
                default_change_reason=self.reason,
            )
        return set(gone)

    def _note_repeats(self, repeated: Mapping[tuple[int, int, str], list[Any]]) -> None:
        """A conflict for each result the source gave twice with different values, with
        each value and where it was given, unless an open one says the same."""
        open_repeats = set(
            Conflict.objects.filter(
                source=self.source,
                kind=Conflict.Kind.REPEATED,
                status=Conflict.Status.OPEN,
            ).values_list("ai_model_id", "benchmark_id", "analysis_method", "theirs")
        )
        for (model_id, benchmark_id, method), records in repeated.items():
            theirs = "; ".join(
                f"{source_text(record.score)} ({record.file}, {record.label})" for record in records
            )
            if (model_id, benchmark_id, method, theirs) in open_repeats:
                continue
            self.conflicts.append(
                Conflict(
                    kind=Conflict.Kind.REPEATED,
                    result=self.rows.results.get((model_id, benchmark_id, method)),
                    ai_model=self.rows.by_id(AIModel)[model_id],
                    benchmark=self.rows.by_id(Benchmark)[benchmark_id],
                    analysis_method=method,
                    source=self.source,
                    theirs=theirs,
                )
            )

    def _sync[K](
        self,
        model: type[Model],
        rows: dict[K, Any],
        wanted: Mapping[K, dict[str, Any]],
        *,
        identity: Iterable[str] = ("slug",),
        first_values: Mapping[K, dict[str, Any]] | None = None,
        mentioned: set[K] | frozenset[K] = frozenset(),
    ) -> KindCounts:
        before = set(rows)
        created = self._create(model, rows, wanted, identity=identity, first_values=first_values)
        updated = self._update(model, rows, wanted, identity=identity)
        return _counts(wanted, before, created, updated, mentioned=mentioned)


def _create_missing[K](
    model: type[Model],
    rows: dict[K, Any],
    wanted: Mapping[K, dict[str, Any]],
    *,
    first_values: Mapping[K, dict[str, Any]] | None = None,
    reason: str = IMPORT_REASON,
) -> set[K]:
    """Insert the wanted rows that do not exist yet (one query); add them to rows.

    A model that keeps history gets a creation record per row (one more query), whose
    public reason is `reason`.
    """
    first_values = first_values or {}
    new = {
        key: model(**values, **first_values.get(key, {}))
        for key, values in wanted.items()
        if key not in rows
    }
    if has_history(model):
        bulk_create_with_history(list(new.values()), model, default_change_reason=reason)
    else:
        model.objects.bulk_create(new.values())
    rows.update(new)
    return set(new)


class _Decision(Enum):
    """What an import does with one field of a record it describes (see _decide)."""

    TAKE = "take"  # the source's value: nobody here changed the field
    KEEP = "keep"  # ours: curators changed it, the source did not (or agrees)
    BOTH = "both"  # ours, and a conflict: curators and the source both changed it


def _decide(ours: str, said: str, theirs: str) -> _Decision:
    """Three values of a field as text (source_text): ours now, what the source said when
    last read (said), and what it says now (theirs)."""
    if ours == said:
        return _Decision.TAKE
    if theirs in (ours, said):
        return _Decision.KEEP
    return _Decision.BOTH


def _category_text(slugs: Iterable[str]) -> str:
    """A benchmark's categories as source_values keeps them: sorted slugs."""
    return ", ".join(sorted(slugs))


def _conflict_key(row: Model, name: str, theirs: str) -> tuple:
    """An open conflict over a field, as _Importer._open_conflicts keys them."""
    if isinstance(row, Result):
        return (None, row.pk, name, theirs)
    return (ContentType.objects.get_for_model(row).pk, row.pk, name, theirs)


def _is_sourced(model: type[Model]) -> bool:
    return issubclass(model, SourcedModel)


def _baseline(row: Model, names: Iterable[str]) -> dict[str, str]:
    """What the source last said of the row's fields: its source_values, or for a row
    imported before they were kept, its values (taken to be the source's)."""
    if row.source_values:
        return dict(row.source_values)
    return {name: source_text(getattr(row, name)) for name in names}


def _source_values(values: Mapping[str, Any], names: Iterable[str]) -> dict[str, str]:
    """What source_values keeps of the values a source gives: each named one as text."""
    return {name: source_text(values[name]) for name in names}


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
