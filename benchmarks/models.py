import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Greatest, Lower, Round
from django.urls import reverse

from models_registry.models import (
    URL_MAX_LENGTH,
    AIModel,
    ListQuerySet,
    SourcedModel,
    TimestampedModel,
    cheapest_price,
    history,
    slug_constraints,
    slug_field,
)


class CategoryQuerySet(models.QuerySet):
    def with_model_count(self) -> "CategoryQuerySet":
        """Annotate model_count: the distinct models with a result on any of its benchmarks."""
        return self.annotate(
            model_count=models.Count("benchmarks__results__ai_model", distinct=True)
        )

    def most_measured(self) -> "CategoryQuerySet":
        """The categories with models measured, the most first (the home page's)."""
        return (
            self.with_model_count()
            .filter(model_count__gt=0)
            .order_by("-model_count", Lower("name"), "pk")
        )

    def with_measured_model_count(self) -> "CategoryQuerySet":
        """Annotate measured, what with_model_count counts, as a correlated subquery over
        the results: for one category's page, without grouping the whole query."""
        measured = (
            Result.objects.filter(benchmark__categories=models.OuterRef("pk"))
            .order_by()
            .values("benchmark__categories")
            .annotate(count=models.Count("ai_model", distinct=True))
            .values("count")
        )
        return self.annotate(measured=Coalesce(models.Subquery(measured), 0))


class Category(TimestampedModel):
    slug = slug_field()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["name"]
        constraints = slug_constraints("category")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("benchmarks:category-detail", args=[self.slug])


def model_count(benchmark: models.Expression | str, *, scored: bool = False) -> Coalesce:
    """How many distinct models have a result on the benchmark that `benchmark` names (an
    OuterRef, or the name of the outer query's benchmark id column), or only a result
    with a normalized score that its source has not withdrawn (one that ranks) when
    `scored`: what Benchmark.model_count and
    scored_model_count store. A correlated subquery that reads result_benchmark_model_idx
    alone: counting over a join of the results to the benchmarks, then grouping, took
    ten times as long on 100,000 results."""
    if isinstance(benchmark, str):
        benchmark = models.OuterRef(benchmark)
    results = Result.objects.filter(benchmark=benchmark)
    if scored:
        results = results.filter(normalized_score__isnull=False, withdrawn_at__isnull=True)
    count = (
        results.order_by()
        .values("benchmark_id")
        .annotate(count=models.Count("ai_model", distinct=True))
        .values("count")
    )
    return Coalesce(models.Subquery(count), 0)


def results_updated_at() -> models.Subquery:
    """When the outer query's benchmark's most recently changed result changed (None
    without results): what Benchmark.results_updated_at stores."""
    newest = Result.objects.filter(benchmark=models.OuterRef("pk")).order_by("-updated_at")
    return models.Subquery(newest.values("updated_at")[:1])


# A normalized score is kept to six decimal places (Result.normalized_score).
NORMALIZED_PLACES = Decimal("0.000001")


def normalize(score: Decimal, scale: Decimal) -> Decimal:
    """`score` on a 0 to 1 scale when `scale` is its maximum, rounded half up to six places.
    Benchmark.normalized is the rule for a score on the benchmark's own scale; an importer
    whose source writes fractions or percentages names the scale it reads them on."""
    return (score / scale).quantize(NORMALIZED_PLACES, rounding=ROUND_HALF_UP)


# The order behind each /benchmarks/ sort key but "name" (ListQuerySet.in_list_order).
_BENCHMARK_LIST_ORDER = {"models": F("model_count"), "updated": F("last_update")}
BENCHMARK_LIST_SORTS = frozenset(
    f"{direction}{key}" for key in ("name", *_BENCHMARK_LIST_ORDER) for direction in ("", "-")
)


class BenchmarkQuerySet(ListQuerySet):
    search_fields = ("name", "slug", "description")

    def for_list(
        self, *, q: str = "", category_id: int | None = None, modality: str = "", sort: str = "name"
    ) -> "BenchmarkQuerySet":
        """The /benchmarks/ list: the benchmarks matching the search, in the category and of
        the modality, in the order of `sort`, with their categories and last update."""
        benchmarks = self
        if q:
            benchmarks = benchmarks.matching_words(q)
        if category_id is not None:
            benchmarks = benchmarks.filter(categories=category_id)
        if modality:
            benchmarks = benchmarks.filter(modality=modality)
        return (
            benchmarks.annotate(
                # A benchmark changes when it is edited or when any of its results is.
                last_update=Greatest("updated_at", Coalesce("results_updated_at", "updated_at")),
            )
            .only("slug", "name", "description", "modality", "updated_at", "model_count")
            .prefetch_related(
                models.Prefetch("categories", queryset=Category.objects.only("slug", "name"))
            )
            .in_list_order(sort, _BENCHMARK_LIST_ORDER)
        )


