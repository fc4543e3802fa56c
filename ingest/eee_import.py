"""The Every Eval Ever import's write step: boards become sources, ids become models
(through the crosswalk), evaluations become benchmarks, scores become results.

`import_eee` reads a tree with ingest.eee.read_tree and writes it in one transaction, with
the LLM Stats import's rules (ingest.services): rows matched on natural keys and written in
bulk, a second run of the same files changes nothing, a field curators changed is never
undone, and a result the source no longer gives is marked withdrawn. Each board is a
source of its own (its slug is the board's folder) and each import is one recorded run per
board.

The crosswalk (`developer_key`, `name_key`, `Crosswalk`): an id is linked to an existing
model only when it is certainly the same one, that is, the same developer and the same
name once normalized (DeepSeek's `deepseek-ai/DeepSeek-R1-Distill-Qwen-14B` is LLM Stats'
`deepseek-r1-distill-qwen-14b`). Any other id gets a model of its own; when a model of
another source has the same name under another developer
(`braindao/DeepSeek-R1-Distill-Qwen-14B`), it is suggested, and curators accept or reject
the suggestion in the admin (models_registry.ModelLink). Ids are never merged across
developers by the import.

What a result keeps: its score, normalized when its metric has a lower bound of 0 (a
metric without an upper bound is normalized by its benchmark's best score, and said so in
the benchmark's metric); its standard error and confidence interval; and in `details`
what else the file says of how it was measured. Its analysis method is its variant:
agent scaffold, reasoning effort, precision and cost ("HAL Generalist Agent · high
reasoning effort · $122.49"), so that two settings of one model are two rows.
"""

import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from benchmarks.changelog import EEE_IMPORT_REASON
from benchmarks.models import (
    SCORE_LIMIT,
    SOURCE_FIELDS,
    Benchmark,
    Result,
    normalize,
    source_text,
)
from benchmarks.services import refresh_result_stats
from config.caching import data_changed
from ingest.eee import Board, EEETree, EvalResult, Finding, Metric, read_tree
from ingest.llmstats import Anomaly
from ingest.services import ImportReport, KindCounts, _counts, _Importer, _Rows, record_run
from models_registry.models import SLUG_MAX_LENGTH, AIModel, ModelLink, Organization
from sources.models import Source

SCHEME = "every-eval-ever"
BILLION = Decimal(10**9)
# Trailing words of a developer's name that do not tell developers apart ("Mistral AI" is
# mistralai, "DeepSeek" is deepseek-ai).
_DEVELOPER_SUFFIXES = frozenset({"ai", "inc", "labs", "org", "team"})
_STATUS = {"first_party": Result.Status.SELF_REPORTED}  # anything else: a third party's


def name_key(name: str) -> str:
    """A model's name, or the part of an id after its developer, as the crosswalk compares
    it: case, width and punctuation ignored, dots kept ("Qwen2.5-7B" is qwen2.57b, not
    qwen257b)."""
    name = name.rsplit("/", 1)[-1]
    return re.sub(r"[^a-z0-9.]", "", unicodedata.normalize("NFKC", name).casefold())


def developer_key(developer: str) -> str:
    """A developer's name or slug as the crosswalk compares it: lower case, punctuation
    ignored, and a trailing "AI", "Inc", "Labs", "Org" or "Team" dropped ("deepseek-ai",
    "DeepSeek" and "deepseek" are one developer; "Mistral AI" and "mistralai" too)."""
    words = re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", developer).casefold())
    if len(words) > 1 and words[-1] in _DEVELOPER_SUFFIXES:
        words = words[:-1]
    key = "".join(words)
    if len(words) == 1 and len(key) > 4 and key.endswith("ai"):
        key = key[:-2]
    return key


def developer_of(result: EvalResult) -> str:
    """The developer a result's model id names (its part before "/"), else the file's
    model_info.developer."""
    if "/" in result.model.id:
        return result.model.id.split("/", 1)[0]
    return result.model.developer


