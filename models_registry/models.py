import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

# Slugs are the data source's own ids so that pages keep stable addresses. Real
# ids carry characters a Django SlugField refuses ("mbpp+", "graphwalks-bfs-<128k",
# "humanity's-last-exam"), so a slug here is any run of visible characters
# without the few that would break a URL path segment.
validate_slug = RegexValidator(
    r"^[^\s/?#%\\]+\Z",
    "A slug has no spaces and none of the characters / ? # % \\.",
)
SLUG_MAX_LENGTH = 200
URL_MAX_LENGTH = 500


def slug_field() -> models.CharField:
    return models.CharField(max_length=SLUG_MAX_LENGTH, validators=[validate_slug])


def slug_constraints(model_name: str) -> list[models.BaseConstraint]:
    """The unique slug and a database-level guard against empty or path-breaking ones."""
    return [
        models.UniqueConstraint(fields=["slug"], name=f"{model_name}_slug_unique"),
        models.CheckConstraint(
            condition=~Q(slug="") & ~Q(slug__contains="/"), name=f"{model_name}_slug_valid"
        ),
    ]


class TimestampedModel(models.Model):
    """Every record knows when it was created and last changed ("last updated")."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TicketedHistory(models.Model):
    """Columns every historical record adds to django-simple-history's own.

    history_change_reason (simple-history's) is the public reason shown in change
    logs; history_ticket names the report or submission that caused the change, for
    curators only (a ticket's reference is its private key, so it never goes public).
    """

    history_ticket = models.CharField(max_length=40, blank=True)

    class Meta:
        abstract = True


def history(*, excluded: Iterable[str] = ()) -> HistoricalRecords:
    return HistoricalRecords(
        bases=[TicketedHistory], excluded_fields=["updated_at", "source_values", *excluded]
    )


class SourcedModel(models.Model):
    """A record an import writes, which curators may correct.

    source_values keeps what the importing source last said of each field it gives, as
    text (benchmarks.models.source_text): a field that differs from it was changed here,
    and an import does not undo it (ingest.services). Bookkeeping, not history.
    """

    source_values = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True


class DatePrecision(models.TextChoices):
    """How much of a stored date is known: sources often give only a month."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


# Every record that `manage.py load_demo` writes links under this address; the
# .invalid top-level domain (RFC 2606) can never resolve to a real site.
DEMO_URL_PREFIX = "https://demo.benchboard.invalid/"


class OrganizationQuerySet(models.QuerySet):
    def demo(self) -> "OrganizationQuerySet":
        """The synthetic demo data's organizations (`manage.py load_demo`)."""
        return self.filter(website__startswith=DEMO_URL_PREFIX)


class Organization(SourcedModel, TimestampedModel):
    slug = slug_field()
    name = models.CharField(max_length=200)
    website = models.URLField(max_length=URL_MAX_LENGTH, blank=True)
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code, for example US."
    )
    description = models.TextField(blank=True)

    history = history()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = slug_constraints("organization")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.slug])


class License(SourcedModel, TimestampedModel):
    slug = slug_field()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    allows_commercial_use = models.BooleanField(default=False)
    open_weights = models.BooleanField(
        null=True,
        help_text="Whether models under this licence publish their weights; empty when unknown.",
    )

    class Meta:
        ordering = ["name"]
        constraints = slug_constraints("license")

    def __str__(self) -> str:
        return self.name


# A list search reads at most this many words.
SEARCH_MAX_WORDS = 8


class ListQuerySet(models.QuerySet):
    """The base of the lists' QuerySets (/models/, /benchmarks/): the search box's words and
    the order of a ?sort= value."""

    search_fields: tuple[str, ...] = ("name", "slug")

    def matching_words(self, q: str) -> "models.QuerySet":
        """Rows where every word appears in one of search_fields."""
        condition = Q()
        for word in q.split()[:SEARCH_MAX_WORDS]:
            either = Q()
            for field in self.search_fields:
                either |= Q(**{f"{field}__icontains": word})
            condition &= either
        return self.filter(condition)

    def in_list_order(
        self, sort: str, expressions: Mapping[str, models.Expression]
    ) -> "models.QuerySet":
        """Ordered by a ?sort= value: "name" (case-insensitive), or a key of expressions;
        a leading "-" for descending; nulls last, then by name and id."""
        key, descending = sort.lstrip("-"), sort.startswith("-")
        name = models.functions.Lower("name")
        if key == "name":
            return self.order_by(name.desc(), "-pk") if descending else self.order_by(name, "pk")
        expression = expressions[key]
        first = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        return self.order_by(first, name, "pk")


