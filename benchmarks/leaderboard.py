"""Shaping a benchmark's results for its page: pure functions, no database access.

The view loads every result of a benchmark once (results.py rows) and everything on
the page (the table, its ranks, the chart, the frontier, the summary and the FAQ)
is computed here from those rows, so the page's query count does not depend on
how many results there are.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from benchmarks.models import NORMALIZED_PLACES, source_text
from benchmarks.ranking import competition_ranks, merit
from pages.formatting import count_of, format_on_scale, format_result, join_words, with_article
from pages.listing import Column


@dataclass(frozen=True)
class Row:
    """One result as the leaderboard shows it."""

    result_id: int
    model_slug: str
    model_name: str
    organization_slug: str
    organization_name: str
    score: Decimal
    normalized_score: Decimal | None
    analysis_method: str
    status: str
    status_label: str
    is_open: bool
    license_name: str
    parameter_count: int | None
    context_length: int | None
    input_usd_per_million: Decimal | None
    output_usd_per_million: Decimal | None
    release_date: datetime.date | None
    release_date_precision: str
    recorded_on: datetime.date | None
    source_url: str
    benchmark_slug: str = ""
    benchmark_name: str = ""
    source_slug: str = ""
    source_name: str = ""
    # The score its source last gave (Result.source_values["score"]).
    source_said: str | None = None
    # And its normalized score, to show it in the page's unit (empty before an import
    # that kept it, or when the source's score is off the scale).
    source_said_normalized: str | None = None
    withdrawn_at: datetime.datetime | None = None
    rank: int | None = None
    # On a benchmark family's page, the variant a result was measured on ("Agentless"),
    # empty for the benchmark itself.
    variant: str = ""

    def ranked_as(self, rank: int | None) -> "Row":
        """The row with this rank: dataclasses.replace without running __init__ again,
        which took most of the time of ranking a leaderboard of thousands of rows."""
        copy = object.__new__(Row)
        copy.__dict__.update(self.__dict__, rank=rank)
        return copy

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    @property
    def source_score(self) -> str | None:
        """The score its source gives, when curators corrected it; else None."""
        return corrected_from(self.score, self.source_said)

    @property
    def cost(self) -> Decimal | None:
        """Input plus output price per million tokens, for sorting by cost."""
        if self.input_usd_per_million is None or self.output_usd_per_million is None:
            return None
        return self.input_usd_per_million + self.output_usd_per_million


def corrected_from(score: Decimal, said: str | None) -> str | None:
    """The score a result's source gives (as the source wrote it) when curators corrected
    it, so that a page shows both; None when the score is the source's own."""
    return said if said and said != source_text(score) else None


def rows_from_columns(
    columns: Sequence[str], records: Iterable[Sequence[Any]], *, status_labels: dict[str, str]
) -> list[Row]:
    """Leaderboard rows from the tuples of ResultQuerySet.for_leaderboard(), whose
    columns are named like Row's fields but open_weights and licence.

    Made as ranked_as copies a row, without running Row.__init__ (a frozen dataclass
    sets each field through object.__setattr__): for a benchmark of thousands of results
    that took a fifth of reading them.
    """
    rows = []
    for record in records:
        values = dict(zip(columns, record, strict=True))
        values["status_label"] = status_labels[values["status"]]
        values["is_open"] = bool(values.pop("open_weights"))
        values["license_name"] = values.pop("licence") or ""
        values["rank"] = None
        values["variant"] = ""
        row = object.__new__(Row)
        row.__dict__.update(values)
        rows.append(row)
    return rows


def variant_label(name: str, family: str) -> str:
    """How a family's page names a variant: what its name adds to the family's
    ("SWE-bench Verified (Agentless)" in "SWE-Bench Verified" is "Agentless"), else its name."""
    if name.casefold().startswith(family.casefold()):
        added = name[len(family) :].strip(" ()-:,\N{EN DASH}")
        if added:
            return added
    return name


def label_variants(rows: Iterable[Row], *, slug: str, name: str) -> list[Row]:
    """The rows of a benchmark family's page, each from a variant labelled with it."""
    labelled = []
    for row in rows:
        if row.benchmark_slug and row.benchmark_slug != slug:
            copy = object.__new__(Row)
            copy.__dict__.update(row.__dict__, variant=variant_label(row.benchmark_name, name))
            row = copy
        labelled.append(row)
    return labelled


