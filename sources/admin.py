"""Sources are curated here; import runs and their anomalies are records, read-only."""

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from models_registry.admin import VersionedAdmin
from sources.models import ImportRun, RunAnomaly, Source

RECORD_FIELDSET = ("Record", {"fields": ("created_at", "updated_at")})


@admin.register(Source)
class SourceAdmin(VersionedAdmin):
    list_display = ("name", "slug", "kind", "licence", "updated_upstream", "data_date")
    list_filter = ("kind", "updated_upstream", "licence")
    search_fields = ("slug", "name", "licence", "attribution")
    ordering = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "url", "description")}),
        ("Licence", {"fields": ("licence", "licence_url", "attribution")}),
        ("Freshness", {"fields": ("updated_upstream", "frozen_since", "data_date")}),
        RECORD_FIELDSET,
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record an import wrote: viewed, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def anomalies_url(run: ImportRun) -> str:
    """The run's anomalies in their own changelist (filterable by kind, searchable)."""
    changelist = reverse("admin:sources_runanomaly_changelist")
    return f"{changelist}?{urlencode({'run__id__exact': run.pk})}"


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "source",
        "started_at",
        "changed",
        "anomaly_count",
        "conflict_count",
    )
    list_select_related = ("source",)
    list_filter = ("source", "changed")
    search_fields = ("location", "sha256", "command")
    date_hierarchy = "started_at"
    # A run's anomalies can be many: they have their own changelist, linked here, rather
    # than an inline of hundreds of rows.
    fields = (
        "source",
        "command",
        "location",
        "sha256",
        "started_at",
        "finished_at",
        "changed",
        "counts",
        "anomaly_count",
        "anomalies_link",
        "conflict_count",
    )
    readonly_fields = fields

    @admin.display(description="Anomalies")
    def anomalies_link(self, run: ImportRun) -> str:
        if not run.anomaly_count:
            return "None"
        return format_html(
            '<a href="{}">The {} anomalies of this run</a>', anomalies_url(run), run.anomaly_count
        )


@admin.register(RunAnomaly)
class RunAnomalyAdmin(ReadOnlyAdmin):
    list_display = ("kind", "file", "message", "run")
    list_select_related = ("run__source",)
    list_filter = ("kind", "run__source")
    search_fields = ("message", "file", "kind")
    fields = ("run", "kind", "file", "message")
    readonly_fields = fields
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[RunAnomaly]:
        return super().get_queryset(request).select_related(*self.list_select_related)