# The order behind each /models/ sort key but "name" (ListQuerySet.in_list_order).
_MODEL_LIST_ORDER = {
    "org": models.functions.Lower("organization__name"),
    "released": models.F("release_date"),
    "params": models.F("parameter_count"),
    "context": models.F("input_context_length"),
    "price": models.F("cheapest_input"),
    "output": models.F("cheapest_output"),
    "results": models.F("result_count"),
}
BILLION = 10**9


class AIModelQuerySet(ListQuerySet):
    def for_list(
        self,
        *,
        q: str = "",
        org: str = "",
        licence: str = "",
        multimodal: str = "",
        min_context: int | None = None,
        min_params: Decimal | None = None,
        max_params: Decimal | None = None,
        max_price: Decimal | None = None,
        released_from: datetime.date | None = None,
        released_to: datetime.date | None = None,
        sort: str = "-released",
    ) -> "AIModelQuerySet":
        """The /models/ list (models_registry.forms.ModelFilters): the models the filters
        keep, in the order of `sort` (a ?sort= value), with what a row shows: cheapest
        current prices and result counts. Parameters are in billions."""
        ai_models = self.with_cheapest_price().with_result_count()
        if q:
            ai_models = ai_models.matching_words(q)
        if org:
            ai_models = ai_models.filter(organization__slug=org)
        if licence == "open":
            ai_models = ai_models.open_weights()
        elif licence == "proprietary":
            ai_models = ai_models.proprietary()
        if multimodal:
            ai_models = ai_models.filter(multimodal=multimodal == "yes")
        if min_context is not None:
            ai_models = ai_models.filter(input_context_length__gte=min_context)
        if min_params is not None:
            ai_models = ai_models.filter(parameter_count__gte=int(min_params * BILLION))
        if max_params is not None:
            ai_models = ai_models.filter(parameter_count__lte=int(max_params * BILLION))
        if max_price is not None:
            ai_models = ai_models.filter(cheapest_input__lte=max_price)
        if released_from is not None:
            ai_models = ai_models.filter(release_date__gte=released_from)
        if released_to is not None:
            ai_models = ai_models.filter(release_date__lte=released_to)
        return (
            ai_models.in_list_order(sort, _MODEL_LIST_ORDER)
            .select_related("organization", "license")
            .only(
                "slug",
                "name",
                "release_date",
                "release_date_precision",
                "parameter_count",
                "input_context_length",
                "multimodal",
                "organization__slug",
                "organization__name",
                "license__name",
                "license__open_weights",
            )
        )

    def open_weights(self) -> "AIModelQuerySet":
        return self.filter(license__open_weights=True)

    def proprietary(self) -> "AIModelQuerySet":
        return self.exclude(license__open_weights=True)

    def newest(self) -> "AIModelQuerySet":
        return self.order_by(models.F("release_date").desc(nulls_last=True), "name")

    def with_cheapest_price(self) -> "AIModelQuerySet":
        """Annotate cheapest_input and cheapest_output: the prices of the model's cheapest
        current offering; None when no current offering has both prices."""
        return self.annotate(**cheapest_price(models.OuterRef("pk")))

    def with_result_count(self) -> "AIModelQuerySet":
        """Annotate result_count, the model's benchmark results, as a correlated subquery
        (a join and GROUP BY would have to group by the price subqueries too)."""
        # Result lives in the benchmarks app, which imports this module.
        result_model = self.model._meta.get_field("results").related_model
        counts = (
            result_model.objects.filter(ai_model=models.OuterRef("pk"))
            .order_by()
            .values("ai_model")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            result_count=models.functions.Coalesce(
                models.Subquery(counts), 0, output_field=models.IntegerField()
            )
        )

    def with_results_updated_at(self) -> "AIModelQuerySet":
        """Annotate results_updated_at: when any of the model's results last changed
        (None without results), as a correlated subquery; for the model page's
        "last updated"."""
        result_model = self.model._meta.get_field("results").related_model
        latest = (
            result_model.objects.filter(ai_model=models.OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return self.annotate(results_updated_at=models.Subquery(latest))


def cheapest_price(ai_model: models.OuterRef) -> dict[str, models.Subquery]:
    """cheapest_input and cheapest_output annotations for the model that ai_model names.

    The cheapest current offering has the lowest input plus output price; the two
    correlated subqueries are served by offering_model_price_idx.
    """
    cheapest = (
        Offering.objects.filter(
            ai_model=ai_model,
            deprecated_at__isnull=True,
            input_usd_per_million__isnull=False,
            output_usd_per_million__isnull=False,
        )
        .annotate(total=models.F("input_usd_per_million") + models.F("output_usd_per_million"))
        .order_by("total", "input_usd_per_million", "pk")
    )
    return {
        "cheapest_input": models.Subquery(cheapest.values("input_usd_per_million")[:1]),
        "cheapest_output": models.Subquery(cheapest.values("output_usd_per_million")[:1]),
    }


class AIModel(SourcedModel, TimestampedModel):
    slug = slug_field()
    name = models.CharField(max_length=200)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="ai_models"
    )
    description = models.TextField(blank=True)
    release_date = models.DateField(null=True, blank=True)
    release_date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    announcement_date = models.DateField(null=True, blank=True)
    announcement_date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    license = models.ForeignKey(
        License, on_delete=models.PROTECT, related_name="ai_models", null=True, blank=True
    )
    parameter_count = models.BigIntegerField(
        null=True, blank=True, help_text="Number of parameters (not billions)."
    )
    training_tokens = models.BigIntegerField(
        null=True, blank=True, help_text="Number of training tokens (not trillions)."
    )
    input_context_length = models.PositiveIntegerField(
        null=True, blank=True, help_text="Longest input, in tokens."
    )
    output_context_length = models.PositiveIntegerField(
        null=True, blank=True, help_text="Longest output, in tokens."
    )
    multimodal = models.BooleanField(default=False)
    knowledge_cutoff = models.DateField(null=True, blank=True)
    knowledge_cutoff_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    fine_tuned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, related_name="fine_tunes", null=True, blank=True
    )
    paper_url = models.URLField("paper", max_length=URL_MAX_LENGTH, blank=True)
    weights_url = models.URLField("weights", max_length=URL_MAX_LENGTH, blank=True)
    repository_url = models.URLField("repository", max_length=URL_MAX_LENGTH, blank=True)
    api_docs_url = models.URLField("API docs", max_length=URL_MAX_LENGTH, blank=True)
    playground_url = models.URLField("playground", max_length=URL_MAX_LENGTH, blank=True)
    announcement_url = models.URLField("announcement", max_length=URL_MAX_LENGTH, blank=True)
    architecture = models.CharField(
        max_length=100, blank=True, help_text="For example LlamaForCausalLM."
    )

    objects = AIModelQuerySet.as_manager()
    history = history()

    class Meta:
        verbose_name = "AI model"
        ordering = ["name"]
        constraints = [
            *slug_constraints("aimodel"),
            # Every page lists models by name: two models named alike could not be told
            # apart (the LLM Stats import names them apart, ingest.llmstats).
            models.UniqueConstraint(
                models.functions.Lower("name"),
                name="aimodel_name_unique",
                violation_error_message=(
                    "Another model has this name: add what tells them apart, such as its "
                    'release month in parentheses, "Claude 3.5 Sonnet (Oct 2024)".'
                ),
            ),
            models.CheckConstraint(
                condition=Q(parameter_count__isnull=True) | Q(parameter_count__gt=0),
                name="aimodel_parameter_count_positive",
            ),
            models.CheckConstraint(
                condition=Q(training_tokens__isnull=True) | Q(training_tokens__gt=0),
                name="aimodel_training_tokens_positive",
            ),
            models.CheckConstraint(
                condition=~Q(fine_tuned_from=models.F("pk")),
                name="aimodel_not_fine_tuned_from_itself",
            ),
        ]
        indexes = [
            # Newest models: home page and /models/ sorted by release date.
            models.Index(fields=["-release_date"], name="aimodel_release_date_idx"),
            # An organization's models over time.
            models.Index(fields=["organization", "release_date"], name="aimodel_org_release_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("models_registry:detail", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return bool(self.license and self.license.open_weights)


class Provider(SourcedModel, TimestampedModel):
    slug = slug_field()
    name = models.CharField(max_length=200)
    website = models.URLField(max_length=URL_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = slug_constraints("provider")

    def __str__(self) -> str:
        return self.name


class Offering(SourcedModel, TimestampedModel):
    """A model as one API provider serves it: price, speed, limits and features."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="offerings")
    ai_model = models.ForeignKey(
        AIModel, on_delete=models.CASCADE, related_name="offerings", verbose_name="AI model"
    )
    provider_model_name = models.CharField(
        max_length=200, blank=True, help_text="The model's id in the provider's API."
    )
    input_usd_per_million = models.DecimalField(
        "input, USD per million tokens", max_digits=12, decimal_places=4, null=True, blank=True
    )
    output_usd_per_million = models.DecimalField(
        "output, USD per million tokens", max_digits=12, decimal_places=4, null=True, blank=True
    )
    throughput = models.FloatField(null=True, blank=True, help_text="Tokens per second.")
    latency = models.FloatField(null=True, blank=True, help_text="Seconds to the first token.")
    quantization = models.CharField(max_length=50, blank=True)
    max_input_tokens = models.PositiveIntegerField(null=True, blank=True)
    max_output_tokens = models.PositiveIntegerField(null=True, blank=True)
    supports_web_search = models.BooleanField(null=True)
    supports_function_calling = models.BooleanField(null=True)
    supports_structured_output = models.BooleanField(null=True)
    supports_code_execution = models.BooleanField(null=True)
    supports_batch_inference = models.BooleanField(null=True)
    supports_finetuning = models.BooleanField(null=True)
    input_text = models.BooleanField(null=True)
    input_image = models.BooleanField(null=True)
    input_audio = models.BooleanField(null=True)
    input_video = models.BooleanField(null=True)
    output_text = models.BooleanField(null=True)
    output_image = models.BooleanField(null=True)
    output_audio = models.BooleanField(null=True)
    output_video = models.BooleanField(null=True)
    deprecated_at = models.DateTimeField(null=True, blank=True)

    history = history()

    class Meta:
        ordering = ["ai_model__name", "provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ai_model", "provider"], name="offering_model_provider_unique"
            ),
            models.CheckConstraint(
                condition=Q(input_usd_per_million__isnull=True) | Q(input_usd_per_million__gte=0),
                name="offering_input_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(output_usd_per_million__isnull=True) | Q(output_usd_per_million__gte=0),
                name="offering_output_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(throughput__isnull=True) | Q(throughput__gte=0),
                name="offering_throughput_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(latency__isnull=True) | Q(latency__gte=0),
                name="offering_latency_not_negative",
            ),
        ]
        indexes = [
            # Cheapest provider of a model: leaderboard cost column, model page prices.
            models.Index(
                fields=["ai_model", "input_usd_per_million"], name="offering_model_price_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ai_model} at {self.provider}"


class ModelLinkQuerySet(models.QuerySet):
    def suggested(self) -> "ModelLinkQuerySet":
        """The links whose suggestion curators have not decided yet."""
        return self.filter(suggestion=ModelLink.Suggestion.OPEN)


class ModelLink(TimestampedModel):
    """Which model a source's id for a model is: the crosswalk between sources.

    An import links an id to an existing model only when it is certainly the same (same
    developer, same name once normalized); otherwise it makes a model of its own for the
    id and, when another model looks like the same one (same name, another developer),
    suggests it. Curators accept a suggestion (the id's results move to that model, and
    later imports put them there) or reject it (the models stay apart, and the
    suggestion is not made again).
    """

    class How(models.TextChoices):
        SAME = "same", "Same developer and name"
        OWN = "own", "A model of its own"
        CURATORS = "curators", "Linked by curators"

    class Suggestion(models.TextChoices):
        NONE = "", "None"
        OPEN = "open", "To decide"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    scheme = models.CharField(
        max_length=50, help_text="Whose ids these are, for example every-eval-ever."
    )
    external_id = models.CharField("id", max_length=300)
    ai_model = models.ForeignKey(
        AIModel, on_delete=models.CASCADE, related_name="links", verbose_name="AI model"
    )
    how = models.CharField(max_length=8, choices=How.choices)
    suggested = models.ForeignKey(
        AIModel,
        on_delete=models.SET_NULL,
        related_name="suggested_links",
        null=True,
        blank=True,
        verbose_name="suggested model",
        help_text="Another developer's model with the same name: perhaps the same model.",
    )
    suggestion = models.CharField(
        max_length=8, choices=Suggestion.choices, default=Suggestion.NONE, blank=True
    )
    decided_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ModelLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "model link"
        ordering = ["scheme", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "external_id"], name="modellink_scheme_id_unique"
            ),
        ]
        indexes = [
            # The suggestions to decide, in the admin.
            models.Index(fields=["suggestion", "scheme"], name="modellink_suggestion_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} → {self.ai_model}"