def variant(result: EvalResult) -> str:
    """The settings that make a run a row of its own: scaffold, reasoning effort,
    precision and cost; "" when the run names none."""
    effort = str(result.model.details.get("inference_effort") or "")
    parts = [
        result.scaffold,
        f"{effort} reasoning effort" if effort else "",
        result.model.precision,
        f"${result.cost_usd:,.2f}" if result.cost_usd is not None else "",
    ]
    return " · ".join(part for part in parts if part)


@dataclass(frozen=True)
class KnownModel:
    """A model the crosswalk may link an id to, and the keys it is known by."""

    pk: int
    keys: frozenset[tuple[str, str]]  # (developer_key, name_key) pairs
    name_keys: frozenset[str]
    own: bool  # made by this import for ids of its own: never suggested


@dataclass
class Crosswalk:
    """Which model each id is, as the import decides it (pure: no database)."""

    # id -> (model pk, or None for a model to make; how; the suggested model's pk)
    decisions: dict[str, tuple[int | None, str, int | None]] = field(default_factory=dict)
    # The ids of one model to make, by their (developer_key, name_key): the first id names it.
    new_models: dict[tuple[str, str], list[str]] = field(default_factory=dict)


def crosswalk(
    ids: Mapping[str, str], known: Iterable[KnownModel], links: Mapping[str, int]
) -> Crosswalk:
    """Decide each id's model. ids: id -> its developer; links: the ids already linked,
    -> their model's pk (kept: a curator's link or an earlier run's decision).

    Ids with the same developer and name keys are one model. A group with a linked id
    goes to that id's model; else to the one known model with its keys (two known models
    with the same keys are not certain: neither); else it is a new model, and the one
    known model of another developer with its name key, not made by this import, is
    suggested (several are not certain: the first by id)."""
    by_keys: dict[tuple[str, str], set[int]] = defaultdict(set)
    by_name: dict[str, list[KnownModel]] = defaultdict(list)
    for model in known:
        for key in model.keys:
            by_keys[key].add(model.pk)
        if not model.own:
            for key in model.name_keys:
                by_name[key].append(model)
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for external_id, developer in ids.items():
        groups[(developer_key(developer), name_key(external_id))].append(external_id)
    plan = Crosswalk()
    for key, members in groups.items():
        linked = [links[member] for member in members if member in links]
        if linked:
            target, how = linked[0], ModelLink.How.SAME
        elif len(by_keys.get(key, ())) == 1:
            (target,), how = by_keys[key], ModelLink.How.SAME
        else:
            target, how = None, ModelLink.How.OWN
            plan.new_models[key] = members
        suggested = None
        if target is None:
            others = sorted(
                {model.pk for model in by_name.get(key[1], ()) if key not in model.keys}
            )
            suggested = others[0] if others else None
        for member in members:
            if member not in links:
                plan.decisions[member] = (target, how, suggested)
    return plan


@dataclass
class EEEImportReport:
    """What an import of a tree did, board by board."""

    root: Path | str
    dry_run: bool
    boards: dict[str, ImportReport] = field(default_factory=dict)
    links: KindCounts = field(default_factory=KindCounts)
    suggestions: int = 0
    files: int = 0
    results_read: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return self.links.created > 0 or any(board.changed for board in self.boards.values())

    def lines(self) -> list[str]:
        mode = " (dry run: nothing was saved)" if self.dry_run else ""
        per_thousand = self.seconds / max(self.results_read, 1) * 1000
        lines = [
            f"Every Eval Ever import from {self.root}{mode}",
            f"Read {self.files} files, {self.results_read} results, in {self.seconds:.1f} s "
            f"({per_thousand:.2f} s per 1,000 results)",
            f"Model ids: {self.links.created} new ({self.suggestions} with a suggestion for "
            f"curators), {self.links.unchanged} known",
        ]
        for report in self.boards.values():
            lines += ["", *report.lines()]
        return lines


