"""Plain-text mail about tickets: curators hear of new ones, reporters of the outcome.

Both functions send at once and never raise: a mail server that is down or refuses
a message is logged, and the caller carries on (a ticket is saved whether or not
its mail went out). Call them after the ticket's transaction has committed, for
example with transaction.on_commit(), so no mail names a ticket that was rolled back.

base_url is the site's address with a trailing slash, for example
request.build_absolute_uri("/"); links in the mail are built on it.
"""

import logging
from urllib.parse import urljoin

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse

from pages.formatting import format_score
from submissions.forms import ReportTarget
from submissions.models import DataReport, ResultSubmission

logger = logging.getLogger(__name__)

CURATORS_GROUP = "Curators"
SUBJECT_MAX_LENGTH = 150

Ticket = DataReport | ResultSubmission


def curator_emails() -> list[str]:
    """Addresses of active curators and superusers; users without one are skipped."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=CURATORS_GROUP))
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def notify_curators(ticket: Ticket, *, base_url: str) -> bool:
    """Mail every curator about a new ticket. True when a mail was sent."""
    recipients = curator_emails()
    if not recipients:
        return False
    admin_path = reverse(
        f"admin:{ticket._meta.app_label}_{ticket._meta.model_name}_change", args=[ticket.pk]
    )
    if isinstance(ticket, DataReport):
        subject = f"New report: {ticket.get_kind_display().lower()} on {_about(ticket)}"
        body = _report_body(ticket)
    else:
        subject = f"New submission: {_about(ticket)}"
        body = _submission_body(ticket)
    body += f"\nReference: {ticket.reference}\n"
    body += f"Triage it in the admin: {urljoin(base_url, admin_path)}\n"
    return _send(subject, body, recipients, ticket)


def notify_reporter(ticket: Ticket, *, base_url: str) -> bool:
    """Tell the visitor who left an address where their ticket stands. True when sent.

    Called by the curators' side when a ticket is resolved, rejected or accepted.
    """
    if not ticket.email:
        return False
    noun = "report" if isinstance(ticket, DataReport) else "submission"
    status = ticket.get_status_display().lower()
    lines = [
        "Hello,",
        "",
        f"Thank you for your {noun} to Benchboard about {_about(ticket)}.",
        f"Its status is now: {status}.",
    ]
    if ticket.public_reply:
        lines += ["", "The curators' reply:", "", ticket.public_reply]
    lines += [
        "",
        f"Its page (keep the link private): {urljoin(base_url, _status_path(ticket))}",
        "",
        "You get this mail because you left your address with the "
        f"{noun}; it is used for nothing else.",
    ]
    subject = f"Your Benchboard {noun} about {_about(ticket)}: {status}"
    return _send(subject, "\n".join(lines) + "\n", [ticket.email], ticket)


def _about(ticket: Ticket) -> str:
    if isinstance(ticket, DataReport):
        return ReportTarget.of_report(ticket).label
    return f"{ticket.ai_model.name} on {ticket.benchmark.name}"


def _status_path(ticket: Ticket) -> str:
    name = "report-status" if isinstance(ticket, DataReport) else "submission-status"
    return reverse(f"submissions:{name}", args=[ticket.reference])


def _report_body(report: DataReport) -> str:
    lines = [
        f"A visitor reported: {report.get_kind_display().lower()}.",
        f"About: {ReportTarget.of_report(report).label}",
        "",
        "What they wrote:",
        "",
        report.description,
        "",
    ]
    if report.suggested_value:
        lines.append(f"Suggested value: {report.suggested_value}")
    if report.evidence_url:
        lines.append(f"Evidence: {report.evidence_url}")
    if report.email:
        lines.append("They left an email address for the outcome (see the admin).")
    return "\n".join(lines) + "\n"


def _submission_body(submission: ResultSubmission) -> str:
    lines = [
        "A visitor proposed a result. It is not public until a curator accepts it.",
        "",
        f"Model: {submission.ai_model.name} ({submission.ai_model.slug})",
        f"Benchmark: {submission.benchmark.name} ({submission.benchmark.slug})",
        f"Score: {format_score(submission.score)}",
        f"Analysis method: {submission.analysis_method or '(not given)'}",
        f"Source: {submission.source_url}",
        f"Date of the result: {submission.recorded_on or '(not given)'}",
    ]
    if submission.comment:
        lines += ["", "Their comment:", "", submission.comment]
    if submission.email:
        lines += ["", "They left an email address for the outcome (see the admin)."]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """A subject is one header line: no line breaks, and not too long."""
    text = " ".join(text.split())
    if len(text) > SUBJECT_MAX_LENGTH:
        text = text[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"
    return text


def _send(subject: str, body: str, recipients: list[str], ticket: Ticket) -> bool:
    message = EmailMessage(subject=_one_line(subject), body=body, to=recipients)
    try:
        message.send()
    except Exception:
        # SMTP down, refused, timed out, misconfigured: the ticket is saved anyway.
        # The reference is the ticket's private key: log the primary key instead.
        logger.exception(
            "Could not send the mail about %s %s", ticket._meta.verbose_name, ticket.pk
        )
        return False
    return True
