from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, Model, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from benchmarks.models import Result
from models_registry.admin import RECORD_FIELDSET
from submissions.models import DataReport, ResultSubmission

CURATORS_GROUP = "Curators"

TRIAGE_FIELDSET = (
    "Triage",
    {"fields": ("status", "assigned_to", "curator_notes", "public_reply", "closed_at")},
)


def public_url(obj: Model) -> str:
    # A result has no page of its own: it is a row of its benchmark's leaderboard.
    if isinstance(obj, Result):
        return obj.benchmark.get_absolute_url()
    return obj.get_absolute_url()


def object_links(objects: list[Model]) -> SafeString:
    """Each object's public page and admin page, one line each."""
    rows = []
    for obj in objects:
        opts = obj._meta
        admin_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        rows.append((opts.verbose_name.capitalize(), obj, public_url(obj), admin_url))
    if not rows:
        return format_html("{}", "—")
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            '<li>{}: {} (<a href="{}">public page</a>, <a href="{}">admin page</a>)</li>',
            rows,
        ),
    )


class TicketAdmin(admin.ModelAdmin):
    """The triage queue shared by reports and submissions; tickets come only from visitors."""

    list_filter = ("status", ("assigned_to", admin.RelatedOnlyFieldListFilter))
    ordering = ("-created_at",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The change page's links name the same objects as the list's columns. The
        # changelist ignores list_select_related once a select_related is set here.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs
    ) -> ModelChoiceField | None:
        # Curators are few and may not view users, so a plain list of them
        # replaces the user autocomplete (which needs that permission).
        if db_field.name == "assigned_to":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True, is_staff=True)
                .filter(Q(is_superuser=True) | Q(groups__name=CURATORS_GROUP))
                .distinct()
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(DataReport)
class DataReportAdmin(TicketAdmin):
    list_display = ("reference", "kind", "target", "status", "assigned_to", "created_at")
    list_select_related = (
        "benchmark",
        "ai_model",
        "result__ai_model",
        "result__benchmark",
        "assigned_to",
    )
    list_filter = ("status", "kind", ("assigned_to", admin.RelatedOnlyFieldListFilter))
    search_fields = ("reference", "description", "email", "benchmark__name", "ai_model__name")
    autocomplete_fields = ("benchmark", "ai_model", "result")
    # What the visitor wrote stays as written; curators answer in the triage fields.
    readonly_fields = (
        "reference",
        "email",
        "description",
        "suggested_value",
        "evidence_url",
        "reported_object",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            "Report",
            {
                "fields": (
                    "reference",
                    "kind",
                    "description",
                    "suggested_value",
                    "evidence_url",
                    "email",
                )
            },
        ),
        ("Reported object", {"fields": ("benchmark", "ai_model", "result", "reported_object")}),
        TRIAGE_FIELDSET,
        RECORD_FIELDSET,
    )

    @admin.display(description="about")
    def target(self, report: DataReport) -> str:
        if report.result:
            return str(report.result)
        named = [str(obj) for obj in (report.ai_model, report.benchmark) if obj]
        return " on ".join(named) or "—"

    @admin.display(description="links")
    def reported_object(self, report: DataReport) -> SafeString:
        objects = [report.result, report.ai_model, report.benchmark]
        return object_links([obj for obj in objects if obj is not None])


@admin.register(ResultSubmission)
class ResultSubmissionAdmin(TicketAdmin):
    list_display = (
        "reference",
        "ai_model",
        "benchmark",
        "score",
        "status",
        "assigned_to",
        "created_at",
    )
    list_select_related = (
        "ai_model",
        "benchmark",
        "result__ai_model",
        "result__benchmark",
        "assigned_to",
    )
    search_fields = ("reference", "comment", "email", "ai_model__name", "benchmark__name")
    autocomplete_fields = ("ai_model", "benchmark", "result")
    # The proposed values stay as submitted: accepting them is a later, separate step.
    readonly_fields = (
        "reference",
        "email",
        "score",
        "analysis_method",
        "source_url",
        "recorded_on",
        "comment",
        "submitted_objects",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            "Submission",
            {
                "fields": (
                    "reference",
                    "ai_model",
                    "benchmark",
                    "score",
                    "analysis_method",
                    "source_url",
                    "recorded_on",
                    "comment",
                    "email",
                    "submitted_objects",
                )
            },
        ),
        TRIAGE_FIELDSET,
        ("Outcome", {"fields": ("result",)}),
        RECORD_FIELDSET,
    )

    @admin.display(description="links")
    def submitted_objects(self, submission: ResultSubmission) -> SafeString:
        objects = [submission.ai_model, submission.benchmark, submission.result]
        return object_links([obj for obj in objects if obj is not None])