@transaction.atomic
def import_eee(
    *,
    root: Path,
    dry_run: bool = False,
    location: str = "",
    sha256: str = "",
    command: str = "import_eee",
) -> EEEImportReport:
    """Create or update the sources, organizations, models, benchmarks and results of an
    Every Eval Ever tree, and the model links of its ids; never delete anything. A dry
    run does all of it and then rolls back."""
    clock = time.perf_counter()
    started = timezone.now()
    tree = read_tree(root)
    report = EEEImportReport(root=root, dry_run=dry_run, files=tree.files)
    report.results_read = len(tree.results) + sum(1 for f in tree.refused if f.result)
    rows = _Rows.load(None)
    writer = _Writer(rows=rows, tree=tree, now=started)
    writer.models(report)
    for board_key, board in tree.boards.items():
        report.boards[board_key] = writer.board(board)
    refresh_result_stats()
    report.seconds = time.perf_counter() - clock
    if dry_run:
        transaction.set_rollback(True)
        return report
    for board_key, board_report in report.boards.items():
        board_report.run = record_run(
            source=writer.sources[board_key],
            report=board_report,
            command=command,
            location=location or str(root),
            sha256=sha256,
            started_at=started,
        )
    data_changed()
    return report


@dataclass
class _Writer:
    rows: _Rows
    tree: EEETree
    now: datetime
    sources: dict[str, Source] = field(default_factory=dict)
    # model id (as the files give it) -> the model's pk
    model_of: dict[str, int] = field(default_factory=dict)
    # The boards' first models, for their runs' counts: board -> model keys created
    created_models: dict[str, set[str]] = field(default_factory=dict)

    def models(self, report: EEEImportReport) -> None:
        """Decide every id's model (the crosswalk), make the new ones and their
        organizations, and record the new ids' links."""
        rows = self.rows
        first: dict[str, EvalResult] = {}
        for result in self.tree.results:
            first.setdefault(result.model.id, result)
        links = {
            link.external_id: link
            for link in ModelLink.objects.filter(scheme=SCHEME, external_id__in=first)
        }
        own = set(
            ModelLink.objects.filter(scheme=SCHEME, how=ModelLink.How.OWN).values_list(
                "ai_model_id", flat=True
            )
        )
        organization_of = {row.pk: row for row in rows.organizations.values()}
        known = []
        for model in rows.models.values():
            organization = organization_of[model.organization_id]
            developers = {developer_key(organization.slug), developer_key(organization.name)}
            # Certain by the slug alone, which is an id: display names drop what tells
            # models apart (LLM Stats calls gemma-2-27b-it "Gemma 2 27B", the name of
            # the base model's id). The name may suggest.
            known.append(
                KnownModel(
                    pk=model.pk,
                    keys=frozenset((d, name_key(model.slug)) for d in developers),
                    name_keys=frozenset({name_key(model.slug), name_key(model.name)}),
                    own=model.pk in own,
                )
            )
        plan = crosswalk(
            {external_id: developer_of(result) for external_id, result in first.items()},
            known,
            {external_id: link.ai_model_id for external_id, link in links.items()},
        )
        made = self._make_models(plan, first)
        new_links = []
        for external_id, (target, how, suggested) in plan.decisions.items():
            pk = target if target is not None else made[external_id]
            new_links.append(
                ModelLink(
                    scheme=SCHEME,
                    external_id=external_id,
                    ai_model_id=pk,
                    how=how,
                    suggested_id=suggested,
                    suggestion=ModelLink.Suggestion.OPEN if suggested else "",
                )
            )
        ModelLink.objects.bulk_create(new_links)
        self.model_of = {
            **{external_id: link.ai_model_id for external_id, link in links.items()},
            **{link.external_id: link.ai_model_id for link in new_links},
        }
        report.links = KindCounts(created=len(new_links), unchanged=len(links))
        report.suggestions = sum(1 for link in new_links if link.suggested_id)
        self._update_own_models(first, own | set(made.values()))

    def _make_models(self, plan: Crosswalk, first: Mapping[str, EvalResult]) -> dict[str, int]:
        """Make the crosswalk's new models, and the organizations of developers Benchboard
        does not know yet; each id of a new model -> its pk."""
        rows = self.rows
        organization_by_key: dict[str, Organization] = {}
        for organization in sorted(rows.organizations.values(), key=lambda row: row.pk):
            for key in (developer_key(organization.slug), developer_key(organization.name)):
                organization_by_key.setdefault(key, organization)
        slugs = {slug.casefold() for slug in rows.organizations}
        wanted_organizations: dict[str, dict[str, Any]] = {}
        organization_slug: dict[str, str] = {}
        for developer_id, _ in plan.new_models:
            if developer_id in organization_by_key or developer_id in organization_slug:
                continue
            result = first[plan.new_models[(developer_id, _)][0]]
            developer = developer_of(result)
            slug = _free_slug(slugify(developer) or developer_id or "unknown", slugs)
            organization_slug[developer_id] = slug
            wanted_organizations[slug] = {"slug": slug, "name": developer or slug}
        importer = self._importer(None)
        importer._create(Organization, rows.organizations, wanted_organizations)
        for developer_id, slug in organization_slug.items():
            organization_by_key[developer_id] = rows.organizations[slug]
        names = {model.name.casefold() for model in rows.models.values()}
        model_slugs = {slug.casefold() for slug in rows.models}
        wanted: dict[str, dict[str, Any]] = {}
        members_of: dict[str, list[str]] = {}
        for (developer_id, _), members in plan.new_models.items():
            result = first[members[0]]
            name = _model_name(result, names)
            names.add(name.casefold())
            slug = _free_slug(slugify(result.model.id.replace("/", "--")) or "model", model_slugs)
            members_of[slug] = members
            wanted[slug] = {
                "slug": slug,
                "name": name,
                "organization_id": organization_by_key[developer_id].pk,
                **_model_facts(first[member] for member in members),
            }
        importer._create(AIModel, rows.models, wanted, said=("parameter_count", "architecture"))
        return {
            member: rows.models[slug].pk
            for slug, members in members_of.items()
            for member in members
        }

    def _update_own_models(self, first: Mapping[str, EvalResult], own: set[int]) -> None:
        """What the files say of the models made for their ids (parameters, architecture),
        by the import's rule: a curator's value stays."""
        ids_of: dict[int, list[str]] = defaultdict(list)
        for external_id, pk in self.model_of.items():
            if pk in own:
                ids_of[pk].append(external_id)
        by_pk = {row.pk: slug for slug, row in self.rows.models.items()}
        wanted = {
            by_pk[pk]: _model_facts(first[external_id] for external_id in ids)
            for pk, ids in ids_of.items()
        }
        self._importer(None)._update(
            AIModel, self.rows.models, wanted, said=("parameter_count", "architecture")
        )

    def board(self, board: Board) -> ImportReport:
        """Write one board: its source, benchmarks and results."""
        source = self._source(board)
        self.sources[board.key] = source
        results = [result for result in self.tree.results if result.board == board.key]
        title = source.name if board.key in source.name else f"{source.name} ({board.key})"
        report = ImportReport(root=board.key, dry_run=False, title=title)
        report.anomalies = [
            _anomaly(finding)
            for finding in (*self.tree.refused, *self.tree.notes)
            if finding.file.split("/")[1:2] == [board.key]
        ]
        self.rows.results = _Rows.results_of(source)
        # The conflicts name models and benchmarks by id: this board's benchmarks too.
        self.rows._by_id = {}
        importer = self._importer(source)
        benchmark_of, benchmark_counts = self._benchmarks(importer, board, source, results)
        report.counts = {
            "benchmarks": benchmark_counts,
            "results": self._results(importer, source, results, benchmark_of, report),
        }
        report.conflicts = importer.conflicts
        return report

    def _source(self, board: Board) -> Source:
        """The board's source, made on its first import. Curators own it afterwards (its
        name, licence and description): the import never changes it."""
        name = board.name or board.key
        if name == board.key and board.organization:
            name = f"{name} ({board.organization})"
        url = board.organization_url or str(board.details.get("paper") or "")
        source, _ = Source.objects.get_or_create(
            slug=board.key,
            defaults={
                "name": name[:200],
                "kind": Source.Kind.DATASET,
                "publisher": board.organization[:300],
                "evaluator_relationship": board.evaluator_relationship,
                "url": url if url.startswith(("https://", "http://")) else "",
                "description": (
                    f"Results published by {board.organization or 'an unnamed publisher'}, "
                    "as the Every Eval Ever archive (EvalEval coalition) gives them."
                ),
                "licence": "MIT (Every Eval Ever)",
                "licence_url": "https://opensource.org/license/mit",
                "attribution": f"{board.organization or name} via Every Eval Ever"[:200],
                "updated_upstream": True,
            },
        )
        return source

    def _benchmarks(
        self, importer: _Importer, board: Board, source: Source, results: list[EvalResult]
    ) -> tuple[dict[tuple[str, str], str], KindCounts]:
        """One benchmark per evaluation of the board (its dataset and evaluation names),
        its slug prefixed by the board's; each (dataset, evaluation) -> its slug."""
        by_evaluation: dict[tuple[str, str], list[EvalResult]] = defaultdict(list)
        for result in results:
            by_evaluation[(result.dataset_name, result.evaluation_name)].append(result)
        # Slugs follow from the names, so that a second run finds the same benchmarks; two
        # evaluations whose names make the same slug are told apart by a number.
        taken: set[str] = set()
        slug_of: dict[tuple[str, str], str] = {}
        wanted: dict[str, dict[str, Any]] = {}
        for (dataset, evaluation), members in by_evaluation.items():
            label = _evaluation_label(board, dataset, evaluation)
            slug = _free_slug(f"{board.key}-{slugify(label) or 'score'}", taken)
            slug_of[(dataset, evaluation)] = slug
            metric = members[0].metric
            maximum = metric.max_score
            if maximum is None:  # no upper bound: the best score given is the scale
                maximum = max(member.score for member in members)
            wanted[slug] = {
                "slug": slug,
                "name": f"{label} ({board.name or source.name})"[:200],
                "description": metric.description,
                "max_score": max(maximum, Decimal("0.0001")),
                "higher_is_better": not metric.lower_is_better,
                "metric": _metric_details(metric),
            }
        said = ("name", "description", "max_score", "higher_is_better")
        before = set(self.rows.benchmarks)
        created = importer._create(Benchmark, self.rows.benchmarks, wanted, said=said)
        updated = importer._update(Benchmark, self.rows.benchmarks, wanted, said=said, skip=created)
        return slug_of, _counts(wanted, before & set(wanted), created, updated)

    def _results(
        self,
        importer: _Importer,
        source: Source,
        results: list[EvalResult],
        benchmark_of: Mapping[tuple[str, str], str],
        report: ImportReport,
    ) -> KindCounts:
        benchmarks = self.rows.benchmarks
        wanted: dict[tuple[int, int, str], dict[str, Any]] = {}
        given: dict[tuple[int, int, str], list[EvalResult]] = defaultdict(list)
        for result in results:
            benchmark = benchmarks[benchmark_of[(result.dataset_name, result.evaluation_name)]]
            key = (self.model_of[result.model.id], benchmark.pk, variant(result)[:255])
            given[key].append(result)
        repeated = {}
        for key, members in given.items():
            kept = _same_score(members)
            if kept is None:
                repeated[key] = [_Given.of(member) for member in members]
                continue
            values = self._result_values(kept, source, key, report)
            if values is not None:
                wanted[key] = values
        rows = self.rows.results
        before = set(rows)
        created = importer._create(Result, rows, wanted, said=(*SOURCE_FIELDS, "normalized_score"))
        updated = importer._update(Result, rows, wanted, said=SOURCE_FIELDS, skip=created)
        withdrawn = importer._withdraw(wanted.keys() | repeated.keys())
        importer._note_repeats(repeated)
        Result.objects.filter(pk__in=[rows[key].pk for key in wanted]).update(retrieved_at=self.now)
        counts = _counts(wanted, before, created, updated, mentioned=repeated.keys())
        counts.withdrawn = len(withdrawn)
        return counts

    def _result_values(
        self,
        result: EvalResult,
        source: Source,
        key: tuple[int, int, str],
        report: ImportReport,
    ) -> dict[str, Any] | None:
        model_id, benchmark_id, method = key
        benchmark = self.rows.by_id(Benchmark)[benchmark_id]
        if not 0 <= result.score < SCORE_LIMIT:
            report.anomalies.append(
                Anomaly(
                    kind="score Benchboard cannot store",  # type: ignore[arg-type]
                    file=result.file,
                    message=f"“{result.evaluation_name}”: {result.score} is negative or too "
                    "large to store; not imported",
                )
            )
            return None
        metric = result.metric
        normalized = None
        if metric.min_score in (None, Decimal(0)) and result.score <= benchmark.max_score:
            normalized = normalize(result.score, benchmark.max_score)
        uncertainty = result.uncertainty
        return {
            "ai_model_id": model_id,
            "benchmark_id": benchmark_id,
            "analysis_method": method,
            "source_id": source.pk,
            "score": result.score,
            "normalized_score": normalized,
            "status": _STATUS.get(
                self.tree.boards[result.board].evaluator_relationship,
                Result.Status.THIRD_PARTY,
            ),
            "verified_by": "",
            "verified_on": None,
            "notes": "",
            "source_url": "",
            "recorded_on": result.evaluated_at.date() if result.evaluated_at else None,
            "source_record": f"{result.file}, {result.evaluation_name}"[:500],
            "standard_error": uncertainty.standard_error if uncertainty else None,
            "ci_lower": uncertainty.ci_lower if uncertainty else None,
            "ci_upper": uncertainty.ci_upper if uncertainty else None,
            "details": _result_details(result),
            "withdrawn_at": None,
        }

    def _importer(self, source: Source | None) -> _Importer:
        return _Importer(
            rows=self.rows, plan=None, now=self.now, source=source, reason=EEE_IMPORT_REASON
        )


