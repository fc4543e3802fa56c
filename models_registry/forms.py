from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django import forms
from django.http import QueryDict

from pages.listing import LICENCE_CHOICES, ListForm, SortOption

SEARCH_MAX_LENGTH = 200


SORT_OPTIONS = {
    option.key: option
    for option in (
        SortOption("-released", "Newest first", "newest first"),
        SortOption("released", "Oldest first", "oldest first"),
        SortOption("name", "Name, A to Z", "name (A to Z)"),
        SortOption("-name", "Name, Z to A", "name (Z to A)"),
        SortOption("org", "Organization, A to Z", "organization (A to Z)"),
        SortOption("-org", "Organization, Z to A", "organization (Z to A)"),
        SortOption("-params", "Most parameters", "most parameters"),
        SortOption("params", "Fewest parameters", "fewest parameters"),
        SortOption("-context", "Longest context", "longest context"),
        SortOption("context", "Shortest context", "shortest context"),
        SortOption("price", "Cheapest input", "cheapest input price"),
        SortOption("-price", "Dearest input", "dearest input price"),
        SortOption("output", "Cheapest output", "cheapest output price"),
        SortOption("-output", "Dearest output", "dearest output price"),
        SortOption("-results", "Most results", "most results"),
        SortOption("results", "Fewest results", "fewest results"),
    )
}
DEFAULT_SORT = "-released"


class ModelListForm(ListForm):
    """The /models/ controls. Every value is whitelisted or typed before it is used."""

    DEFAULTS = {
        **dict.fromkeys(("min_context", "min_params", "max_params", "max_price"), None),
        **dict.fromkeys(("from", "to"), None),
        "sort": DEFAULT_SORT,
    }

    q = forms.CharField(
        label="Search",
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": "Name or id", "autocomplete": "off"}),
    )
    org = forms.ChoiceField(label="Organization", required=False)
    licence = forms.ChoiceField(
        label="Weights",
        choices=LICENCE_CHOICES,
        required=False,
    )
    multimodal = forms.ChoiceField(
        label="Modality",
        choices=[("", "Any"), ("yes", "Multimodal"), ("no", "Text only")],
        required=False,
    )
    min_context = forms.IntegerField(
        label="Min. context (tokens)", min_value=1, max_value=2**31 - 1, required=False
    )
    min_params = forms.DecimalField(
        label="Min. parameters (B)", min_value=0, max_digits=12, decimal_places=3, required=False
    )
    max_params = forms.DecimalField(
        label="Max. parameters (B)", min_value=0, max_digits=12, decimal_places=3, required=False
    )
    max_price = forms.DecimalField(
        label="Max. input price ($/M)",
        min_value=0,
        max_digits=12,
        decimal_places=4,
        required=False,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[(key, option.label) for key, option in SORT_OPTIONS.items()],
        required=False,
    )

    def __init__(self, *args, organizations: list[tuple[str, str]], **kwargs) -> None:
        kwargs.setdefault("auto_id", "model-%s")
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "All organizations"), *organizations]
        # "from" is a Python keyword, so the date range is added here rather than declared.
        for name, label in (("from", "Released from"), ("to", "Released to")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                input_formats=["%Y-%m-%d"],
                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            )
        self.order_fields(["q", "org", "licence", "multimodal", "min_context", "min_params"])


@dataclass(frozen=True)
class ModelFilters:
    """The list's parameters once checked: anything malformed or unknown is the default."""

    q: str = ""
    org: str = ""
    licence: str = ""
    multimodal: str = ""
    min_context: int | None = None
    min_params: Decimal | None = None
    max_params: Decimal | None = None
    max_price: Decimal | None = None
    released_from: date | None = None
    released_to: date | None = None
    sort: str = DEFAULT_SORT

    @property
    def filtered(self) -> bool:
        return any(
            getattr(self, field.name) not in ("", None)
            for field in fields(self)
            if field.name != "sort"
        )

    def as_initial(self) -> dict[str, object]:
        """The values as the form's fields are named."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        values["from"] = values.pop("released_from")
        values["to"] = values.pop("released_to")
        return values

    def params(self) -> dict[str, str]:
        """The non-default parameters as query-string values: the base of every link."""
        params = {}
        for name, value in self.as_initial().items():
            if value in ("", None) or (name == "sort" and value == DEFAULT_SORT):
                continue
            params[name] = value.isoformat() if isinstance(value, date) else str(value)
        return params


def model_filters(params: QueryDict, *, organizations: list[tuple[str, str]]) -> ModelFilters:
    """Read the page's parameters; each malformed one falls back to its default alone."""
    values = ModelListForm(params, organizations=organizations).values()
    return ModelFilters(
        q=" ".join(str(values["q"]).replace("\x00", "").split()),
        org=values["org"],
        licence=values["licence"],
        multimodal=values["multimodal"],
        min_context=values["min_context"],
        min_params=values["min_params"],
        max_params=values["max_params"],
        max_price=values["max_price"],
        released_from=values["from"],
        released_to=values["to"],
        sort=values["sort"],
    )