class Benchmark(SourcedModel, TimestampedModel):
    class Modality(models.TextChoices):
        TEXT = "text", "Text"
        IMAGE = "image", "Image"
        AUDIO = "audio", "Audio"
        VIDEO = "video", "Video"
        MULTIMODAL = "multimodal", "Multimodal"

    slug = slug_field()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    categories = models.ManyToManyField(Category, related_name="benchmarks", blank=True)
    modality = models.CharField(max_length=12, choices=Modality.choices, default=Modality.TEXT)
    multilingual = models.BooleanField(default=False)
    language = models.CharField(
        max_length=16, default="en", help_text="Main language, ISO 639-1 code."
    )
    max_score = models.DecimalField(
        max_digits=14, decimal_places=4, default=Decimal(1), help_text="Highest possible score."
    )
    higher_is_better = models.BooleanField(default=True)
    # How its source says it is scored, as the source gives it (Every Eval Ever's
    # metric_config: score type, level names, unit, metric name and description).
    metric = models.JSONField(default=dict, blank=True, editable=False)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        related_name="variants",
        null=True,
        blank=True,
        help_text="The benchmark this one is a subset or variant of.",
    )
    paper_url = models.URLField("paper", max_length=URL_MAX_LENGTH, blank=True)
    paper_title = models.CharField(max_length=500, blank=True)
    paper_authors = models.TextField(blank=True, help_text="One author per line, in paper order.")
    paper_published_on = models.DateField("paper published", null=True, blank=True)
    paper_abstract = models.TextField(blank=True)
    implementation_url = models.URLField("implementation", max_length=URL_MAX_LENGTH, blank=True)
    # Kept by refresh_result_stats, so that the pages that order or rank benchmarks by
    # how many models they measure, or list when they changed, read a column instead
    # of going through the results: how many distinct models have a result on it, and
    # a result with a normalized score; when its most recently changed result changed.
    model_count = models.PositiveIntegerField(default=0, editable=False)
    scored_model_count = models.PositiveIntegerField(default=0, editable=False)
    results_updated_at = models.DateTimeField(null=True, editable=False)

    # Derived from the results, not curated data: no history of their own.
    history = history(excluded=["model_count", "scored_model_count", "results_updated_at"])

    objects = BenchmarkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            *slug_constraints("benchmark"),
            models.CheckConstraint(
                condition=Q(max_score__gt=0), name="benchmark_max_score_positive"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="benchmark_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("benchmarks:detail", args=[self.slug])

    @property
    def last_updated(self) -> datetime.datetime:
        """When it, or the last of its results to change, changed."""
        return max(self.updated_at, self.results_updated_at or self.updated_at)

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.paper_authors.splitlines() if line.strip()]

    def normalized(self, score: Decimal) -> Decimal | None:
        """The normalized score of a score on this benchmark's scale: score / max_score,
        rounded half up to six places; None for a score above the maximum."""
        return normalize(score, self.max_score) if score <= self.max_score else None


SCORE_LIMIT = 10**9


# The columns of ResultQuerySet.for_leaderboard() and where each comes from (a field of
# the result, or an expression), named like the fields of benchmarks.leaderboard.Row
# except open_weights and licence (its is_open and license_name).
_LEADERBOARD_SOURCES: dict[str, str | F | KeyTextTransform] = {
    "result_id": F("pk"),
    "model_slug": F("ai_model__slug"),
    "model_name": F("ai_model__name"),
    "organization_slug": F("ai_model__organization__slug"),
    "organization_name": F("ai_model__organization__name"),
    "score": "score",
    "normalized_score": "normalized_score",
    "analysis_method": "analysis_method",
    "status": "status",
    "open_weights": F("ai_model__license__open_weights"),
    "licence": F("ai_model__license__name"),
    "parameter_count": F("ai_model__parameter_count"),
    "context_length": F("ai_model__input_context_length"),
    "input_usd_per_million": F("cheapest_input"),
    "output_usd_per_million": F("cheapest_output"),
    "release_date": F("ai_model__release_date"),
    "release_date_precision": F("ai_model__release_date_precision"),
    "recorded_on": "recorded_on",
    "source_url": "source_url",
    "benchmark_slug": F("benchmark__slug"),
    "benchmark_name": F("benchmark__name"),
    "source_slug": F("source__slug"),
    "source_name": F("source__name"),
    # Only the score of what the source last said (and its normalized score): a
    # leaderboard reads thousands of rows, and decoding each one's whole JSON would be
    # wasted.
    "source_said": KeyTextTransform("score", "source_values"),
    "source_said_normalized": KeyTextTransform("normalized_score", "source_values"),
    "withdrawn_at": "withdrawn_at",
}
LEADERBOARD_COLUMNS = tuple(_LEADERBOARD_SOURCES)


