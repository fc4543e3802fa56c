"""Read Every Eval Ever files into plain records, checking each file against its version.

Every Eval Ever (the EvalEval coalition's shared format, MIT) keeps one evaluation run of
one model per file:

    data/{board}/{developer}/{model}/{uuid}.json

with the results of that run (`evaluation_results`), who published them
(`source_metadata`), the model (`model_info`) and, from schema 0.2.2, the harness
(`eval_library`). A board (the folder under data/) is one leaderboard or paper: the Open
LLM Leaderboard, HELM Lite, a HAL agent leaderboard. Per-sample sidecars (`*.jsonl`, named
by `detailed_evaluation_results`) are not read; they are counted.

Nothing here touches the database: `read_tree` turns files into records and collects
what it refused, each refusal named with its file:

- a file that is not a JSON object, names an unknown `schema_version`, or breaks its
  version's schema where this reader relies on it (a required field missing or of the
  wrong type) is refused whole: nothing of it is kept;
- a file whose `evaluation_id` an earlier file (in path order) already gave for the same
  model with the same settings is refused. The Open LLM Leaderboard gives one id to a
  model's runs at two precisions: those are two runs, both kept, and noted;
- a result whose score is not a finite number, lies outside its metric's `min_score` and
  `max_score`, or is measured in levels that have no names is refused; the other results
  of its file are kept.

The files' own field names are kept in the records' comments so that the mapping stays
easy to check against the schemas in ../shared/reference/every-eval-ever/.
"""

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

SCHEMA_VERSIONS = ("0.2.0", "0.2.2", "0.3.0")
# The versions that require eval_library (the harness and its version).
WITH_EVAL_LIBRARY = frozenset({"0.2.2", "0.3.0"})
SOURCE_TYPES = ("documentation", "evaluation_run")
EVALUATOR_RELATIONSHIPS = ("first_party", "third_party", "collaborative", "other")
SCORE_TYPES = ("binary", "continuous", "levels")
# The generation settings a leaderboard row shows, from generation_config.generation_args.
GENERATION_SETTINGS = ("temperature", "top_p", "top_k", "max_tokens", "reasoning", "max_attempts")


class Refusal(StrEnum):
    """Why a file or a result was not kept."""

    NOT_JSON = "not a JSON object"
    UNKNOWN_VERSION = "unknown schema version"
    BREAKS_SCHEMA = "breaks its schema"
    DUPLICATE_ID = "duplicated evaluation_id"
    SCORE_NOT_A_NUMBER = "score not a number"
    SCORE_OUT_OF_RANGE = "score outside its range"
    LEVELS_WITHOUT_NAMES = "levels without names"


@dataclass(frozen=True)
class Finding:
    """A file, or one result of it (result names it), that the reader refused or noted."""

    file: str
    reason: Refusal
    detail: str
    result: str = ""

    def __str__(self) -> str:
        where = f"{self.file}, result “{self.result}”" if self.result else self.file
        return f"[{self.reason}] {where}: {self.detail}"


@dataclass(frozen=True)
class Board:
    """Who published a board's files: source_metadata, as its first file gives it."""

    key: str  # the folder under data/
    name: str  # source_name ("" when the file gives none)
    organization: str  # source_organization_name
    organization_url: str  # source_organization_url
    source_type: str  # documentation (a leaderboard or paper) or evaluation_run
    evaluator_relationship: str  # first_party, third_party, collaborative or other
    details: Mapping[str, Any]  # additional_details


@dataclass(frozen=True)
class ModelInfo:
    """model_info: the model as the file names it."""

    id: str  # usually developer/model, Hugging Face style
    name: str
    developer: str
    inference_platform: str
    inference_engine: str
    details: Mapping[str, Any]  # additional_details: precision, architecture, parameters...

    @property
    def precision(self) -> str:
        return str(self.details.get("precision") or "")

    @property
    def architecture(self) -> str:
        return str(self.details.get("architecture") or "")

    @property
    def params_billions(self) -> Decimal | None:
        return _decimal(self.details.get("params_billions"))


