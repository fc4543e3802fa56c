from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, Model, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from benchmarks.models import Result
from models_registry import versions
from models_registry.admin import RECORD_FIELDSET, VersionedAdmin
from pages.formatting import format_score
from sources.models import SUBMISSIONS, standard_source
from submissions import services
from submissions.models import DataReport, ResultSubmission

CURATORS_GROUP = "Curators"
# Triage actions are offered on the list (for the selected tickets) and on a ticket's page.
BOTH_PAGES = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]

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


class TriageForm(forms.Form):
    """What closing a ticket asks: an optional reply to the visitor."""

    public_reply = forms.CharField(
        label="Reply to the visitor",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=(
            "Shown on each ticket's status page and mailed to visitors who left an address. "
            "Leave it empty to keep each ticket's current reply."
        ),
    )


class CorrectionForm(TriageForm):
    """A step that changes a published value also needs its public reason."""

    public_reason = forms.CharField(
        label="Public reason",
        max_length=services.PUBLIC_REASON_MAX_LENGTH,
        help_text=(
            "Why the value changes, in one sentence, for the public change log, for example "
            "“Corrected to the paper's table 2”. Name no people and no tickets."
        ),
    )
    field_order = ("public_reason", "public_reply")


class AcceptForm(CorrectionForm):
    verified = forms.BooleanField(
        label="Verified",
        required=False,
        help_text=(
            f"I checked the score against its source: publish it as verified by "
            f"{services.VERIFIER} rather than as self-reported."
        ),
    )


type Step = Callable[[DataReport | ResultSubmission, dict], object]