class ResultQuerySet(models.QuerySet):
    def verified(self) -> "ResultQuerySet":
        return self.filter(status=Result.Status.VERIFIED)

    def of_family(self, benchmark: "Benchmark") -> "ResultQuerySet":
        """The results on the benchmark and on its variants (those whose parent it is):
        what its page ranks together, each variant's labelled."""
        family = Benchmark.objects.filter(Q(pk=benchmark.pk) | Q(parent=benchmark.pk))
        return self.filter(benchmark__in=family.values("pk"))

    def for_leaderboard(self) -> "ResultQuerySet":
        """What a leaderboard row shows, in one query, as tuples of LEADERBOARD_COLUMNS:
        the model, its organization and licence joined, its cheapest current offering's
        prices. Plain values, not model instances: a large benchmark has thousands of
        results, and building instances of the result, model, organization and licence
        of each took most of its page's time (and dicts instead of tuples a sixth)."""
        expressions = {
            name: source
            for name, source in _LEADERBOARD_SOURCES.items()
            if not isinstance(source, str)
        }
        return (
            self.annotate(**cheapest_price(models.OuterRef("ai_model")))
            .annotate(**expressions)
            .values_list(*LEADERBOARD_COLUMNS)
        )

    def category_scores(self) -> "ResultQuerySet":
        """(ai_model_id, benchmark_id, normalized score in whole millionths) tuples, as
        benchmarks.rankings ranks them. The database does the scaling: exact on
        PostgreSQL's numeric, and on SQLite's floats too, whose error is far below half a
        millionth; Django would otherwise build a Decimal of each of tens of thousands."""
        millionths = Cast(Round(F("normalized_score") * 1_000_000), models.IntegerField())
        # What a source withdrew does not rank (benchmarks.leaderboard._merit).
        current = self.filter(withdrawn_at__isnull=True).order_by()
        return current.values_list("ai_model_id", "benchmark_id", millionths)

    def newest(self) -> "ResultQuerySet":
        """The results recorded most recently at their source first (the date a lab or an
        evaluator published them, not when Benchboard imported them); undated ones, and
        those their source withdrew, left out."""
        return self.filter(recorded_on__isnull=False, withdrawn_at__isnull=True).order_by(
            "-recorded_on", "-pk"
        )


# The fields of a result its source gives, which the import writes and curators may
# correct (Result.source_values keeps what the source last said of each).
SOURCE_FIELDS = (
    "score",
    "status",
    "verified_by",
    "verified_on",
    "notes",
    "source_url",
    "recorded_on",
)


