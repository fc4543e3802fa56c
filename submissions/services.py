"""The curators' side of the corrections loop: triage of reports and submissions.

Every step is one transaction that first locks its ticket row (select_for_update)
and reads the ticket's status again, so two curators acting on one ticket at once
cannot both succeed: the second waits for the first, sees its outcome and gets a
TicketStateError. A step that cannot be taken raises a TriageError subclass before
anything is written, or rolls everything back.

Statuses move forward: new -> in_review -> a final state, or new -> a final state
directly. The final states are resolved, rejected and duplicate for reports;
accepted, rejected and duplicate for submissions. A final state can only be
reopened, back to in_review (which clears closed_at), so a curator can take a
closed ticket up again without inventing states. An accepted submission is never
reopened: its result is public, and undoing it means reverting the result's
history (revert_change). Accepting is only done by accept_submission, which
writes the result.

A step a curator confirmed on a page also gets what that page showed (seen, from
models_registry.versions): the ticket's status and reply, and the result the step
writes. When either changed in between, the step is refused with what changed
(StaleError): it never overwrites what its curator has not seen.

Changes to results carry the curator's public reason (history_change_reason, shown
in the public change log), the ticket they came from (history_ticket, curators
only) and the curator (history_user). The reporter hears of the outcome by mail,
once the transaction has committed.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from benchmarks.models import Benchmark, Result
from benchmarks.services import result_stats_refreshed
from models_registry import versions
from pages.formatting import format_score
from sources.models import SUBMISSIONS, standard_source
from submissions import links, notifications
from submissions.models import DataReport, ResultSubmission

type Ticket = DataReport | ResultSubmission
# What a confirmation page showed: {"ticket": snapshot, "record": snapshot or None}.
type Seen = Mapping[str, versions.Snapshot | None]

# The public reason is stored in simple-history's history_change_reason column.
PUBLIC_REASON_MAX_LENGTH = Result.history.model._meta.get_field("history_change_reason").max_length
REVERT_PREFIX = "Reverted: "
# What a step must not change unseen: of a ticket, and of the result each step writes.
TICKET_SEEN = ("status", "public_reply")
REPORT_RESULT_SEEN = ("score", "normalized_score")
ACCEPTED_RESULT_SEEN = (
    "score",
    "normalized_score",
    "source_url",
    "recorded_on",
    "status",
    "verified_by",
    "verified_on",
)
# Who a result accepted as verified names as its verifier (never a curator's identity).
VERIFIER = "Benchboard curators"

_SCORE_FIELD = Result._meta.get_field("score")
SCORE_PLACES = Decimal(1).scaleb(-_SCORE_FIELD.decimal_places)
SCORE_LIMIT = Decimal(10) ** (_SCORE_FIELD.max_digits - _SCORE_FIELD.decimal_places)

_Report, _Submission = DataReport.Status, ResultSubmission.Status

REPORT_MOVES: dict[str, frozenset[str]] = {
    _Report.NEW: frozenset(
        {_Report.IN_REVIEW, _Report.RESOLVED, _Report.REJECTED, _Report.DUPLICATE}
    ),
    _Report.IN_REVIEW: frozenset({_Report.RESOLVED, _Report.REJECTED, _Report.DUPLICATE}),
    _Report.RESOLVED: frozenset({_Report.IN_REVIEW}),
    _Report.REJECTED: frozenset({_Report.IN_REVIEW}),
    _Report.DUPLICATE: frozenset({_Report.IN_REVIEW}),
}
SUBMISSION_MOVES: dict[str, frozenset[str]] = {
    _Submission.NEW: frozenset(
        {_Submission.IN_REVIEW, _Submission.ACCEPTED, _Submission.REJECTED, _Submission.DUPLICATE}
    ),
    _Submission.IN_REVIEW: frozenset(
        {_Submission.ACCEPTED, _Submission.REJECTED, _Submission.DUPLICATE}
    ),
    _Submission.ACCEPTED: frozenset(),
    _Submission.REJECTED: frozenset({_Submission.IN_REVIEW}),
    _Submission.DUPLICATE: frozenset({_Submission.IN_REVIEW}),
}
FINAL_REPORT_STATUSES = frozenset({_Report.RESOLVED, _Report.REJECTED, _Report.DUPLICATE})
FINAL_SUBMISSION_STATUSES = frozenset(
    {_Submission.ACCEPTED, _Submission.REJECTED, _Submission.DUPLICATE}
)


class TriageError(Exception):
    """A curator's step that cannot be taken as asked; nothing was changed."""


