from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from benchmarks.leaderboard import COLUMNS, DEFAULT_SORT, Filters, default_descending


class LeaderboardForm(forms.Form):
    """The leaderboard's controls; every value is whitelisted before it is used."""

    rows = forms.ChoiceField(
        label="Show",
        choices=[("best", "Best result per model"), ("all", "Every result")],
        required=False,
    )
    license = forms.ChoiceField(
        label="Licence",
        choices=[("all", "Open and proprietary"), ("open", "Open"), ("proprietary", "Proprietary")],
        required=False,
    )
    org = forms.ChoiceField(label="Organization", required=False)
    verified = forms.BooleanField(label="Verified only", required=False)
    q = forms.CharField(label="Search models", max_length=100, required=False)
    sort = forms.ChoiceField(choices=[(c.key, c.label) for c in COLUMNS], required=False)
    order = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)

    def __init__(self, *args, organizations: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "All organizations"), *organizations]


@dataclass(frozen=True)
class LeaderboardQuery:
    every_result: bool
    filters: Filters
    sort: str
    descending: bool

    def as_initial(self) -> dict[str, object]:
        return {
            "rows": "all" if self.every_result else "best",
            "license": self.filters.licence,
            "org": self.filters.organization,
            "verified": self.filters.verified_only,
            "q": self.filters.search,
            "sort": self.sort,
            "order": "desc" if self.descending else "asc",
        }


def leaderboard_query(
    params: QueryDict, *, organizations: list[tuple[str, str]]
) -> LeaderboardQuery:
    """Read the page's parameters; each malformed or unknown one falls back to its default."""
    form = LeaderboardForm(params, organizations=organizations)
    form.is_valid()

    def value(name: str, default: object) -> object:
        if name in form.errors:
            return default
        return form.cleaned_data.get(name) or default

    sort = value("sort", DEFAULT_SORT)
    order = value("order", "")
    return LeaderboardQuery(
        every_result=value("rows", "best") == "all",
        filters=Filters(
            licence=value("license", "all"),
            verified_only=bool(value("verified", False)),
            organization=value("org", ""),
            search=value("q", "").strip(),
        ),
        sort=sort,
        descending=(order == "desc") if order else default_descending(sort),
    )
