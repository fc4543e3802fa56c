"""Where data comes from: sources, and the record of every import run from one.

A source is a published dataset (the LLM Stats snapshot), curators' own entries, visitors'
accepted submissions or the synthetic demo data. Every result names its source
(benchmarks.Result.source); every import is an ImportRun with what it read, what it did and
every anomaly it reported, which /sources/<slug>/ publishes.
"""

import datetime

from django.db import models
from django.urls import reverse

from models_registry.models import URL_MAX_LENGTH, TimestampedModel, slug_constraints, slug_field


class Source(TimestampedModel):
    class Kind(models.TextChoices):
        DATASET = "dataset", "A published dataset"
        CURATORS = "curators", "Curators' own entries"
        SUBMISSIONS = "submissions", "Visitors' accepted submissions"
        DEMO = "demo", "Synthetic demo data"

    class Relationship(models.TextChoices):
        """Who measured its results, as Every Eval Ever says it (evaluator_relationship)."""

        UNKNOWN = "", "Not said"
        FIRST_PARTY = "first_party", "The models' own developers"
        THIRD_PARTY = "third_party", "A third party"
        COLLABORATIVE = "collaborative", "Developers and a third party together"
        OTHER = "other", "Other"

    slug = slug_field()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DATASET)
    publisher = models.CharField(
        max_length=300, blank=True, help_text="Who publishes it, for example Hugging Face."
    )
    evaluator_relationship = models.CharField(
        "who measured", max_length=13, choices=Relationship.choices, blank=True
    )
    url = models.URLField("link", max_length=URL_MAX_LENGTH, blank=True)
    description = models.TextField(blank=True)
    licence = models.CharField(max_length=100, blank=True, help_text="For example CC BY 4.0.")
    licence_url = models.URLField("licence link", max_length=URL_MAX_LENGTH, blank=True)
    attribution = models.CharField(
        max_length=200, blank=True, help_text="The credit a page showing its data must give."
    )
    updated_upstream = models.BooleanField(
        default=True, help_text="Whether the source still publishes new data."
    )
    frozen_since = models.DateField(
        null=True, blank=True, help_text="When the source stopped taking updates."
    )
    data_date = models.DateField(
        "data as of", null=True, blank=True, help_text="The date of the source's newest data."
    )

    class Meta:
        ordering = ["name"]
        constraints = slug_constraints("source")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sources:detail", args=[self.slug])


# The sources every Benchboard has, made by a migration and again on demand (tests flush the
# database): curators' entries, accepted submissions and the demo data. Importers make
# theirs (ingest).
CURATORS = "curators"
SUBMISSIONS = "submissions"
DEMO = "demo"
STANDARD_SOURCES = {
    CURATORS: {
        "name": "Benchboard curators",
        "kind": Source.Kind.CURATORS,
        "description": "Results curators entered or corrected from a paper, model card or "
        "announcement, each linked to where it was published.",
    },
    SUBMISSIONS: {
        "name": "Visitors' submissions",
        "kind": Source.Kind.SUBMISSIONS,
        "description": "Results visitors submitted and curators accepted after checking "
        "their source.",
    },
    DEMO: {
        "name": "Demo data",
        "kind": Source.Kind.DEMO,
        "description": "Synthetic data for trying Benchboard out: not real results.",
    },
}


def standard_source(slug: str) -> Source:
    source, _ = Source.objects.get_or_create(slug=slug, defaults=STANDARD_SOURCES[slug])
    return source


class ImportRunQuerySet(models.QuerySet):
    def latest_first(self) -> "ImportRunQuerySet":
        return self.order_by("-started_at", "-pk")


class ImportRun(models.Model):
    """One run of an importer against a source, as it ended: what it read (and its
    SHA-256), when, what it created, updated, left unchanged and found no longer in the
    source, and every anomaly it reported. Dry runs are not recorded."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="runs")
    command = models.CharField(max_length=500)
    location = models.CharField(max_length=URL_MAX_LENGTH, help_text="A folder, file or URL.")
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    changed = models.BooleanField(default=False)
    # {kind: {"created": n, "updated": n, "unchanged": n, "withdrawn": n}}
    counts = models.JSONField(default=dict)
    anomaly_count = models.PositiveIntegerField(default=0)
    conflict_count = models.PositiveIntegerField(default=0)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            # A source's runs, newest first (/sources/<slug>/, the list's last run).
            models.Index(fields=["source", "-started_at"], name="importrun_source_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} import of {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> datetime.timedelta:
        return self.finished_at - self.started_at


class RunAnomaly(models.Model):
    """Something odd the run found in the source and handled by a stated rule."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="anomalies")
    kind = models.CharField(max_length=100)
    file = models.CharField(max_length=URL_MAX_LENGTH, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name_plural = "run anomalies"

    def __str__(self) -> str:
        return f"[{self.kind}] {self.file}: {self.message}"