class TicketStateError(TriageError):
    """The ticket's status does not allow the step (another curator may just have moved it)."""


class CorrectionError(TriageError):
    """A correction's value, reason or target is not usable."""


class StaleError(TriageError):
    """The ticket, or the result the step writes, changed after the curator saw it."""


# Status moves ------------------------------------------------------------------------


@transaction.atomic
def set_report_status(
    *,
    report: DataReport,
    status: str,
    curator: AbstractBaseUser,
    base_url: str,
    public_reply: str | None = None,
    seen: Seen | None = None,
) -> DataReport:
    """Move a report to another status; a final one sets closed_at and tells the reporter.

    public_reply, when given, replaces the reply shown on the ticket's status page.
    """
    report = _locked(report)
    _check_seen(DataReport, report, seen, "ticket")
    _move(report, status, curator=curator, public_reply=public_reply)
    _notify_if_closed(report, base_url=base_url)
    return report


@transaction.atomic
def set_submission_status(
    *,
    submission: ResultSubmission,
    status: str,
    curator: AbstractBaseUser,
    base_url: str,
    public_reply: str | None = None,
    seen: Seen | None = None,
) -> ResultSubmission:
    """Move a submission to another status, except accepted (see accept_submission)."""
    if status == _Submission.ACCEPTED:
        raise TicketStateError(
            "A submission is accepted with accept_submission, which also writes its result."
        )
    submission = _locked(submission)
    _check_seen(ResultSubmission, submission, seen, "ticket")
    _move(submission, status, curator=curator, public_reply=public_reply)
    _notify_if_closed(submission, base_url=base_url)
    return submission


def allowed_statuses(ticket: Ticket) -> frozenset[str]:
    """The statuses a ticket in its current status may move to."""
    moves = REPORT_MOVES if isinstance(ticket, DataReport) else SUBMISSION_MOVES
    return moves[ticket.status]


def is_final(ticket: Ticket) -> bool:
    finals = FINAL_REPORT_STATUSES if isinstance(ticket, DataReport) else FINAL_SUBMISSION_STATUSES
    return ticket.status in finals


# Corrections -------------------------------------------------------------------------


@transaction.atomic
def accept_submission(
    *,
    submission: ResultSubmission,
    curator: AbstractBaseUser,
    public_reason: str,
    base_url: str,
    verified: bool = False,
    public_reply: str | None = None,
    seen: Seen | None = None,
) -> Result:
    """Publish a submitted result and close the submission as accepted.

    The result with the same model, benchmark and analysis method among the accepted
    submissions (their source, sources.models.SUBMISSIONS) is updated, or created when
    there is none: another source's result of the same measurement stays as it is. Its
    score, normalized score (score / max_score), source and date come from the submission;
    its status is self-reported, or verified (by VERIFIER, today) when the curator checked
    it. A score above the
    benchmark's maximum is refused: nothing is clamped.
    """
    submission = _locked(submission, "benchmark")
    _check_seen(ResultSubmission, submission, seen, "ticket")
    reason = clean_public_reason(public_reason)
    _check_move(submission, _Submission.ACCEPTED)
    benchmark = submission.benchmark
    normalized = normalized_score(submission.score, benchmark)

    source = standard_source(SUBMISSIONS)
    replaced = _locked_result(
        ai_model_id=submission.ai_model_id,
        benchmark_id=submission.benchmark_id,
        analysis_method=submission.analysis_method,
        source=source,
    )
    _check_seen(Result, replaced, seen, "record")
    result = replaced or Result(
        ai_model_id=submission.ai_model_id,
        benchmark=benchmark,
        analysis_method=submission.analysis_method,
        source=source,
    )
    result.score = submission.score
    result.normalized_score = normalized
    result.source_url = submission.source_url
    if submission.recorded_on:
        result.recorded_on = submission.recorded_on
    if verified:
        result.status = Result.Status.VERIFIED
        result.verified_by, result.verified_on = VERIFIER, timezone.localdate()
    else:
        result.status = Result.Status.SELF_REPORTED
        result.verified_by, result.verified_on = "", None
    try:
        with transaction.atomic():
            _save_change(
                result, curator=curator, reason=reason, ticket=f"submission {submission.pk}"
            )
    except IntegrityError as error:
        # Another curator saved the same model, benchmark and method a moment ago.
        raise CorrectionError(
            f"The result could not be saved ({error}); look at the benchmark's results and "
            "try again."
        ) from error

    submission.result = result
    _move(submission, _Submission.ACCEPTED, curator=curator, public_reply=public_reply)
    _notify_if_closed(submission, base_url=base_url)
    return result


