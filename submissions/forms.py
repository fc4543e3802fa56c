"""The visitor's forms: report incorrect data, propose a missing result.

Every field has the model's length limit, links must be http or https, and a
hidden honeypot field catches form-filling robots (see HoneypotMixin).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.utils import timezone

from benchmarks.models import SCORE_LIMIT, Benchmark, Result
from models_registry.models import SLUG_MAX_LENGTH, URL_MAX_LENGTH, AIModel
from pages.formatting import format_score
from submissions.models import DataReport, ResultSubmission

HONEYPOT_FIELD = "website"

# Below the database's limit on scores (benchmarks.models.SCORE_LIMIT), which keeps
# SQLite, storing decimals as floats, able to read every score back exactly.
SCORE_MAX = SCORE_LIMIT - Decimal("0.000001")


class WebURLField(forms.URLField):
    """A link a visitor can follow safely: http or https only (no javascript:, data:, ftp:)."""

    default_validators = [
        URLValidator(
            schemes=["http", "https"], message="Enter a web address starting with https://"
        )
    ]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", URL_MAX_LENGTH)
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class HoneypotMixin(forms.Form):
    """A field people never see or reach; robots that fill every input fill it too.

    The template renders it inside an aria-hidden, visually hidden wrapper (see
    submissions/honeypot.html). A form with it filled is answered as if accepted.
    """

    website = forms.CharField(
        label="Leave this empty",
        required=False,
        # No max_length: a long value must not bring the form back with an error
        # the sender cannot see; the request size limit bounds it anyway.
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def caught_robot(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT_FIELD))


# An address that mail can reach needs none of these; quoted local parts allow them
# ("<b>x</b>"@example.org is valid), and curators' pages and mail would carry markup.
UNWANTED_IN_ADDRESS = frozenset("<>\"'`\\")


class ReplyAddressMixin(forms.Form):
    """The optional address a visitor leaves to hear of the outcome: a plain one."""

    def clean_email(self) -> str:
        address = self.cleaned_data.get("email", "")
        if UNWANTED_IN_ADDRESS & set(address):
            raise forms.ValidationError(
                "Enter a plain email address, without quotes or angle brackets.",
                code="unwanted_characters",
            )
        return address


@dataclass(frozen=True)
class ReportTarget:
    """What a report is about: a benchmark, a model, both, or one result (and its two)."""

    benchmark: Benchmark | None = None
    ai_model: AIModel | None = None
    result: Result | None = None

    @classmethod
    def of_result(cls, result: Result) -> "ReportTarget":
        return cls(benchmark=result.benchmark, ai_model=result.ai_model, result=result)

    @classmethod
    def of_report(cls, report: DataReport) -> "ReportTarget":
        return cls(benchmark=report.benchmark, ai_model=report.ai_model, result=report.result)

    @property
    def label(self) -> str:
        """ "GPQA", "GPT-5", "GPT-5 on GPQA" or "GPT-5 on GPQA: 0.857 (5-shot)"."""
        if self.result is not None:
            text = f"{self.result.ai_model.name} on {self.result.benchmark.name}: "
            text += format_score(self.result.score)
            if self.result.analysis_method:
                text += f" ({self.result.analysis_method})"
            return text
        names = [obj.name for obj in (self.ai_model, self.benchmark) if obj is not None]
        return " on ".join(names) or "a record since removed"

    @property
    def params(self) -> dict[str, str]:
        """The query that names this target on the report form's address."""
        if self.result is not None:
            return {"result": str(self.result.pk)}
        params = {}
        if self.benchmark is not None:
            params["benchmark"] = self.benchmark.slug
        if self.ai_model is not None:
            params["model"] = self.ai_model.slug
        return params

    @property
    def page_url(self) -> str:
        """The public page the visitor most likely came from."""
        if self.benchmark is not None:
            return self.benchmark.get_absolute_url()
        if self.ai_model is not None:
            return self.ai_model.get_absolute_url()
        return ""


class DataReportForm(HoneypotMixin, ReplyAddressMixin, forms.ModelForm):
    evidence_url = WebURLField(
        label="Evidence",
        required=False,
        help_text="A link to the paper, model card or results page that shows the right value.",
    )

    class Meta:
        model = DataReport
        fields = ["kind", "description", "suggested_value", "evidence_url", "email"]
        labels = {
            "kind": "What is wrong",
            "description": "Describe the problem",
            "suggested_value": "Correct value",
            "email": "Your email address",
        }
        help_texts = {
            "description": "What is wrong, and what it should say. Up to 5,000 characters.",
            "suggested_value": "Optional: the value you believe is right.",
            "email": "Optional. Only curators see it, and only to tell you the outcome.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, autofocus: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose one"), *DataReport.Kind.choices]
        if autofocus:
            # Swapped into a page by htmx: focus moves into the form that just appeared.
            self.fields["kind"].widget.attrs["autofocus"] = True


class SlugChoiceField(forms.ModelChoiceField):
    """A record picked by typing its slug (with a <datalist> of them beside the input)."""

    def __init__(self, queryset, *, datalist: str, **kwargs) -> None:
        widget = forms.TextInput(
            attrs={
                "list": datalist,
                "maxlength": SLUG_MAX_LENGTH,
                "autocomplete": "off",
                "spellcheck": "false",
            }
        )
        super().__init__(queryset, to_field_name="slug", widget=widget, **kwargs)
        self.error_messages["invalid_choice"] = (
            f"No {queryset.model._meta.verbose_name} has this id: pick one from the list."
        )

    def to_python(self, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if len(value) > SLUG_MAX_LENGTH:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ResultSubmissionForm(HoneypotMixin, ReplyAddressMixin, forms.ModelForm):
    ai_model = SlugChoiceField(
        AIModel.objects.all(),
        datalist="ai-model-slugs",
        label="Model",
        help_text="The model's id, as in its page address (/models/<id>/).",
    )
    benchmark = SlugChoiceField(
        Benchmark.objects.all(),
        datalist="benchmark-slugs",
        help_text="The benchmark's id, as in its page address (/benchmarks/<id>/).",
    )
    source_url = WebURLField(
        label="Source",
        help_text="Where the score is published: a paper, model card or results page.",
    )

    class Meta:
        model = ResultSubmission
        fields = [
            "ai_model",
            "benchmark",
            "score",
            "analysis_method",
            "source_url",
            "recorded_on",
            "comment",
            "email",
        ]
        labels = {"email": "Your email address"}
        help_texts = {
            "score": "Exactly as reported (for example 0.857 or 85.7).",
            "analysis_method": "Optional: how it was measured, for example 5-shot CoT.",
            "recorded_on": "Optional: when the result was published or measured.",
            "comment": "Optional: anything a curator should know. Up to 5,000 characters.",
            "email": "Optional. Only curators see it, and only to tell you the outcome.",
        }
        widgets = {
            "recorded_on": forms.DateInput(attrs={"type": "date"}),
            "comment": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        score = self.fields["score"]
        score.validators += [
            MinValueValidator(0, "A score cannot be negative."),
            MaxValueValidator(SCORE_MAX, "A score this large cannot be stored."),
        ]
        score.widget.attrs["min"] = "0"
        score.widget.attrs["step"] = "any"

    def clean_recorded_on(self) -> datetime.date | None:
        day = self.cleaned_data["recorded_on"]
        # A day of slack: "today" somewhere on Earth may be tomorrow in UTC.
        if day and day > timezone.now().date() + datetime.timedelta(days=1):
            raise ValidationError("The date of a published result cannot be in the future.")
        return day
