from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse

from benchmarks.models import Result
from models_registry.models import AIModel, License, Offering, Organization, Provider

RECORD_FIELDSET = ("Record", {"fields": ("created_at", "updated_at")})


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
class OrganizationAdmin(admin.ModelAdmin):
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
class AIModelAdmin(admin.ModelAdmin):
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
class OfferingAdmin(admin.ModelAdmin):
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