def source_text(value: object) -> str:
    """A value as Result.source_values keeps it: Decimals without padding ("0.857"),
    dates in ISO 8601, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class Result(SourcedModel, TimestampedModel):
    """One score of one model on one benchmark, with where it comes from."""

    class Status(models.TextChoices):
        SELF_REPORTED = "self_reported", "Self-reported"
        THIRD_PARTY = "third_party", "Reported by a third party"
        VERIFIED = "verified", "Verified"

    ai_model = models.ForeignKey(
        AIModel, on_delete=models.CASCADE, related_name="results", verbose_name="AI model"
    )
    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="results")
    score = models.DecimalField(
        max_digits=20, decimal_places=6, help_text="The score exactly as reported."
    )
    normalized_score = models.DecimalField(
        max_digits=7,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="The score on a 0 to 1 scale (see README: the normalized score).",
    )
    analysis_method = models.CharField(
        max_length=255, blank=True, help_text="How it was measured, for example 5-shot CoT."
    )
    status = models.CharField(max_length=13, choices=Status.choices, default=Status.SELF_REPORTED)
    verified_by = models.CharField(max_length=200, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, help_text="Verification or context notes.")
    source_url = models.URLField("source", max_length=URL_MAX_LENGTH, blank=True)
    recorded_on = models.DateField(
        "date recorded",
        null=True,
        blank=True,
        help_text="When the result was published or measured.",
    )
    source_record_id = models.BigIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The record id in the imported source (not unique there).",
    )
    source = models.ForeignKey(
        "sources.Source",
        on_delete=models.PROTECT,
        related_name="results",
        help_text="Where the result comes from: an imported dataset, curators, submissions.",
    )
    source_record = models.CharField(
        max_length=URL_MAX_LENGTH,
        blank=True,
        editable=False,
        help_text="The file and record of the source it was read from.",
    )
    retrieved_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When its source was last read."
    )
    withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When its source stopped giving it (it is kept, marked withdrawn).",
    )
    # The uncertainty its source gives, on the score's scale: the standard error, and a
    # confidence interval (its level in details).
    standard_error = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    ci_lower = models.DecimalField(
        "interval from", max_digits=20, decimal_places=6, null=True, blank=True
    )
    ci_upper = models.DecimalField(
        "interval to", max_digits=20, decimal_places=6, null=True, blank=True
    )
    # What else its source says of how it was measured, as the source gives it: harness
    # and version, generation settings, agent scaffold and cost, precision, when it was
    # evaluated (ingest.eee_import writes it).
    details = models.JSONField(default=dict, blank=True, editable=False)
    # source_values (SourcedModel) keeps what the source last said of SOURCE_FIELDS.

    objects = ResultQuerySet.as_manager()
    # The source's bookkeeping is not curated data: no history of its own.
    history = history(excluded=["retrieved_at"])

    class Meta:
        ordering = ["benchmark__name", "-normalized_score"]
        constraints = [
            # Two sources reporting the same measurement are two results.
            models.UniqueConstraint(
                fields=["ai_model", "benchmark", "analysis_method", "source"],
                name="result_model_benchmark_method_source_unique",
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="result_score_not_negative"),
            # SQLite keeps decimals as floats (15 significant digits): a larger score
            # would no longer read back within the column's precision.
            models.CheckConstraint(
                condition=Q(score__lt=SCORE_LIMIT), name="result_score_below_a_billion"
            ),
            models.CheckConstraint(
                condition=Q(normalized_score__isnull=True)
                | Q(normalized_score__gte=0, normalized_score__lte=1),
                name="result_normalized_score_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | ~Q(verified_by=""),
                name="result_verified_names_verifier",
            ),
        ]
        indexes = [
            # A benchmark's leaderboard, best first.
            models.Index(
                fields=["benchmark", "-normalized_score"], name="result_benchmark_score_idx"
            ),
            # How many models a benchmark has results for, and ranked results (the related
            # benchmarks, the home page's categories and benchmarks), read from the index
            # alone.
            models.Index(
                fields=["benchmark", "ai_model", "normalized_score", "withdrawn_at"],
                name="result_benchmark_model_idx",
            ),
            # A benchmark's progress over time.
            models.Index(fields=["benchmark", "recorded_on"], name="result_benchmark_date_idx"),
            # The newest results on the home page (ResultQuerySet.newest).
            models.Index(fields=["-recorded_on", "-id"], name="result_recorded_idx"),
        ]

    def __str__(self) -> str:
        method = f" ({self.analysis_method})" if self.analysis_method else ""
        return f"{self.ai_model} on {self.benchmark}{method}: {self.score}"


class Conflict(models.Model):
    """What an import could not decide alone, kept for curators to settle in the admin.

    - CHANGED: curators corrected a field of a record (a result, or a model, benchmark,
      organization, licence, provider or offering the source describes), and its source
      later changed that field too. The import kept ours; "theirs" is the source's new
      value.
    - REPEATED: one import gave the same result (model, benchmark, method) twice with
      different values; neither was stored. "theirs" lists both.

    A result's conflict names its result, model, benchmark and method; another record's
    names the record (content_type and object_id) and keeps its name as it was then.
    """

    class Kind(models.TextChoices):
        CHANGED = "changed", "Changed by curators and by the source"
        REPEATED = "repeated", "Given twice in one import"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        KEPT_OURS = "kept_ours", "Kept ours"
        TOOK_SOURCE = "took_source", "Took the source's"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.OPEN)
    result = models.ForeignKey(
        Result, on_delete=models.CASCADE, related_name="conflicts", null=True, blank=True
    )
    ai_model = models.ForeignKey(
        AIModel, on_delete=models.CASCADE, verbose_name="AI model", null=True, blank=True
    )
    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, null=True, blank=True)
    analysis_method = models.CharField(max_length=255, blank=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="kind of record",
        help_text="Empty for a result's conflict.",
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    record_name = models.CharField(max_length=500, blank=True)
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT)
    field = models.CharField(max_length=50, blank=True)
    ours = models.TextField(blank=True, help_text="Our value when the source changed it.")
    theirs = models.TextField(help_text="What the source says.")
    # The normalized score of the source's new score, by the import's rule.
    theirs_normalized = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    run = models.ForeignKey(
        "sources.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=100, blank=True, help_text="Shown in the change log.")
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Open conflicts first in the admin, and a result's on its pages.
            models.Index(fields=["status", "-created_at"], name="conflict_status_idx"),
        ]

    def __str__(self) -> str:
        what = f" {self.field}" if self.field else ""
        return f"{self.subject}{what}: {self.get_kind_display().lower()}"

    @property
    def subject(self) -> str:
        """What the conflict is about, in words: "GPT-4o on MMLU", "GPT-4o (AI model)"."""
        if self.content_type_id is not None:
            return f"{self.record_name} ({self.content_type.name})"
        return f"{self.ai_model} on {self.benchmark}"
