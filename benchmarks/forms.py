from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from benchmarks.leaderboard import COLUMNS, DEFAULT_SORT, Filters
from benchmarks.models import Benchmark, Category
from pages.listing import LICENCE_CHOICES, ListForm, SearchField, SortOption, sort_choices


class LeaderboardForm(ListForm):
    """The leaderboard's controls; every value is whitelisted before it is used."""

    DEFAULTS = {"rows": "best", "verified": False, "sort": DEFAULT_SORT}

    rows = forms.ChoiceField(
        label="Show",
        choices=[("best", "Best result per model"), ("all", "Every result")],
        required=False,
    )
    licence = forms.ChoiceField(label="Licence", choices=LICENCE_CHOICES, required=False)
    org = forms.ChoiceField(label="Organization", required=False)
    verified = forms.BooleanField(label="Verified only", required=False)
    q = forms.CharField(label="Search models", max_length=100, required=False)
    sort = forms.ChoiceField(choices=[(key, key) for key in sort_choices(COLUMNS)], required=False)

    def __init__(self, *args, organizations: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "All organizations"), *organizations]


@dataclass(frozen=True)
class LeaderboardQuery:
    every_result: bool
    filters: Filters
    sort: str  # a ?sort= value: a column's key, with "-" for descending

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def as_initial(self) -> dict[str, object]:
        return {
            "rows": "all" if self.every_result else "best",
            "licence": self.filters.licence,
            "org": self.filters.organization,
            "verified": self.filters.verified_only,
            "q": self.filters.search,
            "sort": self.sort,
        }

    def params(self) -> dict[str, str]:
        """The non-default filters as query-string values: the base of the header links."""
        params = {
            "rows": "all" if self.every_result else "",
            "licence": self.filters.licence,
            "org": self.filters.organization,
            "verified": "on" if self.filters.verified_only else "",
            "q": self.filters.search,
        }
        return {name: value for name, value in params.items() if value}


def leaderboard_query(
    params: QueryDict, *, organizations: list[tuple[str, str]]
) -> LeaderboardQuery:
    """Read the page's parameters; each malformed or unknown one falls back to its default."""
    values = LeaderboardForm(params, organizations=organizations).values()
    return LeaderboardQuery(
        every_result=values["rows"] == "all",
        filters=Filters(
            licence=values["licence"],
            verified_only=bool(values["verified"]),
            organization=values["org"],
            search=values["q"].strip(),
        ),
        sort=values["sort"],
    )


def current_spelling(params: QueryDict) -> QueryDict | None:
    """The parameters in today's spelling, in their order, or None when they already are:
    the leaderboard was sorted with `?sort=score&order=desc` (now `?sort=-score`) and
    filtered with `?license=` (now `?licence=`, where "all" is no filter)."""
    renamed_sort = [sort.replace("license", "licence") for sort in params.getlist("sort")]
    if "order" not in params and "license" not in params and renamed_sort == params.getlist("sort"):
        return None
    current = QueryDict(mutable=True)
    for key, values in params.lists():
        if key == "license":
            if "licence" in params:
                continue
            key, values = "licence", [value for value in values if value != "all"]
        elif key == "sort":
            values = renamed_sort
        if key != "order" and values:
            current.setlist(key, values)
    order = params.get("order")
    if order in ("asc", "desc"):
        sort = (current.get("sort") or DEFAULT_SORT).lstrip("-")
        current["sort"] = f"-{sort}" if order == "desc" else sort
    return current


# --- /benchmarks/ ------------------------------------------------------------------------

BENCHMARK_SORT_OPTIONS = {
    option.key: option
    for option in (
        SortOption("name", "Name, A to Z", "name (A to Z)"),
        SortOption("-name", "Name, Z to A", "name (Z to A)"),
        SortOption("-models", "Most models", "most models"),
        SortOption("models", "Fewest models", "fewest models"),
        SortOption("-updated", "Recently updated", "latest update"),
        SortOption("updated", "Least recently updated", "oldest update"),
    )
}
BENCHMARK_DEFAULT_SORT = "name"


class BenchmarkListForm(ListForm):
    """The /benchmarks/ controls; every value is whitelisted before it is used."""

    DEFAULTS = {"sort": BENCHMARK_DEFAULT_SORT}

    q = SearchField(label="Search", max_length=200, required=False)
    category = forms.ChoiceField(label="Category", required=False)
    modality = forms.ChoiceField(
        label="Modality", choices=Benchmark.Modality.choices, required=False
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[(key, option.label) for key, option in BENCHMARK_SORT_OPTIONS.items()],
        required=False,
    )

    def __init__(self, *args, categories: list[Category], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.slug, c.name) for c in categories]


@dataclass(frozen=True)
class BenchmarkFilters:
    """The list's parameters once checked: anything unknown is the default."""

    q: str = ""
    category: str = ""
    modality: str = ""
    sort: str = BENCHMARK_DEFAULT_SORT

    def params(self) -> dict[str, str]:
        """The non-default parameters: the base of every link on the page."""
        values = {
            "q": self.q,
            "category": self.category,
            "modality": self.modality,
            "sort": "" if self.sort == BENCHMARK_DEFAULT_SORT else self.sort,
        }
        return {key: value for key, value in values.items() if value}

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.category or self.modality)


def benchmark_filters(params: QueryDict, *, categories: list[Category]) -> BenchmarkFilters:
    """Read the page's parameters; each malformed or unknown one falls back to its default."""
    values = BenchmarkListForm(params, categories=categories).values()
    return BenchmarkFilters(
        q=values["q"], category=values["category"], modality=values["modality"], sort=values["sort"]
    )
