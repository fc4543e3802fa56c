from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import ForeignKey, Manager, Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from benchmarks.models import Result
from benchmarks.services import result_stats_refreshed
from models_registry.models import AIModel, License, Offering, Organization, Provider
from submissions.services import PUBLIC_REASON_MAX_LENGTH, REVERT_PREFIX

RECORD_FIELDSET = ("Record", {"fields": ("created_at", "updated_at")})
PUBLIC_REASON_FIELDSET = ("Public change log", {"fields": ("public_reason",)})


class PublicReasonForm(forms.ModelForm):
    """A change form with the public reason that goes on the change's history record."""

    public_reason = forms.CharField(
        required=False,
        max_length=PUBLIC_REASON_MAX_LENGTH,
        help_text=(
            "Why this changed, in one sentence, for the public change log, for example "
            "“Corrected to the paper's table 2”. Name no people and no tickets."
        ),
    )

    def clean_public_reason(self) -> str:
        return " ".join(self.cleaned_data["public_reason"].split())


class RevertForm(PublicReasonForm):
    """Reverting to an old version needs a reason: the log shows “Reverted: <reason>”."""

    public_reason = forms.CharField(
        max_length=PUBLIC_REASON_MAX_LENGTH - len(REVERT_PREFIX),
        help_text=f"Shown in the public change log as “{REVERT_PREFIX}<your reason>”.",
    )


class HistoryAdmin(SimpleHistoryAdmin):
    """A curated model's admin: its history (who, when, what, why), with revert.

    Each save, revert and inline edit takes an optional public reason (required to
    revert) that its history record carries. The history list is Benchboard's own
    template: simple-history's names each record's object, which for a result or an
    offering costs two queries a row.
    """

    form = PublicReasonForm
    history_list_display = ["history_ticket"]
    object_history_list_template = "admin/history/object_history_list.html"

    def get_history_queryset(
        self, request: HttpRequest, history_manager: Manager, pk_name: str, object_id: object
    ) -> QuerySet:
        # simple-history's own version calls select_related() with no fields for a model
        # without foreign keys, which Django deprecates.
        records = history_manager.filter(**{pk_name: object_id}).select_related("history_user")
        related = [
            tracked.name
            for tracked in history_manager.model.tracked_fields
            if isinstance(tracked, ForeignKey)
        ]
        return records.select_related(*related) if related else records

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> list:
        fieldsets = list(super().get_fieldsets(request, obj))
        can_save = (
            self.has_add_permission(request)
            if obj is None
            else self.has_change_permission(request, obj)
        )
        return [*fieldsets, PUBLIC_REASON_FIELDSET] if can_save else fieldsets

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs
    ) -> type[ModelForm]:
        if self.is_revert(request):
            kwargs.setdefault("form", RevertForm)
        return super().get_form(request, obj, change, **kwargs)

    def is_revert(self, request: HttpRequest) -> bool:
        """Whether the request is simple-history's "revert to this version" page."""
        opts = self.model._meta
        match = request.resolver_match
        return (
            bool(match) and match.url_name == f"{opts.app_label}_{opts.model_name}_simple_history"
        )

    def public_reason(self, request: HttpRequest, form: ModelForm) -> str:
        reason = form.cleaned_data.get("public_reason", "")
        if reason and self.is_revert(request):
            return REVERT_PREFIX + reason
        return reason

    # Each write below refreshes the result stats of the benchmarks it touched
    # (benchmarks.services), once, at the end, in the write's transaction: the benchmarks
    # of a saved or reverted result or benchmark, of inline rows, and of the results a
    # deleted model or benchmark cascades to, read before the write.

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        if reason := self.public_reason(request, form):
            obj._change_reason = reason
        with result_stats_refreshed([obj]):
            super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        # Rows edited inline (a model's results) carry the same reason.
        if reason := self.public_reason(request, form):
            for formset in formsets:
                for inline_form in formset.forms:
                    inline_form.instance._change_reason = reason
        rows = [inline_form.instance for formset in formsets for inline_form in formset.forms]
        with result_stats_refreshed(rows):
            super().save_related(request, form, formsets, change)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with result_stats_refreshed([obj], deleting=True):
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # The action "Delete selected" runs outside the admin's transactions: the
        # deletion and the refresh go in one here.
        with transaction.atomic(), result_stats_refreshed(queryset, deleting=True):
            super().delete_queryset(request, queryset)


