"""The visitor's side of the corrections loop: report incorrect data, propose a result.

A ticket is saved only from a valid form within the rate limit (submissions/
ratelimit.py); a form with the honeypot filled is answered as if accepted and
nothing is saved. Curators hear of each new ticket by mail once it is committed.
Nothing here creates or changes a Result: curators accept submissions in the admin.
"""

import math
import re
from urllib.parse import urlencode

from django.conf import settings
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers

from benchmarks.models import Benchmark, Result
from config.http import allow, read_only
from models_registry.models import SLUG_MAX_LENGTH, AIModel
from pages.listing import wants_partial
from submissions import ratelimit
from submissions.forms import DataReportForm, ReportTarget, ResultSubmissionForm
from submissions.models import DataReport, ResultSubmission, new_reference
from submissions.notifications import notify_curators

REPORT_TEMPLATE = "submissions/report_create.html"
RESULT_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits only, and within a bigint


class HttpResponseSeeOther(HttpResponseRedirect):
    """After a POST, the browser GETs the ticket's page (and a reload never resends)."""

    status_code = 303


def _by_slug[M: models.Model](model: type[M], slug: str | None) -> M | None:
    if not slug:
        return None
    if len(slug) > SLUG_MAX_LENGTH or "\x00" in slug:
        raise Http404(f"No {model._meta.verbose_name} has this id.")
    return get_object_or_404(model, slug=slug)


def _report_target(query: QueryDict) -> ReportTarget | None:
    """The object named by ?result=<id>, else ?benchmark=<slug> and/or ?model=<slug>.

    An unknown or malformed id or slug is a 404; naming nothing returns None.
    """
    result_id = query.get("result")
    if result_id:
        if not RESULT_ID.fullmatch(result_id):
            raise Http404("A result id is a number.")
        result = get_object_or_404(
            Result.objects.select_related("benchmark", "ai_model"), pk=int(result_id)
        )
        return ReportTarget.of_result(result)
    benchmark = _by_slug(Benchmark, query.get("benchmark"))
    ai_model = _by_slug(AIModel, query.get("model"))
    if benchmark is None and ai_model is None:
        return None
    return ReportTarget(benchmark=benchmark, ai_model=ai_model)


def _too_many(
    request: HttpRequest, verdict: ratelimit.Verdict, context: dict, *, partial: str = ""
) -> HttpResponse:
    """The answer over the rate limit: a 429 page, or for an htmx form the form again.

    htmx does not swap error responses by default, so an inline form gets its own
    partial back with the message (status 200) and keeps what the visitor wrote.
    """
    context |= {
        "limit": verdict.limit,
        "window_minutes": math.ceil(settings.BENCHBOARD_TICKET_RATE_WINDOW / 60),
        "retry_minutes": math.ceil(verdict.retry_after / 60),
        "rate_limited": True,
    }
    if partial and wants_partial(request):
        response = render(request, partial, context)
    else:
        response = render(request, "submissions/too_many_requests.html", context, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _notify_after_commit(ticket: DataReport | ResultSubmission, request: HttpRequest) -> None:
    base_url = request.build_absolute_uri("/")
    transaction.on_commit(lambda: notify_curators(ticket, base_url=base_url), robust=True)


# --- /reports/ -------------------------------------------------------------------------------


@allow("GET", "POST")
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def report_create(request: HttpRequest) -> HttpResponse:
    target = _report_target(request.GET)
    if target is None:
        return render(request, REPORT_TEMPLATE, {"target": None}, status=400)
    partial = f"{REPORT_TEMPLATE}#report-form"
    form_url = f"{reverse('submissions:report-create')}?{urlencode(target.params)}"
    context = {"target": target, "form_url": form_url}

    if request.method == "POST":
        form = DataReportForm(request.POST)
        if form.is_valid():
            verdict = ratelimit.hit(ratelimit.client_address(request))
            if not verdict.allowed:
                return _too_many(request, verdict, context | {"form": form}, partial=partial)
            if form.caught_robot:
                reference = new_reference()
            else:
                reference = _save_report(form, target, request).reference
            status_url = reverse("submissions:report-status", args=[reference])
            if wants_partial(request):
                return render(
                    request, partial, context | {"reference": reference, "status_url": status_url}
                )
            return HttpResponseSeeOther(status_url)
    else:
        form = DataReportForm(autofocus=wants_partial(request))

    context["form"] = form
    return render(request, partial if wants_partial(request) else REPORT_TEMPLATE, context)


def _save_report(form: DataReportForm, target: ReportTarget, request: HttpRequest) -> DataReport:
    with transaction.atomic():
        report = form.save(commit=False)
        report.benchmark = target.benchmark
        report.ai_model = target.ai_model
        report.result = target.result
        report.save()
        _notify_after_commit(report, request)
    return report


@read_only
@never_cache
def report_status(request: HttpRequest, reference: str) -> HttpResponse:
    report = get_object_or_404(
        DataReport.objects.select_related(
            "benchmark", "ai_model", "result__benchmark", "result__ai_model"
        ),
        reference=reference,
    )
    return render(
        request,
        "submissions/report_status.html",
        {
            "report": report,
            "target": ReportTarget.of_report(report),
            "status_url": request.build_absolute_uri(request.path),
        },
    )


# --- /submit/ and /submissions/ --------------------------------------------------------------


@allow("GET", "POST")
def submission_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ResultSubmissionForm(request.POST)
        if form.is_valid():
            verdict = ratelimit.hit(ratelimit.client_address(request))
            if not verdict.allowed:
                return _too_many(request, verdict, {"form": form})
            if form.caught_robot:
                reference = new_reference()
            else:
                reference = _save_submission(form, request).reference
            return HttpResponseSeeOther(reverse("submissions:submission-status", args=[reference]))
    else:
        # Prefilled from a benchmark or model page; a link naming nothing known is a 404.
        benchmark = _by_slug(Benchmark, request.GET.get("benchmark"))
        ai_model = _by_slug(AIModel, request.GET.get("model"))
        form = ResultSubmissionForm(
            initial={
                "benchmark": benchmark.slug if benchmark else "",
                "ai_model": ai_model.slug if ai_model else "",
            }
        )

    return render(
        request,
        "submissions/submission_create.html",
        {
            "form": form,
            "ai_model_options": AIModel.objects.order_by("name").values_list("slug", "name"),
            "benchmark_options": Benchmark.objects.order_by("name").values_list("slug", "name"),
        },
    )


def _save_submission(form: ResultSubmissionForm, request: HttpRequest) -> ResultSubmission:
    with transaction.atomic():
        submission = form.save()
        _notify_after_commit(submission, request)
    return submission


@read_only
@never_cache
def submission_status(request: HttpRequest, reference: str) -> HttpResponse:
    submission = get_object_or_404(
        ResultSubmission.objects.select_related("benchmark", "ai_model"), reference=reference
    )
    return render(
        request,
        "submissions/submission_status.html",
        {"submission": submission, "status_url": request.build_absolute_uri(request.path)},
    )