@dataclass(frozen=True)
class Metric:
    """metric_config: what a score measures and on which scale."""

    description: str  # evaluation_description
    lower_is_better: bool
    score_type: str  # continuous, binary or levels ("continuous" when not given)
    min_score: Decimal | None  # None: unbounded (or "-Infinity")
    max_score: Decimal | None
    level_names: tuple[str, ...] = ()
    metric_id: str = ""
    metric_name: str = ""
    metric_unit: str = ""


@dataclass(frozen=True)
class Uncertainty:
    """score_details.uncertainty: how precisely the score is known."""

    standard_error: Decimal | None = None
    ci_lower: Decimal | None = None
    ci_upper: Decimal | None = None
    confidence_level: Decimal | None = None
    standard_deviation: Decimal | None = None
    num_samples: int | None = None


@dataclass(frozen=True)
class EvalResult:
    """One score of one model in one evaluation run, with everything the file says of it."""

    board: str
    file: str
    evaluation_id: str
    evaluation_name: str
    dataset_name: str  # source_data.dataset_name
    metric: Metric
    score: Decimal
    uncertainty: Uncertainty | None
    model: ModelInfo
    retrieved_at: datetime  # retrieved_timestamp
    evaluated_at: datetime | None  # the result's evaluation_timestamp, else the file's
    library: str = ""  # eval_library.name
    library_version: str = ""
    generation: Mapping[str, Any] = field(default_factory=dict)  # GENERATION_SETTINGS given
    scaffold: str = ""  # an agent's scaffold (HAL's agent_scaffold)
    cost_usd: Decimal | None = None  # the run's total cost (HAL's total_cost_usd)

    @property
    def settings(self) -> str:
        """The setting that makes this run a row of its own beside the model's others:
        “HF Open Deep Research · $18.82”, “bfloat16”; "" when none."""
        parts = [self.scaffold, self.model.precision]
        if self.cost_usd is not None:
            parts.append(f"${self.cost_usd:,.2f}")
        return " · ".join(part for part in parts if part)


@dataclass
class EEETree:
    """What read_tree found: the boards, the results kept and what was refused."""

    data_dir: Path
    boards: dict[str, Board] = field(default_factory=dict)
    results: list[EvalResult] = field(default_factory=list)
    refused: list[Finding] = field(default_factory=list)  # not kept
    notes: list[Finding] = field(default_factory=list)  # kept, by a stated rule
    files: int = 0  # evaluation files read (kept or refused)
    sidecars: int = 0  # instance-level files (.jsonl), not read


class EEEDataError(Exception):
    """The location holds no Every Eval Ever data at all."""


def find_data_dir(root: Path) -> Path:
    """The data/ folder: root may be the folder that holds it, or data/ itself."""
    if (root / "data").is_dir():
        return root / "data"
    if root.is_dir() and any(root.glob("*/*/*/*.json")):
        return root
    problem = "does not exist" if not root.exists() else "holds no data/ folder"
    raise EEEDataError(f"{root} {problem} (expected data/BOARD/DEVELOPER/MODEL/*.json)")


def read_tree(root: Path) -> EEETree:
    """Read and check every evaluation file under root, in path order."""
    data_dir = find_data_dir(root)
    tree = EEETree(data_dir=data_dir)
    base = data_dir.parent.as_posix() + "/"
    seen_ids: dict[tuple[str, str], str] = {}
    for path in sorted(data_dir.rglob("*")):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix == ".jsonl":
            tree.sidecars += 1
            continue
        if path.suffix != ".json":
            continue
        tree.files += 1
        _read_file(tree, path, path.as_posix().removeprefix(base), seen_ids)
    return tree