@dataclass(frozen=True)
class _Given:
    """A result the board gave twice, as the repeated-result conflict names it."""

    score: Decimal
    file: str
    label: str

    @classmethod
    def of(cls, result: EvalResult) -> "_Given":
        return cls(score=result.score, file=result.file, label=result.evaluation_name)


def _same_score(results: list[EvalResult]) -> EvalResult | None:
    """Of results given for one row, the one to keep: the most precise, when every other
    is the same score rounded (0.0423 and 0.04225352...); None when they differ."""
    finest = max(results, key=lambda result: -result.score.as_tuple().exponent)
    for result in results:
        places = result.score.as_tuple().exponent
        if finest.score.quantize(Decimal(1).scaleb(places)) != result.score:
            return None
    return finest


def _free_slug(slug: str, taken: set[str]) -> str:
    """slug, or slug-2, slug-3...: the first not in taken (compared case-insensitively),
    which it joins."""
    slug = slug[: SLUG_MAX_LENGTH - 4]
    candidate, number = slug, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{slug}-{number}"
    taken.add(candidate.casefold())
    return candidate


def _model_name(result: EvalResult, taken: set[str]) -> str:
    """A new model's name: the file's display name for it ("Yi 34B", "Claude Haiku 4.5
    (October 2025)", without the reasoning effort that HAL puts in it, which is the
    variant's); the id, which names the developer, when the file's name is only the id's
    last part ("braindao/DeepSeek-R1-Distill-Qwen-14B", not "DeepSeek-R1-Distill-Qwen-14B",
    which reads as DeepSeek's), or when another model has the name."""
    name = result.model.name.strip()
    effort = str(result.model.details.get("inference_effort") or "")
    if effort:
        name = re.sub(rf"\s+{re.escape(effort)}\b", "", name, flags=re.IGNORECASE)
    if "/" in result.model.id and name in ("", result.model.id.rsplit("/", 1)[-1]):
        name = result.model.id
    if name and name.casefold() not in taken:
        return name[:200]
    name = result.model.id
    number = 1
    candidate = name[:200]
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{name[:190]} ({number})"
    return candidate