@transaction.atomic
def apply_report(
    *,
    report: DataReport,
    curator: AbstractBaseUser,
    public_reason: str,
    base_url: str,
    value: str | Decimal | None = None,
    public_reply: str | None = None,
    seen: Seen | None = None,
) -> Result:
    """Set the reported result's score to the suggested value (or to value) and resolve.

    The value must be a plain decimal number no higher than the benchmark's maximum
    score; the normalized score follows it. A report that is not about a result, or
    has no usable value, is refused and nothing changes.
    """
    report = _locked(report)
    _check_seen(DataReport, report, seen, "ticket")
    reason = clean_public_reason(public_reason)
    _check_move(report, _Report.RESOLVED)
    if report.result_id is None:
        raise CorrectionError(
            "The report is not about one result: there is no score to change. "
            "Correct the record by hand, then mark the report resolved."
        )
    raw = report.suggested_value if value is None else value
    if isinstance(raw, str) and not raw.strip():
        raise CorrectionError("The report suggests no value: give the value to apply.")
    score = parse_score(raw)

    locked = Result.objects.select_for_update(of=("self",)).select_related("benchmark")
    result = locked.order_by().get(pk=report.result_id)
    _check_seen(Result, result, seen, "record")
    result.score = score
    result.normalized_score = normalized_score(score, result.benchmark)
    _save_change(result, curator=curator, reason=reason, ticket=f"report {report.pk}")

    _move(report, _Report.RESOLVED, curator=curator, public_reply=public_reply)
    _notify_if_closed(report, base_url=base_url)
    return result


@transaction.atomic
def revert_change(
    *, historical_record: Model, curator: AbstractBaseUser, public_reason: str
) -> Model:
    """Bring an object back to the state a historical record of it holds.

    The object is saved with that record's values (a deleted one is created again
    with its old primary key); the new history record says "Reverted: <reason>".
    """
    reason = clean_public_reason(public_reason, prefix=REVERT_PREFIX)
    instance = historical_record.instance
    model = type(instance)
    model._default_manager.select_for_update().filter(pk=instance.pk).order_by().exists()
    try:
        with transaction.atomic():
            _save_change(instance, curator=curator, reason=reason, ticket="")
    except IntegrityError as error:
        raise CorrectionError(
            f"This version of {model._meta.verbose_name} “{instance}” cannot be restored: it "
            f"clashes with the current data ({error})."
        ) from error
    # A deleted record restored: the tickets its deletion unlinked are linked again.
    links.relink(instance)
    return instance


# Pure rules --------------------------------------------------------------------------


def clean_public_reason(text: str, *, prefix: str = "") -> str:
    """The public reason as stored: stripped, required, and short enough with its prefix."""
    reason = " ".join((text or "").split())
    if not reason:
        raise CorrectionError(
            "Give a public reason: it is shown with the change in the change log."
        )
    limit = PUBLIC_REASON_MAX_LENGTH - len(prefix)
    if len(reason) > limit:
        raise CorrectionError(
            f"The public reason has {len(reason)} characters; at most {limit} fit."
        )
    return prefix + reason


def parse_score(value: str | Decimal) -> Decimal:
    """A score as a visitor or curator wrote it: a plain, non-negative decimal number."""
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise CorrectionError(
                f"“{value}” is not a number: a score is written like 71.3 or 0.713."
            ) from None
    if not number.is_finite() or number < 0:
        raise CorrectionError(f"“{value}” is not a usable score: it must be 0 or more.")
    if number >= SCORE_LIMIT:
        raise CorrectionError(f"“{value}” is too large for a score.")
    if number != number.quantize(SCORE_PLACES):
        raise CorrectionError(
            f"“{value}” has more than {_SCORE_FIELD.decimal_places} decimal places."
        )
    return number