def _merit(row: Row, higher_is_better: bool) -> Decimal | None:
    """The row's merit (ranking.merit), None without a normalized score or when its source
    withdrew it (it is shown, marked, and does not rank)."""
    if row.normalized_score is None or row.withdrawn_at is not None:
        return None
    return merit(row.normalized_score, higher_is_better=higher_is_better)


def best_per_model(rows: Iterable[Row], *, higher_is_better: bool) -> list[Row]:
    """Each model's best result (ties: the earliest recorded, then the lowest id)."""
    best: dict[str, Row] = {}
    for row in rows:
        current = best.get(row.model_slug)
        if current is None or _ranking_key(row, higher_is_better) < _ranking_key(
            current, higher_is_better
        ):
            best[row.model_slug] = row
    return list(best.values())


def _ranking_key(row: Row, higher_is_better: bool) -> tuple:
    row_merit = _merit(row, higher_is_better)
    return (
        row_merit is None,
        -(row_merit or 0),
        row.recorded_on or datetime.date.max,
        row.result_id,
    )


def ranked(rows: Iterable[Row], *, higher_is_better: bool) -> list[Row]:
    """Rows best first, each with its rank (ranking.competition_ranks: 1, 2, 2, 4).

    Rows without a normalized score, and those their source withdrew, come last, unranked.
    """
    ordered = sorted(rows, key=lambda row: _ranking_key(row, higher_is_better))
    scored = [row for row in ordered if _merit(row, higher_is_better) is not None]
    ranks = competition_ranks(_merit(row, higher_is_better) for row in scored)
    return [row.ranked_as(rank) for row, rank in zip(scored, ranks, strict=True)] + [
        row.ranked_as(None) for row in ordered[len(scored) :]
    ]


@dataclass(frozen=True)
class FrontierPoint:
    date: datetime.date
    normalized_score: Decimal
    row: Row


def frontier(rows: Iterable[Row], *, higher_is_better: bool) -> list[FrontierPoint]:
    """The state of the art over time: each dated result that beat every earlier one."""
    dated = sorted(
        (row for row in rows if row.recorded_on and _merit(row, higher_is_better) is not None),
        key=lambda row: (row.recorded_on, _ranking_key(row, higher_is_better)),
    )
    points: list[FrontierPoint] = []
    best: Decimal | None = None
    for row in dated:
        row_merit = _merit(row, higher_is_better)
        if best is None or row_merit > best:
            best = row_merit
            points.append(FrontierPoint(row.recorded_on, row.normalized_score, row))
    return points


@dataclass
class Summary:
    """The numbers the page states in words: lead sentence, "what it measures", FAQ."""

    model_count: int
    result_count: int
    verified_count: int
    self_reported_count: int
    third_party_count: int
    leader: Row | None
    average: Decimal | None
    best_open: Row | None
    last_updated: datetime.datetime | None
    first_recorded: datetime.date | None
    last_recorded: datetime.date | None
    organizations: list[tuple[str, str]] = field(default_factory=list)
    # Results their source withdrew: shown, marked, and counted nowhere else.
    withdrawn_count: int = 0
    # The models with a rank (a normalized score, not withdrawn): "14th of 127".
    ranked_count: int = 0


def summarize(
    results: Sequence[Row],
    board: Sequence[Row],
    *,
    last_updated: datetime.datetime | None,
) -> Summary:
    """Facts about a benchmark from all its results and its ranked one-per-model board.

    The average is taken over each model's best result, on the normalized scale (so
    results reported as fractions and as percentages agree); pages show it in the
    benchmark's unit (pages.formatting.format_on_scale). Results their source withdrew
    are counted apart (withdrawn_count); every other number leaves them out.
    """
    scored = [row.normalized_score for row in board if row.rank is not None]
    leader = board[0] if board and board[0].rank == 1 else None
    current = [row for row in results if row.withdrawn_at is None]
    statuses = Counter(row.status for row in current)
    dates = [row.recorded_on for row in current if row.recorded_on]
    return Summary(
        model_count=len({row.model_slug for row in current}),
        result_count=len(current),
        withdrawn_count=len(results) - len(current),
        ranked_count=len(scored),
        verified_count=statuses["verified"],
        self_reported_count=statuses["self_reported"],
        third_party_count=statuses["third_party"],
        first_recorded=min(dates, default=None),
        last_recorded=max(dates, default=None),
        leader=leader,
        average=(sum(scored) / len(scored)).quantize(NORMALIZED_PLACES) if scored else None,
        best_open=next((row for row in board if row.is_open and row.rank), None),
        last_updated=last_updated,
        organizations=sorted(
            {(row.organization_slug, row.organization_name) for row in results},
            key=lambda pair: pair[1].lower(),
        ),
    )