def _read_file(tree: EEETree, path: Path, name: str, seen_ids: dict[tuple[str, str], str]) -> None:
    try:
        data = json.loads(
            path.read_text(encoding="utf-8-sig"), parse_float=Decimal, parse_constant=Decimal
        )
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        tree.refused.append(Finding(name, Refusal.NOT_JSON, str(error)))
        return
    if not isinstance(data, dict):
        tree.refused.append(Finding(name, Refusal.NOT_JSON, f"holds {_describe(data)}"))
        return
    version = data.get("schema_version")
    if version not in SCHEMA_VERSIONS:
        detail = f"schema_version {version!r}; this reader knows {', '.join(SCHEMA_VERSIONS)}"
        tree.refused.append(Finding(name, Refusal.UNKNOWN_VERSION, detail))
        return
    fields = _Fields(data, version)
    header = _header(fields, board=path.relative_to(tree.data_dir).parts[0])
    if fields.problems:
        tree.refused.append(Finding(name, Refusal.BREAKS_SCHEMA, "; ".join(fields.problems)))
        return
    board, model, evaluation_id, retrieved_at, evaluated_at, library, version_text = header
    run = (evaluation_id, _run_settings(fields.data))
    if (first := seen_ids.get(run)) is not None:
        detail = f"{evaluation_id!r} was given first by {first}, for the same model and settings"
        tree.refused.append(Finding(name, Refusal.DUPLICATE_ID, detail))
        return
    if others := [file for (key, _), file in seen_ids.items() if key == evaluation_id]:
        detail = f"{evaluation_id!r} also names {others[0]}, a run with other settings: kept"
        tree.notes.append(Finding(name, Refusal.DUPLICATE_ID, detail))
    seen_ids[run] = name
    tree.boards.setdefault(board.key, board)
    for index, item in enumerate(data["evaluation_results"]):
        result = _result(fields, index, item)
        if isinstance(result, Finding):
            tree.refused.append(Finding(name, result.reason, result.detail, result.result))
            continue
        tree.results.append(
            EvalResult(
                board=board.key,
                file=name,
                evaluation_id=evaluation_id,
                model=model,
                retrieved_at=retrieved_at,
                evaluated_at=result.pop("evaluated_at") or evaluated_at,
                library=library,
                library_version=version_text,
                **result,
            )
        )


class _Fields:
    """Typed access to a file's fields; each problem is noted with its JSON path."""

    def __init__(self, data: dict, version: str) -> None:
        self.data, self.version = data, version
        self.problems: list[str] = []

    def get(self, node: Any, path: str, key: str, kind: type | tuple, *, required: bool) -> Any:
        value = node.get(key) if isinstance(node, dict) else None
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                self.problems.append(f"{where} is missing")
            return None
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            self.problems.append(f"{where} should be {_kind_name(kind)}, not {_describe(value)}")
            return None
        return value

    def choice(self, node: Any, path: str, key: str, choices: tuple, *, required: bool) -> str:
        value = self.get(node, path, key, str, required=required)
        if value is not None and value not in choices:
            self.problems.append(f"{path}.{key} is {value!r}, not one of {', '.join(choices)}")
            return ""
        return value or ""