class AddThroughFormInline(admin.TabularInline):
    """Edits existing rows in place; new rows go through the full add form, prefilled.

    The related object on the other side is read-only: an editable autocomplete or
    raw-id widget would look up its current value once per row. Deleting is left to
    the row's own page, where the admin asks for confirmation.
    """

    template = "admin/edit_inline/tabular_add_link.html"
    extra = 0
    can_delete = False
    show_change_link = True
    add_link_text: str
    # Both foreign keys: the row's title names both ends of it.
    related_fields: tuple[str, ...]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related(*self.related_fields)

    def get_formset(
        self, request: HttpRequest, obj: Model | None = None, **kwargs
    ) -> type[BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        # The template reads the link from the formset: each call makes a new class.
        formset.add_link = self.add_link(request, obj)
        return formset

    def add_link(self, request: HttpRequest, obj: Model | None) -> dict[str, str] | None:
        model_admin = self.admin_site.get_model_admin(self.model)
        if obj is None or not model_admin.has_add_permission(request):
            return None
        opts = self.model._meta
        url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_add")
        return {"url": f"{url}?{urlencode({self.fk_name: obj.pk})}", "text": self.add_link_text}


class AIModelResultInline(AddThroughFormInline):
    model = Result
    fk_name = "ai_model"
    fields = (
        "benchmark",
        "score",
        "normalized_score",
        "analysis_method",
        "status",
        "source_url",
        "recorded_on",
    )
    readonly_fields = ("benchmark",)
    related_fields = ("ai_model", "benchmark")
    add_link_text = "Add a result for this model"


class OfferingInline(AddThroughFormInline):
    model = Offering
    fk_name = "ai_model"
    fields = (
        "provider",
        "provider_model_name",
        "input_usd_per_million",
        "output_usd_per_million",
        "throughput",
        "latency",
        "deprecated_at",
    )
    readonly_fields = ("provider",)
    related_fields = ("ai_model", "provider")
    add_link_text = "Add an offering for this model"


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    list_display = ("name", "slug", "country", "website", "updated_at")
    list_filter = ("country",)
    search_fields = ("slug", "name")
    ordering = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "country", "website", "description")}),
        RECORD_FIELDSET,
    )


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "allows_commercial_use", "open_weights", "updated_at")
    list_filter = ("allows_commercial_use", "open_weights")
    search_fields = ("slug", "name")
    ordering = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "description")}),
        ("Terms", {"fields": ("allows_commercial_use", "open_weights")}),
        RECORD_FIELDSET,
    )


@admin.register(AIModel)
class AIModelAdmin(HistoryAdmin):
    list_display = (
        "name",
        "slug",
        "organization",
        "license",
        "release_date",
        "parameter_count",
        "multimodal",
        "updated_at",
    )
    list_select_related = ("organization", "license")
    list_filter = ("license__open_weights", "multimodal", "organization", "license")
    search_fields = ("slug", "name", "organization__name")
    ordering = ("name",)
    date_hierarchy = "release_date"
    autocomplete_fields = ("organization", "license", "fine_tuned_from")
    readonly_fields = ("created_at", "updated_at")
    inlines = (AIModelResultInline, OfferingInline)
    fieldsets = (
        (
            "Identity",
            {"fields": ("name", "slug", "organization", "fine_tuned_from", "description")},
        ),
        (
            "Dates",
            {
                "fields": (
                    ("release_date", "release_date_precision"),
                    ("announcement_date", "announcement_date_precision"),
                    ("knowledge_cutoff", "knowledge_cutoff_precision"),
                )
            },
        ),
        (
            "Licence and size",
            {
                "fields": (
                    "license",
                    ("parameter_count", "training_tokens"),
                    ("input_context_length", "output_context_length"),
                    "multimodal",
                )
            },
        ),
        (
            "Links",
            {
                "fields": (
                    "paper_url",
                    "weights_url",
                    "repository_url",
                    "api_docs_url",
                    "playground_url",
                    "announcement_url",
                )
            },
        ),
        RECORD_FIELDSET,
    )


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "website", "updated_at")
    search_fields = ("slug", "name")
    list_filter = ("updated_at",)
    ordering = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = ((None, {"fields": ("name", "slug", "website")}), RECORD_FIELDSET)


@admin.register(Offering)
class OfferingAdmin(HistoryAdmin):
    list_display = (
        "ai_model",
        "provider",
        "provider_model_name",
        "input_usd_per_million",
        "output_usd_per_million",
        "throughput",
        "latency",
        "deprecated_at",
    )
    list_select_related = ("ai_model", "provider")
    list_filter = (
        "provider",
        "supports_function_calling",
        "supports_structured_output",
        "input_image",
        "deprecated_at",
    )
    search_fields = ("ai_model__slug", "ai_model__name", "provider__name", "provider_model_name")
    ordering = ("ai_model__name", "provider__name")
    autocomplete_fields = ("ai_model", "provider")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("ai_model", "provider", "provider_model_name", "quantization")}),
        (
            "Price and speed",
            {
                "fields": (
                    ("input_usd_per_million", "output_usd_per_million"),
                    ("throughput", "latency"),
                    ("max_input_tokens", "max_output_tokens"),
                )
            },
        ),
        (
            "Features",
            {
                "fields": (
                    "supports_web_search",
                    "supports_function_calling",
                    "supports_structured_output",
                    "supports_code_execution",
                    "supports_batch_inference",
                    "supports_finetuning",
                )
            },
        ),
        (
            "Input and output",
            {
                "fields": (
                    ("input_text", "input_image", "input_audio", "input_video"),
                    ("output_text", "output_image", "output_audio", "output_video"),
                )
            },
        ),
        ("Lifecycle", {"fields": ("deprecated_at",)}),
        RECORD_FIELDSET,
    )
