"""The admin's front page starts with what waits for curators."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.db.models import Model, QuerySet
from django.urls import reverse

from benchmarks.models import Conflict
from submissions.models import DataReport, ResultSubmission

register = template.Library()


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str


def _queue(label: str, model: type[Model], waiting: QuerySet, **lookups: str) -> Queue:
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return Queue(label, waiting.count(), f"{changelist}?{urlencode(lookups)}")


@register.inclusion_tag("admin/waiting_for_curators.html", takes_context=True)
def waiting_for_curators(context: template.Context) -> dict:
    """Open reports, submissions and conflicts with sources, each counted and linked to
    its list, for the user who may see them (a query each)."""
    user = context["request"].user
    open_tickets = ",".join([DataReport.Status.NEW, DataReport.Status.IN_REVIEW])
    queues = []
    if user.has_perm("submissions.view_datareport"):
        waiting = DataReport.objects.filter(status__in=open_tickets.split(","))
        queues.append(_queue("Data reports", DataReport, waiting, status__in=open_tickets))
    if user.has_perm("submissions.view_resultsubmission"):
        waiting = ResultSubmission.objects.filter(status__in=open_tickets.split(","))
        queues.append(
            _queue("Result submissions", ResultSubmission, waiting, status__in=open_tickets)
        )
    if user.has_perm("benchmarks.view_conflict"):
        waiting = Conflict.objects.filter(status=Conflict.Status.OPEN)
        queues.append(
            _queue("Conflicts with sources", Conflict, waiting, status__exact=Conflict.Status.OPEN)
        )
    return {"queues": queues}