def _model_facts(results: Iterable[EvalResult]) -> dict[str, Any]:
    """What the files say of a model: its parameters (in billions there) and its
    architecture, from the first file that gives each."""
    parameters, architecture = None, ""
    for result in results:
        billions = result.model.params_billions
        if parameters is None and billions is not None and billions > 0:
            parameters = int(billions * BILLION) or None
        architecture = architecture or result.model.architecture
    return {"parameter_count": parameters, "architecture": architecture[:100]}


def _evaluation_label(board: Board, dataset: str, evaluation: str) -> str:
    """What an evaluation is called on its board: its name, after its dataset's when the
    board holds several datasets that share evaluation names ("RewardBench 2 Safety")."""
    if not dataset or dataset in (board.key, board.name) or evaluation.startswith(dataset):
        return evaluation
    if dataset == evaluation:
        return evaluation
    return f"{dataset} {evaluation}"


def _metric_details(metric: Metric) -> dict[str, Any]:
    """Benchmark.metric: how the source scores it, as text, only what it says."""
    details = {
        "score_type": metric.score_type,
        "min_score": _text(metric.min_score),
        "max_score": _text(metric.max_score),
        "unbounded": metric.max_score is None,
        "level_names": list(metric.level_names),
        "metric_id": metric.metric_id,
        "metric_name": metric.metric_name,
        "unit": metric.metric_unit,
    }
    return {name: value for name, value in details.items() if value not in ("", None, [], False)}


