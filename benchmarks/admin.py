from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from benchmarks.models import Benchmark, Category, Result
from models_registry.admin import RECORD_FIELDSET, AddThroughFormInline, HistoryAdmin


class BenchmarkResultInline(AddThroughFormInline):
    """A benchmark's results, best first, read-only.

    A popular benchmark has hundreds of results: editable rows would post several
    fields each and soon pass DATA_UPLOAD_MAX_NUMBER_FIELDS. Each row links to its
    own change page, and the model page edits its results in place.
    """

    model = Result
    fk_name = "benchmark"
    fields = (
        "ai_model",
        "score",
        "normalized_score",
        "analysis_method",
        "status",
        "source_url",
        "recorded_on",
    )
    readonly_fields = fields
    ordering = ("-normalized_score", "ai_model__name")
    related_fields = ("ai_model", "benchmark")
    add_link_text = "Add a result for this benchmark"


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "updated_at")
    list_filter = ("updated_at",)
    search_fields = ("slug", "name")
    ordering = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = ((None, {"fields": ("name", "slug", "description")}), RECORD_FIELDSET)


@admin.register(Benchmark)
class BenchmarkAdmin(HistoryAdmin):
    list_display = (
        "name",
        "slug",
        "category_names",
        "parent",
        "modality",
        "max_score",
        "higher_is_better",
        "updated_at",
    )
    list_select_related = ("parent",)
    list_filter = ("categories", "modality", "multilingual", "higher_is_better")
    search_fields = ("slug", "name", "paper_title")
    ordering = ("name",)
    autocomplete_fields = ("parent", "categories")
    readonly_fields = ("created_at", "updated_at")
    inlines = (BenchmarkResultInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "description")}),
        (
            "Scoring",
            {
                "fields": (
                    ("max_score", "higher_is_better"),
                    ("modality", "multilingual", "language"),
                )
            },
        ),
        (
            "Paper",
            {
                "fields": (
                    "paper_title",
                    "paper_authors",
                    "paper_published_on",
                    "paper_abstract",
                    "paper_url",
                )
            },
        ),
        ("Implementation", {"fields": ("implementation_url",)}),
        ("Place in the catalogue", {"fields": ("categories", "parent")}),
        RECORD_FIELDSET,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Benchmark]:
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description="categories")
    def category_names(self, benchmark: Benchmark) -> str:
        return ", ".join(category.name for category in benchmark.categories.all())


@admin.register(Result)
class ResultAdmin(HistoryAdmin):
    list_display = (
        "ai_model",
        "benchmark",
        "analysis_method",
        "score",
        "normalized_score",
        "status",
        "recorded_on",
        "updated_at",
    )
    list_select_related = ("ai_model", "benchmark")
    list_filter = ("status", "benchmark__categories", "ai_model__organization", "updated_at")
    search_fields = (
        "ai_model__slug",
        "ai_model__name",
        "benchmark__slug",
        "benchmark__name",
        "analysis_method",
    )
    ordering = ("-updated_at",)
    date_hierarchy = "recorded_on"
    autocomplete_fields = ("ai_model", "benchmark")
    readonly_fields = ("source_record_id", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("ai_model", "benchmark", "analysis_method")}),
        ("Score", {"fields": ("score", "normalized_score")}),
        ("Source", {"fields": ("source_url", "recorded_on", "source_record_id")}),
        ("Verification", {"fields": ("status", "verified_by", "verified_on", "notes")}),
        RECORD_FIELDSET,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Result]:
        # A result's name shows its model and benchmark, and autocomplete lists and
        # delete pages print it once per row. (The changelist then skips
        # list_select_related, so both name the same relations.)
        return super().get_queryset(request).select_related(*self.list_select_related)
