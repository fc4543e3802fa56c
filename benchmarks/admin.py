from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from benchmarks.models import Benchmark, Category, Conflict, Result
from benchmarks.services import (
    ConflictAlreadySettled,
    ConflictOutdated,
    conflict_record,
    outdated,
    settle_conflict,
)
from models_registry.admin import (
    RECORD_FIELDSET,
    AddThroughFormInline,
    HistoryAdmin,
    VersionedAdmin,
)
from sources.models import CURATORS, standard_source


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
class CategoryAdmin(VersionedAdmin):
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


class OpenConflictFilter(admin.SimpleListFilter):
    """Results an import left a question about: curators and the source both changed
    them, or the source gave them twice."""

    title = "open conflict with its source"
    parameter_name = "open_conflict"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Result]) -> QuerySet[Result]:
        open_conflicts = Conflict.objects.filter(result=OuterRef("pk"), status=Conflict.Status.OPEN)
        if self.value() == "yes":
            return queryset.filter(Exists(open_conflicts))
        if self.value() == "no":
            return queryset.exclude(Exists(open_conflicts))
        return queryset


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
    list_select_related = ("ai_model", "benchmark", "source")
    list_filter = (
        "status",
        "source",
        ("withdrawn_at", admin.EmptyFieldListFilter),
        OpenConflictFilter,
        "benchmark__categories",
        "ai_model__organization",
        "updated_at",
    )
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
    readonly_fields = (
        "source_record",
        "source_record_id",
        "retrieved_at",
        "withdrawn_at",
        "source_values",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("ai_model", "benchmark", "analysis_method")}),
        ("Score", {"fields": ("score", "normalized_score")}),
        (
            "Source",
            {
                "fields": (
                    "source",
                    "source_url",
                    "recorded_on",
                    "source_record",
                    "source_record_id",
                    "retrieved_at",
                    "withdrawn_at",
                    "source_values",
                )
            },
        ),
        ("Verification", {"fields": ("status", "verified_by", "verified_on", "notes")}),
        RECORD_FIELDSET,
    )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        # A result a curator enters is the curators' own, unless they name its source.
        return {"source": standard_source(CURATORS).pk} | super().get_changeform_initial_data(
            request
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Result]:
        # A result's name shows its model and benchmark, and autocomplete lists and
        # delete pages print it once per row. (The changelist then skips
        # list_select_related, so both name the same relations.)
        return super().get_queryset(request).select_related(*self.list_select_related)


class SettleForm(forms.ModelForm):
    """A curator's decision on a conflict, with the public reason its change log shows."""

    decision = forms.ChoiceField(
        choices=[
            ("keep", "Keep ours (the curated value stays)"),
            ("take", "Take the source's value"),
        ],
        widget=forms.RadioSelect,
        help_text="For a result given twice, keeping ours stores neither value: enter the "
        "right one as a result if there is one.",
    )
    settle_reason = forms.CharField(
        label="Public reason",
        max_length=Conflict._meta.get_field("reason").max_length,
        help_text="Shown in the change log of the record's pages.",
    )

    class Meta:
        model = Conflict
        fields = ()

    def clean(self) -> dict:
        # Said here, on the form; settle_conflict checks it again, locked.
        cleaned = super().clean()
        conflict = self.instance
        if cleaned.get("decision") == "take" and conflict.kind == Conflict.Kind.CHANGED:
            record = conflict_record(conflict, lock=False)
            if record is not None and (why := outdated(conflict, record)):
                raise forms.ValidationError(why)
        return cleaned


def _conflict_model(conflict: Conflict) -> type[Model]:
    return conflict.content_type.model_class() if conflict.content_type_id else Result


def _shown(conflict: Conflict, text: str) -> str:
    """A value of a conflict as curators read it: a foreign key's record by name (with its
    id), anything else as stored."""
    try:
        field = _conflict_model(conflict)._meta.get_field(conflict.field)
    except FieldDoesNotExist:
        return text
    if not field.many_to_one or not text:
        return text or "(empty)"
    related = field.related_model.objects.filter(pk=text).first()
    return f"{related} (id {text})" if related else f"id {text}, deleted since"


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    """What imports could not decide: settled here, one at a time, with a reason."""

    form = SettleForm
    list_display = (
        "subject",
        "analysis_method",
        "kind",
        "field_name",
        "ours_shown",
        "theirs_shown",
        "status",
        "source",
        "created_at",
    )
    list_select_related = ("ai_model", "benchmark", "source", "content_type")
    list_filter = (
        "status",
        "kind",
        "source",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = (
        "ai_model__slug",
        "ai_model__name",
        "benchmark__slug",
        "benchmark__name",
        "record_name",
    )
    ordering = ("-created_at",)
    readonly_fields = (
        "kind",
        "status",
        "subject",
        "record_link",
        "analysis_method",
        "source",
        "field_name",
        "ours_shown",
        "theirs_shown",
        "theirs_normalized",
        "run",
        "created_at",
        "reason",
        "settled_by",
        "settled_at",
    )

    @admin.display(description="about")
    def subject(self, obj: Conflict) -> str:
        return obj.subject

    @admin.display(description="field")
    def field_name(self, obj: Conflict) -> str:
        if not obj.field:
            return ""
        try:
            return str(_conflict_model(obj)._meta.get_field(obj.field).verbose_name)
        except FieldDoesNotExist:  # a benchmark's categories
            return obj.field

    @admin.display(description="ours")
    def ours_shown(self, obj: Conflict) -> str:
        return _shown(obj, obj.ours)

    @admin.display(description="theirs")
    def theirs_shown(self, obj: Conflict) -> str:
        return _shown(obj, obj.theirs)

    @admin.display(description="record")
    def record_link(self, obj: Conflict) -> str:
        """A link to the record's change page in the admin, where curators can see it."""
        record = obj.result if obj.result_id else obj.record
        if record is None:
            return "-" if obj.kind == Conflict.Kind.REPEATED else "deleted since"
        url = reverse(
            f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk]
        )
        return format_html('<a href="{}">{}</a>', url, record)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # A settled conflict is a record: viewed, not changed.
        settled = isinstance(obj, Conflict) and obj.status != Conflict.Status.OPEN
        return not settled and super().has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: Conflict | None = None) -> list:
        fields = list(self.readonly_fields)
        if obj is not None and obj.content_type_id is not None:  # not a result's
            fields.remove("analysis_method")
            fields.remove("theirs_normalized")
        if self.has_change_permission(request, obj):
            fields += ["decision", "settle_reason"]
        return fields

    def save_model(self, request: HttpRequest, obj: Conflict, form, change: bool) -> None:
        if "decision" not in form.cleaned_data:
            return
        try:
            settle_conflict(
                obj,
                take_source=form.cleaned_data["decision"] == "take",
                curator=request.user,
                reason=form.cleaned_data["settle_reason"],
            )
        except (ConflictAlreadySettled, ConflictOutdated) as error:
            messages.error(request, str(error))