def normalized_score(score: Decimal, benchmark: Benchmark) -> Decimal:
    """Benchmark.normalized; a score above the maximum is refused."""
    normalized = benchmark.normalized(score)
    if normalized is None:
        raise CorrectionError(
            f"The score {format_score(score)} is above {benchmark.name}'s maximum score of "
            f"{format_score(benchmark.max_score)}. Correct the value first (or the "
            "benchmark's maximum, if that is what is wrong)."
        )
    return normalized


# Steps shared by the services ----------------------------------------------------------


def _locked[T: (DataReport, ResultSubmission)](ticket: T, *related: str) -> T:
    """The ticket as it is now in the database, its row locked until the transaction ends."""
    queryset = type(ticket).objects.select_for_update(of=("self",)).order_by()
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=ticket.pk)


def _locked_result(**natural_key: object) -> Result | None:
    try:
        return Result.objects.select_for_update().order_by().get(**natural_key)
    except Result.DoesNotExist:
        return None


def seen_by_curator(ticket: Ticket, record: Result | None, record_fields: tuple[str, ...]) -> dict:
    """What a confirmation page shows of a ticket and of the result its step writes (None
    for a step that writes none), for the step's seen argument."""
    return {
        "ticket": versions.seen_snapshot(ticket, TICKET_SEEN),
        "record": versions.seen_snapshot(record, record_fields) if record_fields else None,
    }


def _check_seen(model: type[Model], stored: Model | None, seen: Seen | None, part: str) -> None:
    """Refuse the step when the stored ticket or record (locked) is not what was seen."""
    if seen is None:
        return
    try:
        versions.check_unchanged(model, stored, seen.get(part))
    except versions.StaleRecord as error:
        raise StaleError(str(error)) from error


def _check_move(ticket: Ticket, status: str) -> None:
    if status in allowed_statuses(ticket):
        return
    statuses = type(ticket).Status
    current, wanted = statuses(ticket.status).label.lower(), statuses(status).label.lower()
    if ticket.status == status:
        raise TicketStateError(f"{_label(ticket)} is already {current}.")
    if is_final(ticket):
        hint = (
            " An accepted submission stays accepted: revert its result's history instead."
            if ticket.status == _Submission.ACCEPTED
            else " Reopen it (mark it in review) first."
        )
    else:
        hint = ""
    raise TicketStateError(f"{_label(ticket)} is {current}: it cannot become {wanted}.{hint}")


def _move(
    ticket: Ticket, status: str, *, curator: AbstractBaseUser, public_reply: str | None
) -> None:
    """Check and save a status move; the ticket's row is already locked."""
    _check_move(ticket, status)
    ticket.status = status
    ticket.closed_at = timezone.now() if is_final(ticket) else None
    if public_reply is not None:
        ticket.public_reply = public_reply
    if ticket.assigned_to_id is None:
        ticket.assigned_to = curator
    fields = ["status", "closed_at", "public_reply", "assigned_to", "updated_at"]
    if isinstance(ticket, ResultSubmission):
        fields.append("result")
    ticket.save(update_fields=fields)


def _notify_if_closed(ticket: Ticket, *, base_url: str) -> None:
    # After the commit, and robust: a mail server that is down must not undo the step.
    if is_final(ticket):
        transaction.on_commit(
            partial(notifications.notify_reporter, ticket, base_url=base_url), robust=True
        )


def _save_change(instance: Model, *, curator: AbstractBaseUser, reason: str, ticket: str) -> None:
    """Save with the reason, ticket and curator that its history record will carry, and
    refresh the stats of the benchmarks the save touched."""
    instance._change_reason = reason
    instance._history_user = curator
    instance._history_ticket = ticket
    with result_stats_refreshed([instance]):
        instance.save()


def _label(ticket: Ticket) -> str:
    return "The report" if isinstance(ticket, DataReport) else "The submission"
