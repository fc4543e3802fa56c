import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from benchmarks.models import SCORE_LIMIT, Benchmark, Result
from models_registry.models import URL_MAX_LENGTH, AIModel, TimestampedModel


def new_reference() -> str:
    """An unguessable ticket reference: 96 random bits, URL-safe."""
    return secrets.token_urlsafe(12)


class Ticket(TimestampedModel):
    """What reports and submissions share: a private reference, triage state, replies."""

    reference = models.CharField(max_length=32, default=new_reference, editable=False)
    email = models.EmailField(
        blank=True, help_text="Optional; never shown publicly. Used only for follow-up."
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    curator_notes = models.TextField(blank=True, help_text="Internal; never shown publicly.")
    public_reply = models.TextField(blank=True, help_text="Shown on the ticket's status page.")
    closed_at = models.DateTimeField(null=True, blank=True)
    # What the ticket was about before it was deleted: {"result": 12, "benchmark": 3}.
    # A deletion empties the link; restoring the record from its history links it again
    # (submissions.links). Bookkeeping, not shown.
    removed_links = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True


class DataReport(Ticket):
    """A "report incorrect data" ticket about a benchmark, a model or one result."""

    class Kind(models.TextChoices):
        WRONG_VALUE = "wrong_value", "Wrong value"
        MISSING_RESULT = "missing_result", "Missing result"
        WRONG_DETAILS = "wrong_details", "Wrong details"
        DUPLICATE = "duplicate", "Duplicate"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        RESOLVED = "resolved", "Resolved"
        REJECTED = "rejected", "Rejected"
        DUPLICATE = "duplicate", "Duplicate"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(max_length=5000)
    suggested_value = models.CharField(max_length=255, blank=True)
    evidence_url = models.URLField("evidence", max_length=URL_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    benchmark = models.ForeignKey(
        Benchmark, on_delete=models.SET_NULL, related_name="reports", null=True, blank=True
    )
    ai_model = models.ForeignKey(
        AIModel,
        on_delete=models.SET_NULL,
        related_name="reports",
        null=True,
        blank=True,
        verbose_name="AI model",
    )
    result = models.ForeignKey(
        Result, on_delete=models.SET_NULL, related_name="reports", null=True, blank=True
    )

    class Meta:
        verbose_name = "data report"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="datareport_reference_unique"),
            models.CheckConstraint(
                condition=~Q(description=""), name="datareport_description_required"
            ),
        ]
        indexes = [
            # The curators' triage queue: open tickets, oldest or newest first.
            models.Index(fields=["status", "created_at"], name="datareport_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} report {self.reference}"


class ResultSubmission(Ticket):
    """A result proposed by a visitor; nothing of it is public until a curator accepts it."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        DUPLICATE = "duplicate", "Duplicate"

    # A visitor's submission names its model and benchmark: deleting either is refused
    # while a submission names it (it would delete the visitor's ticket with it).
    ai_model = models.ForeignKey(
        AIModel, on_delete=models.PROTECT, related_name="submissions", verbose_name="AI model"
    )
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="submissions")
    score = models.DecimalField(max_digits=20, decimal_places=6)
    analysis_method = models.CharField(max_length=255, blank=True)
    source_url = models.URLField("source", max_length=URL_MAX_LENGTH)
    recorded_on = models.DateField("date of the result", null=True, blank=True)
    comment = models.TextField(max_length=5000, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    result = models.ForeignKey(
        Result,
        on_delete=models.SET_NULL,
        related_name="submissions",
        null=True,
        blank=True,
        help_text="The result created or updated when the submission was accepted.",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="resultsubmission_reference_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=0), name="resultsubmission_score_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(score__lt=SCORE_LIMIT), name="resultsubmission_score_below_a_billion"
            ),
            models.CheckConstraint(
                condition=~Q(source_url=""), name="resultsubmission_source_required"
            ),
        ]
        indexes = [
            # The curators' triage queue.
            models.Index(fields=["status", "created_at"], name="resultsubmission_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ai_model} on {self.benchmark}: {self.score} ({self.reference})"


class RateLimitBucket(models.Model):
    """How many tickets one visitor's address sent in one fixed time window.

    The rate limit counts in the database (or in Redis when REDIS_URL is set), so it
    holds across every server process. The address is stored only as a keyed hash.
    """

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="ratelimitbucket_key_window_unique"
            ),
        ]
        indexes = [
            # Clearing out windows that have ended.
            models.Index(fields=["window_start"], name="ratelimitbucket_window_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.count} in the window from {self.window_start:%Y-%m-%d %H:%M}"
