from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ForeignKey, Manager, Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.forms.models import InlineForeignKeyField
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from benchmarks.models import Result
from benchmarks.services import SuggestionRefused, decide_suggestion, result_stats_refreshed
from models_registry import versions
from models_registry.models import (
    AIModel,
    License,
    ModelLink,
    Offering,
    Organization,
    Provider,
)
from submissions.services import PUBLIC_REASON_MAX_LENGTH, REVERT_PREFIX

RECORD_FIELDSET = ("Record", {"fields": ("created_at", "updated_at")})
PUBLIC_REASON_FIELDSET = ("Public change log", {"fields": ("public_reason",)})
VERSION_FIELD = "record_version"
SHOWN_AT = "@"  # not a field name


class VersionedForm(forms.ModelForm):
    """A change form (or inline row) that overwrites only what its curator has seen.

    It carries the stored record as the page showed it (models_registry.versions) in a
    hidden field. On save, the record as stored now, read under lock by the admin, must
    be the same: when someone changed a field of the form in between, nothing is saved
    and the form says what changed. The form then shows the new values where its curator
    had changed nothing, keeps the curator's own where both changed (each marked), and
    carries the new version: saving again is a decision taken with the change in view.
    """

    record_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is not None:
            stored = self.stored_record()
            self.fields[VERSION_FIELD].initial = versions.token(self.version(stored))

    def stored_record(self) -> Model | None:
        """The record as stored: on a change form, the one the admin loaded (locked)."""
        return self.instance

    def version(self, stored: Model | None) -> dict[str, str]:
        """What the form shows of the stored record, and when (under SHOWN_AT)."""
        shown = versions.seen_snapshot(stored, self.versioned_names())
        return shown | {SHOWN_AT: timezone.now().isoformat()}

    def versioned_names(self) -> list[str]:
        """The form's own fields that its save writes to the record (not the key and the
        parent's link that an inline formset adds to each row)."""
        opts = self._meta.model._meta
        model_fields = {field.name for field in [*opts.concrete_fields, *opts.many_to_many]}
        return [
            name
            for name, field in self.fields.items()
            if name in model_fields
            and name != opts.pk.name
            and not isinstance(field, InlineForeignKeyField)
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is None:  # a new record overwrites nothing
            return cleaned
        stored, names = self.stored_record(), self.versioned_names()
        now = versions.seen_snapshot(stored, names)
        seen = versions.read_token(self.data.get(self.add_prefix(VERSION_FIELD)))
        if not isinstance(seen, dict):
            self._refused = True
            self._show_stored(stored, [])
            raise ValidationError(
                "This form does not say which version of the record it was opened on (it "
                "was opened before the site was updated, or altered), so nothing was saved. "
                "Check the values below, then save again.",
                code="no_version",
            )
        model = self._meta.model
        found = versions.changes(model, seen, now)
        if not found:
            return cleaned
        opts = model._meta
        mine = {
            name
            for name in names
            if name not in cleaned
            or versions.value_text(opts.get_field(name), cleaned[name]) != seen.get(name)
        }
        untouched = [change.name for change in found if change.name not in mine]
        self._refused = True
        self._show_stored(stored, untouched)
        for change in found:
            if change.name in mine and change.name in self.fields:
                self.add_error(
                    change.name,
                    f"Changed meanwhile to {versions.shown(model, change.name, change.now)}. "
                    "Your value is kept: saving again puts it in place of that one.",
                )
        raise ValidationError(
            "While you had this page open, this %(name)s was changed%(by)s: %(what)s. "
            "Nothing was saved. Fields you had left alone now show their new values; "
            "fields you had changed keep your values. Check them, then save again.",
            code="stale",
            params={
                "name": opts.verbose_name,
                "by": last_change(stored, since=seen.get(SHOWN_AT)),
                "what": "; ".join(change.sentence() for change in found),
            },
        )

    def _post_clean(self) -> None:
        # A refused form leaves its instance as stored: the page shown again names the
        # record with its current values, not with the ones the form would have set.
        if not getattr(self, "_refused", False):
            super()._post_clean()

    def _show_stored(self, stored: Model | None, names: list[str]) -> None:
        """Put the stored values of these fields, and the version seen now, into the form
        as it is shown again."""
        data = self.data.copy()
        if stored is not None:
            for name in names:
                if name in self.fields:
                    put_value(
                        data,
                        self,
                        name,
                        self.fields[name].prepare_value(
                            stored._meta.get_field(name).value_from_object(stored)
                        ),
                    )
        data[self.add_prefix(VERSION_FIELD)] = versions.token(self.version(stored))
        self.data = data


def put_value(data: QueryDict, form: forms.Form, name: str, value: object) -> None:
    """Write a value into form data as its widget would have posted it."""
    key = form.add_prefix(name)
    widget = form.fields[name].widget
    widget = getattr(widget, "widget", widget)  # the admin's related-object wrapper
    if isinstance(widget, forms.MultiWidget):
        for suffix, part in zip(widget.widgets_names, widget.decompress(value), strict=True):
            data[key + suffix] = "" if part is None else str(part)
    elif isinstance(widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(widget, forms.SelectMultiple):
        data.setlist(key, [str(item) for item in value or ()])
    else:
        data[key] = "" if value is None else str(value)


def last_change(stored: Model | None, *, since: str | None) -> str:
    """“ (last change: 7 Dec 2026 at 23:50 UTC, by alice: “Corrected”)”, from the record's
    history, when it has a record after since (an ISO time); "" when it has none."""
    history = getattr(stored, "history", None)
    if history is None or since is None:
        return ""
    after = history.filter(history_date__gt=since).select_related("history_user")
    if (record := after.first()) is None:
        return ""
    when = timezone.localtime(record.history_date).strftime("%-d %b %Y at %H:%M %Z")
    who = f", by {record.history_user}" if record.history_user else ""
    why = f": “{record.history_change_reason}”" if record.history_change_reason else ""
    return f" (last change: {when}{who}{why})"


class VersionedAdmin(admin.ModelAdmin):
    """An admin whose change form overwrites only what its curator has seen (VersionedForm):
    a save reads the record under lock, in the admin's transaction, and compares it."""

    form = VersionedForm

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        if request.method == "POST" and transaction.get_connection().in_atomic_block:
            # Lock the row before reading it: a concurrent writer's change is either
            # committed before this read or waits until this save is done.
            try:
                pk = self.model._meta.pk.to_python(object_id)
            except ValidationError:
                pk = None
            if pk is not None and from_field is None:
                locked = self.model._default_manager.select_for_update().filter(pk=pk)
                list(locked.order_by().values_list("pk"))
        return super().get_object(request, object_id, from_field)


class PublicReasonForm(VersionedForm):
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
    """Reverting to an old version needs a reason: the log shows “Reverted: <reason>”.

    Its instance holds the old version's values; what it must not overwrite unseen is
    the record as stored now, read again (locked, when saving).
    """

    public_reason = forms.CharField(
        max_length=PUBLIC_REASON_MAX_LENGTH - len(REVERT_PREFIX),
        help_text=f"Shown in the public change log as “{REVERT_PREFIX}<your reason>”.",
    )

    def stored_record(self) -> Model | None:
        stored = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if self.is_bound:
            stored = stored.select_for_update()
        return stored.order_by().first()


class HistoryAdmin(SimpleHistoryAdmin, VersionedAdmin):
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

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ) -> HttpResponse:
        # A revert compares what it overwrites with the record, locked until it is saved.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

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
    form = VersionedForm
    extra = 0
    can_delete = False
    show_change_link = True
    add_link_text: str
    # Both foreign keys: the row's title names both ends of it.
    related_fields: tuple[str, ...]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = super().get_queryset(request).select_related(*self.related_fields)
        if request.method == "POST":
            # Saving compares each row with what its curator saw (VersionedForm), locked.
            rows = rows.select_for_update(of=("self",))
        return rows

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> list:
        fields = list(super().get_fields(request, obj))
        if self.has_change_permission(request, obj):
            fields.append(VERSION_FIELD)  # a hidden input in each row
        return fields

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
class LicenseAdmin(VersionedAdmin):
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
class ProviderAdmin(VersionedAdmin):
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


class SuggestionForm(forms.ModelForm):
    """A curator's decision on a model link's suggestion, with the public reason the
    moved results' change log shows."""

    decision = forms.ChoiceField(
        choices=[
            ("accept", "The same model: move the id's results to the suggested model"),
            ("reject", "Not the same model: keep them apart"),
        ],
        widget=forms.RadioSelect,
    )
    decision_reason = forms.CharField(
        label="Public reason",
        max_length=PUBLIC_REASON_MAX_LENGTH,
        help_text="Shown in the change log of the results that move.",
    )

    class Meta:
        model = ModelLink
        fields = ()


@admin.register(ModelLink)
class ModelLinkAdmin(admin.ModelAdmin):
    """The crosswalk: which model each source id is. Imports link ids only when certain;
    curators decide the suggestions here."""

    form = SuggestionForm
    list_display = ("external_id", "ai_model", "how", "suggested", "suggestion", "scheme")
    list_select_related = ("ai_model", "suggested")
    list_filter = ("suggestion", "how", "scheme")
    search_fields = ("external_id", "ai_model__name", "ai_model__slug", "suggested__name")
    ordering = ("scheme", "external_id")
    readonly_fields = (
        "scheme",
        "external_id",
        "ai_model",
        "how",
        "suggested",
        "suggestion",
        "decided_by",
        "decided_at",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Only an open suggestion is decided; the rest is a record.
        if isinstance(obj, ModelLink) and obj.suggestion != ModelLink.Suggestion.OPEN:
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: ModelLink | None = None) -> list:
        fields = list(self.readonly_fields)
        if self.has_change_permission(request, obj):
            fields += ["decision", "decision_reason"]
        return fields

    def save_model(self, request: HttpRequest, obj: ModelLink, form, change: bool) -> None:
        if "decision" not in form.cleaned_data:
            return
        try:
            decide_suggestion(
                obj,
                accept=form.cleaned_data["decision"] == "accept",
                curator=request.user,
                reason=form.cleaned_data["decision_reason"],
            )
        except SuggestionRefused as error:
            messages.error(request, str(error))