def _result_details(result: EvalResult) -> dict[str, Any]:
    """Result.details: what the file says of how the score was measured, as text."""
    uncertainty = result.uncertainty
    details = {
        "evaluation_id": result.evaluation_id,
        "model_id": result.model.id,
        "model_name": result.model.name,
        "harness": result.library,
        "harness_version": result.library_version,
        "generation": {name: _text(value) for name, value in result.generation.items()},
        "scaffold": result.scaffold,
        "reasoning_effort": str(result.model.details.get("inference_effort") or ""),
        "precision": result.model.precision,
        "cost_usd": _text(result.cost_usd),
        "inference_platform": result.model.inference_platform,
        "inference_engine": result.model.inference_engine,
        "evaluated_at": result.evaluated_at.isoformat() if result.evaluated_at else "",
        "retrieved_at": result.retrieved_at.isoformat() if result.retrieved_at else "",
        "confidence_level": _text(uncertainty.confidence_level) if uncertainty else "",
        "standard_deviation": _text(uncertainty.standard_deviation) if uncertainty else "",
        "num_samples": uncertainty.num_samples if uncertainty else None,
    }
    return {name: value for name, value in details.items() if value not in ("", None, {})}


def _text(value: Any) -> Any:
    """A Decimal as source_text writes it; anything else as it is."""
    if isinstance(value, Decimal):
        return source_text(value)
    return value


def _anomaly(finding: Finding) -> Anomaly:
    """A reader's finding as a run's anomaly."""
    where = f"“{finding.result}”: " if finding.result else ""
    return Anomaly(kind=finding.reason, file=finding.file, message=f"{where}{finding.detail}")  # type: ignore[arg-type]