def _header(fields: _Fields, *, board: str) -> tuple:
    data = fields.data
    evaluation_id = fields.get(data, "", "evaluation_id", str, required=True)
    retrieved = fields.get(data, "", "retrieved_timestamp", str, required=True)
    retrieved_at = _timestamp(retrieved) if retrieved is not None else None
    if retrieved is not None and retrieved_at is None:
        fields.problems.append(f"retrieved_timestamp {retrieved!r} is not a Unix time")
    evaluated = fields.get(data, "", "evaluation_timestamp", str, required=False)
    meta = fields.get(data, "", "source_metadata", dict, required=True)
    path = "source_metadata"
    source = Board(
        key=board,
        name=fields.get(meta, path, "source_name", str, required=False) or "",
        organization=fields.get(meta, path, "source_organization_name", str, required=True) or "",
        organization_url=fields.get(meta, path, "source_organization_url", str, required=False)
        or "",
        source_type=fields.choice(meta, path, "source_type", SOURCE_TYPES, required=True),
        evaluator_relationship=fields.choice(
            meta, path, "evaluator_relationship", EVALUATOR_RELATIONSHIPS, required=True
        ),
        details=fields.get(meta, path, "additional_details", dict, required=False) or {},
    )
    info = fields.get(data, "", "model_info", dict, required=True)
    path = "model_info"
    model = ModelInfo(
        id=fields.get(info, path, "id", str, required=True) or "",
        name=fields.get(info, path, "name", str, required=True) or "",
        developer=fields.get(info, path, "developer", str, required=False) or "",
        inference_platform=fields.get(info, path, "inference_platform", str, required=False) or "",
        inference_engine=_engine(
            fields.get(info, path, "inference_engine", (str, dict), required=False)
        ),
        details=fields.get(
            info, path, "additional_details", dict, required=fields.version == "0.3.0"
        )
        or {},
    )
    library = fields.get(
        data, "", "eval_library", dict, required=fields.version in WITH_EVAL_LIBRARY
    )
    name = version = ""
    if library is not None:
        name = fields.get(library, "eval_library", "name", str, required=True) or ""
        version = fields.get(library, "eval_library", "version", str, required=True) or ""
    results = fields.get(data, "", "evaluation_results", list, required=True)
    if results is not None and not results:
        fields.problems.append("evaluation_results is empty")
    for index, item in enumerate(results or ()):
        _check_result(fields, index, item)
    return source, model, evaluation_id, retrieved_at, _timestamp(evaluated), name, version


def _check_result(fields: _Fields, index: int, item: Any) -> None:
    """The schema's requirements of one result; its values are checked by _result."""
    path = f"evaluation_results[{index}]"
    if not isinstance(item, dict):
        fields.problems.append(f"{path} should be an object, not {_describe(item)}")
        return
    fields.get(item, path, "evaluation_name", str, required=True)
    source_data = fields.get(item, path, "source_data", (dict, list), required=True)
    if isinstance(source_data, dict):
        fields.get(source_data, f"{path}.source_data", "dataset_name", str, required=True)
    metric = fields.get(item, path, "metric_config", dict, required=True)
    if metric is not None:
        mpath = f"{path}.metric_config"
        fields.get(metric, mpath, "lower_is_better", bool, required=True)
        fields.choice(metric, mpath, "score_type", SCORE_TYPES, required=False)
        names = fields.get(metric, mpath, "level_names", list, required=False)
        if names is not None and not all(isinstance(name, str) for name in names):
            fields.problems.append(f"{mpath}.level_names should hold strings")
    details = fields.get(item, path, "score_details", dict, required=True)
    if details is not None:
        fields.get(details, f"{path}.score_details", "score", (int, Decimal), required=True)
        uncertainty = fields.get(
            details, f"{path}.score_details", "uncertainty", dict, required=False
        )
        if uncertainty is not None:
            _check_uncertainty(fields, f"{path}.score_details.uncertainty", uncertainty)


def _check_uncertainty(fields: _Fields, path: str, node: dict) -> None:
    number = (int, Decimal)
    error = fields.get(node, path, "standard_error", dict, required=False)
    if error is not None:
        fields.get(error, f"{path}.standard_error", "value", number, required=True)
    interval = fields.get(node, path, "confidence_interval", dict, required=False)
    if interval is not None:
        fields.get(interval, f"{path}.confidence_interval", "lower", number, required=True)
        fields.get(interval, f"{path}.confidence_interval", "upper", number, required=True)
    fields.get(node, path, "standard_deviation", number, required=False)
    fields.get(node, path, "num_samples", int, required=False)