def authors_shown(authors: Sequence[str], *, limit: int = 4) -> tuple[list[str], int]:
    """The first few authors and how many others there are."""
    return list(authors[:limit]), max(0, len(authors) - limit)


# --- Sorting and filtering the table ---------------------------------------------------------


# The table's columns (pages.listing.Column), in the order people read a leaderboard: who,
# how well, then the facts to choose by, then how and when it was measured (those scroll into
# view at 1280 px; the score stays beside the model on a phone). The order a first click
# gives: best scores, biggest models and newest releases first; names, cost and methods from
# A or cheapest. Rank ascending and score descending both read best first.
COLUMNS = (
    Column("rank", "Rank", numeric=True, first_direction=""),
    Column("model", "Model", first_direction=""),
    Column("score", "Score", numeric=True, first_direction="-"),
    Column("organization", "Organization", first_direction=""),
    Column("status", "Status", first_direction=""),
    Column("parameters", "Parameters", numeric=True, first_direction="-"),
    Column("context", "Context", numeric=True, first_direction="-"),
    Column("cost", "Cost (USD / 1M tokens)", numeric=True, first_direction=""),
    Column("licence", "Licence", first_direction=""),
    Column("method", "Method", first_direction=""),
    Column("release", "Released", first_direction="-"),
    Column("recorded", "Date", first_direction="-"),
    Column("source", "Source"),
)
DEFAULT_SORT = "rank"
_SORT_NAMES = {"cost": "cost", "release": "release date", "recorded": "date recorded"}