class TicketAdmin(VersionedAdmin):
    """The triage queue shared by reports and submissions; tickets come only from visitors.

    A ticket's status moves only through the triage actions (on the list for the
    selected tickets, and on a ticket's own page), which call submissions.services:
    the status field itself is read-only. Steps that close tickets first show a
    confirmation page that asks for the reply to the visitor and, for a step that
    changes a published value, the public reason for the change log. The page carries
    what it showed of each ticket and of the result its step writes ("triage-seen"):
    the step is refused when either changed in between.
    """

    list_filter = ("status", ("assigned_to", admin.RelatedOnlyFieldListFilter))
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    actions = ["mark_in_review", "reject", "mark_duplicate"]
    triage_template = "admin/submissions/triage_confirmation.html"

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

    # Triage -----------------------------------------------------------------------------

    def set_status(self, ticket: Model, **kwargs: object) -> object:
        raise NotImplementedError

    def describe(self, ticket: Model, record: Result | None) -> str:
        """One line naming a ticket and what it asks, for the confirmation page; record
        is the result its step writes, if any."""
        return str(ticket)

    def written_records(self, tickets: list) -> dict[int, Result | None]:
        """The result each ticket's step would write, as stored now."""
        return {}

    @admin.action(
        description="Mark in review",
        description_plural="Mark selected %(verbose_name_plural)s in review",
        permissions=["change"],
        location=BOTH_PAGES,
    )
    def mark_in_review(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.run_step(
            request,
            list(queryset),
            lambda ticket, data: self.set_status(
                ticket,
                status=self.model.Status.IN_REVIEW,
                curator=request.user,
                base_url=request.build_absolute_uri("/"),
            ),
            done="marked in review",
        )

    @admin.action(
        description="Reject",
        description_plural="Reject selected %(verbose_name_plural)s",
        permissions=["change"],
        location=BOTH_PAGES,
    )
    def reject(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self.confirm_status(request, queryset, self.model.Status.REJECTED, "Reject")

    @admin.action(
        description="Mark duplicate",
        description_plural="Mark selected %(verbose_name_plural)s duplicate",
        permissions=["change"],
        location=BOTH_PAGES,
    )
    def mark_duplicate(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self.confirm_status(request, queryset, self.model.Status.DUPLICATE, "Mark duplicate")

    def confirm_status(
        self, request: HttpRequest, queryset: QuerySet, status: str, title: str
    ) -> TemplateResponse | None:
        label = self.model.Status(status).label.lower()
        return self.confirm(
            request,
            queryset,
            title=title,
            form_class=TriageForm,
            step=lambda ticket, data: self.set_status(
                ticket,
                status=status,
                curator=request.user,
                base_url=request.build_absolute_uri("/"),
                public_reply=data["public_reply"] or None,
                seen=data["seen"],
            ),
            done=f"marked {label}",
        )

    def confirm(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        *,
        title: str,
        form_class: type[forms.Form],
        step: Step,
        done: str,
        writes: tuple[str, ...] = (),
    ) -> TemplateResponse | None:
        """Ask for what the step needs, then take it ticket by ticket (None: back to the page).

        writes names the fields of the result the step writes: the step is refused when
        they changed after the page showed them, as when the ticket did.
        """
        tickets = list(queryset)
        if "triage-confirm" in request.POST:
            form = form_class(request.POST)
            seen = versions.read_token(request.POST.get("triage-seen"))
            if not isinstance(seen, dict):
                self.message_user(
                    request,
                    "This confirmation does not say what it showed you (it was opened before "
                    "the site was updated, or altered), so nothing was done: open the step "
                    "again.",
                    messages.ERROR,
                )
                return None
            if form.is_valid():

                def seen_step(ticket: Model, data: dict) -> object:
                    if (shown := seen.get(str(ticket.pk))) is None:
                        raise services.StaleError(
                            "It was not on the confirmation page: open the step again."
                        )
                    return step(ticket, data | {"seen": shown})

                self.run_step(request, tickets, seen_step, done=done, data=form.cleaned_data)
                return None
        else:
            form = form_class()
        records = self.written_records(tickets) if writes else {}
        shown = {
            str(ticket.pk): services.seen_by_curator(ticket, records.get(ticket.pk), writes)
            for ticket in tickets
        }
        # The action came from the list or from the ticket's page; the answer goes back there.
        action_field = next(
            name
            for name in (f"{ActionLocation.CHANGE_FORM.value}-action", "action")
            if name in request.POST
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {len(tickets)} {self.noun(len(tickets))}",
            "opts": self.model._meta,
            "form": form,
            "lines": [self.describe(ticket, records.get(ticket.pk)) for ticket in tickets],
            "tickets": tickets,
            "seen": versions.token(shown),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_field": action_field,
            "action": request.POST[action_field],
            "button": title,
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(request, self.triage_template, context)

    def run_step(
        self,
        request: HttpRequest,
        tickets: list,
        step: Step,
        *,
        done: str,
        data: dict | None = None,
    ) -> None:
        """Take the step for each ticket, each in its own transaction; refusals become messages."""
        succeeded = 0
        for ticket in tickets:
            try:
                step(ticket, data or {})
            except services.TriageError as error:
                name = f"{ticket._meta.verbose_name.capitalize()} {ticket.reference}"
                self.message_user(request, f"{name}: {error}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(
                request, f"{succeeded} {self.noun(succeeded)} {done}.", messages.SUCCESS
            )

    def noun(self, count: int) -> str:
        opts = self.model._meta
        return str(opts.verbose_name if count == 1 else opts.verbose_name_plural)


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
    # The status moves only through the triage actions.
    readonly_fields = (
        "reference",
        "email",
        "description",
        "suggested_value",
        "evidence_url",
        "reported_object",
        "status",
        "closed_at",
        "created_at",
        "updated_at",
    )
    actions = ["apply_suggested_value", "mark_resolved", *TicketAdmin.actions]
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

    def set_status(self, ticket: Model, **kwargs: object) -> object:
        return services.set_report_status(report=ticket, **kwargs)

    def written_records(self, reports: list) -> dict[int, Result | None]:
        return {report.pk: report.result for report in reports}

    def describe(self, report: DataReport, record: Result | None) -> str:
        about = self.target(report)
        if result := report.result:
            method = f" ({result.analysis_method})" if result.analysis_method else ""
            score = format_score(result.score)
            about = f"{result.ai_model} on {result.benchmark}{method}, now {score}"
        suggested = report.suggested_value
        return f"{report.reference}: {about}" + (
            f"; suggested value “{suggested}”" if suggested else ""
        )

    @admin.action(
        description="Apply the suggested value and resolve",
        description_plural="Apply the suggested value and resolve the selected reports",
        permissions=["change"],
        location=BOTH_PAGES,
    )
    def apply_suggested_value(
        self, request: HttpRequest, queryset: QuerySet
    ) -> TemplateResponse | None:
        return self.confirm(
            request,
            queryset,
            title="Apply the suggested value",
            form_class=CorrectionForm,
            step=lambda report, data: services.apply_report(
                report=report,
                curator=request.user,
                public_reason=data["public_reason"],
                public_reply=data["public_reply"] or None,
                base_url=request.build_absolute_uri("/"),
                seen=data["seen"],
            ),
            done="applied and resolved",
            writes=services.REPORT_RESULT_SEEN,
        )

    @admin.action(
        description="Mark resolved (corrected by hand)",
        description_plural="Mark selected reports resolved (corrected by hand)",
        permissions=["change"],
        location=BOTH_PAGES,
    )
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self.confirm_status(request, queryset, DataReport.Status.RESOLVED, "Mark resolved")


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
    # The status moves only through the triage actions.
    readonly_fields = (
        "reference",
        "email",
        "score",
        "analysis_method",
        "source_url",
        "recorded_on",
        "comment",
        "submitted_objects",
        "status",
        "closed_at",
        "created_at",
        "updated_at",
    )
    actions = ["accept", *TicketAdmin.actions]
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

    def set_status(self, ticket: Model, **kwargs: object) -> object:
        return services.set_submission_status(submission=ticket, **kwargs)

    def written_records(self, submissions: list) -> dict[int, Result | None]:
        # The accepted result each would replace: one of the submissions source's, read
        # in one query for all of them.
        accepted = Result.objects.filter(
            source=standard_source(SUBMISSIONS),
            ai_model__in={submission.ai_model_id for submission in submissions},
            benchmark__in={submission.benchmark_id for submission in submissions},
        )
        by_key = {(r.ai_model_id, r.benchmark_id, r.analysis_method): r for r in accepted}
        return {
            submission.pk: by_key.get(
                (submission.ai_model_id, submission.benchmark_id, submission.analysis_method)
            )
            for submission in submissions
        }

    def describe(self, submission: ResultSubmission, record: Result | None) -> str:
        method = f" ({submission.analysis_method})" if submission.analysis_method else ""
        score, maximum = submission.score, submission.benchmark.max_score
        replaces = f"; replaces the accepted {format_score(record.score)}" if record else ""
        return (
            f"{submission.reference}: {submission.ai_model} on {submission.benchmark}{method}, "
            f"{format_score(score)} (maximum {format_score(maximum)}){replaces}"
        )

    @admin.action(
        description="Accept",
        description_plural="Accept selected submissions",
        permissions=["change"],
        location=BOTH_PAGES,
    )
    def accept(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self.confirm(
            request,
            queryset,
            title="Accept",
            form_class=AcceptForm,
            step=lambda submission, data: services.accept_submission(
                submission=submission,
                curator=request.user,
                public_reason=data["public_reason"],
                verified=data["verified"],
                public_reply=data["public_reply"] or None,
                base_url=request.build_absolute_uri("/"),
                seen=data["seen"],
            ),
            done="accepted",
            writes=services.ACCEPTED_RESULT_SEEN,
        )