def _result(fields: _Fields, index: int, item: dict) -> dict | Finding:
    """The values of one result, already checked against the schema; or why it is refused."""
    name = item["evaluation_name"]
    metric_node = item["metric_config"]
    score_type = metric_node.get("score_type") or "continuous"
    metric = Metric(
        description=str(metric_node.get("evaluation_description") or ""),
        lower_is_better=metric_node["lower_is_better"],
        score_type=score_type,
        min_score=_bound(metric_node.get("min_score")),
        max_score=_bound(metric_node.get("max_score")),
        level_names=tuple(metric_node.get("level_names") or ()),
        metric_id=str(metric_node.get("metric_id") or ""),
        metric_name=str(metric_node.get("metric_name") or ""),
        metric_unit=str(metric_node.get("metric_unit") or ""),
    )
    score = Decimal(item["score_details"]["score"])
    if not score.is_finite():
        return Finding("", Refusal.SCORE_NOT_A_NUMBER, f"score is {score}", name)
    if score_type == "levels" and not metric.level_names:
        detail = "score_type is levels but metric_config.level_names is missing or empty"
        return Finding("", Refusal.LEVELS_WITHOUT_NAMES, detail, name)
    low, high = metric.min_score, metric.max_score
    if score_type == "levels":
        low, high = Decimal(0), Decimal(len(metric.level_names) - 1)
    if (low is not None and score < low) or (high is not None and score > high):
        shown = f"{_show(low)} to {_show(high)}"
        return Finding("", Refusal.SCORE_OUT_OF_RANGE, f"{score} is outside {shown}", name)
    source_data = item["source_data"]
    generation = _object(item.get("generation_config"))
    args = _object(generation.get("generation_args"))
    extra = _object(generation.get("additional_details"))
    model_extra = _object(fields.data["model_info"].get("additional_details"))
    return {
        "evaluation_name": name,
        "dataset_name": source_data.get("dataset_name", "")
        if isinstance(source_data, dict)
        else "",
        "metric": metric,
        "score": score,
        "uncertainty": _uncertainty(item["score_details"].get("uncertainty")),
        "evaluated_at": _timestamp(item.get("evaluation_timestamp")),
        "generation": {key: args[key] for key in GENERATION_SETTINGS if args.get(key) is not None},
        "scaffold": str(extra.get("agent_scaffold") or model_extra.get("agent_scaffold") or ""),
        "cost_usd": _decimal(extra.get("total_cost_usd") or model_extra.get("total_cost_usd")),
    }


def _uncertainty(node: dict | None) -> Uncertainty | None:
    if not node:
        return None
    error = node.get("standard_error") or {}
    interval = node.get("confidence_interval") or {}
    found = Uncertainty(
        standard_error=_decimal(error.get("value")),
        ci_lower=_decimal(interval.get("lower")),
        ci_upper=_decimal(interval.get("upper")),
        confidence_level=_decimal(interval.get("confidence_level")),
        standard_deviation=_decimal(node.get("standard_deviation")),
        num_samples=node.get("num_samples"),
    )
    return found if found != Uncertainty() else None


def _run_settings(data: dict) -> str:
    """What tells apart two runs of one model that a board gives one evaluation_id: the
    model's details (precision, scaffold, ...) as canonical JSON."""
    details = _object(data["model_info"].get("additional_details"))
    return json.dumps(details, sort_keys=True, default=str)


def _object(value: Any) -> dict:
    """An optional object the reader looks into, or {} when it is anything else."""
    return value if isinstance(value, dict) else {}


def _engine(value: str | dict | None) -> str:
    """inference_engine: a name, or {name, version}."""
    if isinstance(value, dict):
        return " ".join(str(value[key]) for key in ("name", "version") if value.get(key))
    return value or ""


def _bound(value: Any) -> Decimal | None:
    """A min_score or max_score: a number; "Infinity", "-Infinity" or nothing is unbounded."""
    number = _decimal(value)
    return number if number is not None and number.is_finite() else None


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return None if number.is_nan() else number


def _timestamp(text: str | None) -> datetime | None:
    """A Unix time in seconds, as the format writes it ("1770682486.623709"), or an ISO
    8601 time; None for anything else."""
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not math.isfinite(seconds):
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _show(value: Decimal | None) -> str:
    return "unbounded" if value is None else format(value.normalize(), "f")


def _kind_name(kind: type | tuple) -> str:
    names = {str: "text", bool: "true or false", int: "a whole number", dict: "an object"}
    names |= {list: "an array", Decimal: "a number"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if value is None:
        return "null"
    return f"the number {value}"