def sort_phrase(sort: str) -> str:
    """A ?sort= value in words, for the header links' screen-reader text: "score, best
    first", "parameters, descending"."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    name = _SORT_NAMES.get(key) or next(c.label for c in COLUMNS if c.field == key).lower()
    if key in {"rank", "score"}:
        best_first = descending if key == "score" else not descending
        return f"{name}, {'best' if best_first else 'worst'} first"
    return f"{name}, {'descending' if descending else 'ascending'}"


_SORT_VALUES = {
    "model": lambda row: row.model_name.lower(),
    "organization": lambda row: row.organization_name.lower(),
    "status": lambda row: row.status_label,
    "method": lambda row: row.analysis_method.lower() or None,
    "parameters": lambda row: row.parameter_count,
    "context": lambda row: row.context_length,
    "cost": lambda row: row.cost,
    "licence": lambda row: (not row.is_open, row.license_name.lower()),
    "release": lambda row: row.release_date,
    "recorded": lambda row: row.recorded_on,
}


def sort_rows(rows: Sequence[Row], *, key: str, descending: bool) -> list[Row]:
    """Rows in the asked order; rows without a value for the key always come last.

    Rank and score order by rank (best first when "descending" for score, which is
    how people read "highest score first"); ties keep rank order.
    """
    by_rank = sorted(rows, key=lambda row: (row.rank is None, row.rank or 0))
    if key in {"rank", "score"}:
        best_first = descending if key == "score" else not descending
        ranked_rows = [row for row in by_rank if row.rank is not None]
        unranked = [row for row in by_rank if row.rank is None]
        if not best_first:
            ranked_rows.reverse()
        return ranked_rows + unranked
    value = _SORT_VALUES[key]
    known = [row for row in by_rank if value(row) is not None]
    unknown = [row for row in by_rank if value(row) is None]
    return sorted(known, key=value, reverse=descending) + unknown


@dataclass(frozen=True)
class Filters:
    licence: str = ""  # "" (both), "open" or "proprietary"
    verified_only: bool = False
    organization: str = ""  # an organization slug, or "" for all
    search: str = ""


def filter_rows(rows: Iterable[Row], filters: Filters) -> list[Row]:
    search = filters.search.casefold()
    return [
        row
        for row in rows
        if (filters.licence != "open" or row.is_open)
        and (filters.licence != "proprietary" or not row.is_open)
        and (not filters.verified_only or row.verified)
        and (not filters.organization or row.organization_slug == filters.organization)
        and (not search or search in row.model_name.casefold() or search in row.model_slug)
    ]


# --- Words ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkFacts:
    """What the FAQ needs to know about the benchmark itself."""

    name: str
    description: str
    modality: str
    category_names: Sequence[str]
    paper_url: str
    paper_title: str
    max_score: Decimal
    higher_is_better: bool = True


def faq(facts: BenchmarkFacts, summary: Summary) -> list[tuple[str, str]]:
    """The page's questions and answers, also published as FAQPage JSON-LD."""
    name = facts.name
    leader = summary.leader

    # Where lower is better the best score is the lowest, and says so.
    best = "highest" if facts.higher_is_better else "best (lowest)"

    def shown(row: Row) -> str:
        return format_result(row.score, row.normalized_score, facts.max_score)

    items = [
        (
            f"What is the {name} benchmark?",
            facts.description or f"{name} is {with_article(facts.modality.lower())} benchmark.",
        )
    ]
    if leader:
        items.append(
            (
                f"What is the {name} leaderboard?",
                f"The {name} leaderboard ranks {count_of(summary.model_count, 'AI model')} "
                f"by their results on this benchmark. {leader.model_name} by "
                f"{leader.organization_name} leads with a score of {shown(leader)}."
                + (
                    f" The average score across all models is "
                    f"{format_on_scale(summary.average, facts.max_score)}."
                    if summary.average is not None
                    else ""
                ),
            )
        )
        items.append(
            (
                f"What is the {best} {name} score?",
                f"The {best} {name} score is {shown(leader)}, achieved by "
                f"{leader.model_name} from {leader.organization_name}.",
            )
        )
    else:
        items.append(
            (
                f"What is the {name} leaderboard?",
                f"The {name} leaderboard ranks AI models by their results on this benchmark. "
                "No result has been recorded yet.",
            )
        )
    third_party = summary.third_party_count
    items.append(
        (
            f"How many models are evaluated on {name}?",
            f"{count_of(summary.model_count, 'model')} "
            f"{'has' if summary.model_count == 1 else 'have'} been evaluated on the {name} "
            f"benchmark, with {count_of(summary.verified_count, 'verified result')}, "
            f"{count_of(summary.self_reported_count, 'self-reported result')}"
            + (
                f" and {count_of(third_party, 'result')} reported by third parties."
                if third_party
                else "."
            ),
        )
    )
    if facts.paper_url:
        title = f" ({facts.paper_title})" if facts.paper_title else ""
        items.append(
            (
                f"Where can I find the {name} paper?",
                f"The {name} paper{title} is available at {facts.paper_url}.",
            )
        )
    if facts.category_names:
        items.append(
            (
                f"What categories does {name} cover?",
                f"{name} is categorized under {join_words(facts.category_names)}. "
                f"The benchmark evaluates {facts.modality.lower()} models.",
            )
        )
    best_open = summary.best_open
    if best_open:
        items.append(
            (
                f"What is the best open model on {name}?",
                f"{best_open.model_name} by {best_open.organization_name} is the top-ranked "
                f"open model on {name}, with a score of {shown(best_open)} "
                f"(rank #{best_open.rank}).",
            )
        )
    elif leader:
        items.append(
            (
                f"What is the best open model on {name}?",
                f"No open model has a result on {name} yet.",
            )
        )
    if summary.last_recorded:
        items.append(
            (
                f"How recent are the {name} leaderboard results?",
                f"The newest result on the {name} leaderboard was published in "
                f"{summary.last_recorded:%B %Y}; the leaderboard includes "
                f"{count_of(summary.model_count, 'evaluated model')}.",
            )
        )
    return items
