"""The curators' triage services: status moves, accepting, applying and reverting."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from benchmarks.models import Benchmark, Result
from sources.models import SUBMISSIONS, standard_source
from submissions import notifications, services
from submissions.models import DataReport, ResultSubmission
from submissions.services import CorrectionError, TicketStateError
from tests.concurrency import HOLD_SECONDS, second_during_first
from tests.factories import delete, make_ai_model, make_benchmark, make_result, save
from tests.test_curators import make_curator, make_data_report, make_result_submission

BASE_URL = "https://benchboard.example/"
REPORT = DataReport.Status
SUBMISSION = ResultSubmission.Status


@pytest.fixture
def mailed(monkeypatch) -> list[tuple[int, str, str]]:
    """Each notify_reporter call: (ticket pk, its status then, base_url)."""
    calls: list[tuple[int, str, str]] = []

    def notify_reporter(ticket, *, base_url: str) -> bool:
        calls.append((ticket.pk, ticket.status, base_url))
        return True

    monkeypatch.setattr(notifications, "notify_reporter", notify_reporter)
    return calls


def history_count() -> int:
    return Result.history.count()


# Status moves -------------------------------------------------------------------------

ALLOWED_REPORT_MOVES = {
    (REPORT.NEW, REPORT.IN_REVIEW),
    (REPORT.NEW, REPORT.RESOLVED),
    (REPORT.NEW, REPORT.REJECTED),
    (REPORT.NEW, REPORT.DUPLICATE),
    (REPORT.IN_REVIEW, REPORT.RESOLVED),
    (REPORT.IN_REVIEW, REPORT.REJECTED),
    (REPORT.IN_REVIEW, REPORT.DUPLICATE),
    # Reopening: a closed report goes back into review, and only there.
    (REPORT.RESOLVED, REPORT.IN_REVIEW),
    (REPORT.REJECTED, REPORT.IN_REVIEW),
    (REPORT.DUPLICATE, REPORT.IN_REVIEW),
}
ALLOWED_SUBMISSION_MOVES = {
    (SUBMISSION.NEW, SUBMISSION.IN_REVIEW),
    (SUBMISSION.NEW, SUBMISSION.REJECTED),
    (SUBMISSION.NEW, SUBMISSION.DUPLICATE),
    (SUBMISSION.IN_REVIEW, SUBMISSION.REJECTED),
    (SUBMISSION.IN_REVIEW, SUBMISSION.DUPLICATE),
    (SUBMISSION.REJECTED, SUBMISSION.IN_REVIEW),
    (SUBMISSION.DUPLICATE, SUBMISSION.IN_REVIEW),
    # Accepted is reached only through accept_submission, and never left.
}
REPORT_FINAL = {REPORT.RESOLVED, REPORT.REJECTED, REPORT.DUPLICATE}
SUBMISSION_FINAL = {SUBMISSION.ACCEPTED, SUBMISSION.REJECTED, SUBMISSION.DUPLICATE}
EARLIER = timezone.now() - datetime.timedelta(days=3)


def closed_at_for(status: str, final: set[str]) -> datetime.datetime | None:
    return EARLIER if status in final else None


@pytest.mark.django_db
@pytest.mark.parametrize("before", list(REPORT))
@pytest.mark.parametrize("after", list(REPORT))
def test_report_status_moves(before, after, mailed, django_capture_on_commit_callbacks):
    curator = make_curator()
    report = make_data_report(status=before, closed_at=closed_at_for(before, REPORT_FINAL))

    with django_capture_on_commit_callbacks(execute=True):
        if (before, after) in ALLOWED_REPORT_MOVES:
            services.set_report_status(
                report=report, status=after, curator=curator, base_url=BASE_URL
            )
        else:
            with pytest.raises(TicketStateError):
                services.set_report_status(
                    report=report, status=after, curator=curator, base_url=BASE_URL
                )

    stored = DataReport.objects.get(pk=report.pk)
    if (before, after) not in ALLOWED_REPORT_MOVES:
        assert (stored.status, stored.closed_at, stored.assigned_to) == (
            before,
            report.closed_at,
            None,
        )
        assert mailed == []
        return
    assert stored.status == after
    assert stored.assigned_to == curator
    if after in REPORT_FINAL:
        assert stored.closed_at > EARLIER
        assert mailed == [(report.pk, after, BASE_URL)]
    else:
        assert stored.closed_at is None
        assert mailed == []


@pytest.mark.django_db
@pytest.mark.parametrize("before", list(SUBMISSION))
@pytest.mark.parametrize("after", list(SUBMISSION))
def test_submission_status_moves(before, after, mailed, django_capture_on_commit_callbacks):
    curator = make_curator()
    submission = make_result_submission(
        status=before, closed_at=closed_at_for(before, SUBMISSION_FINAL)
    )

    with django_capture_on_commit_callbacks(execute=True):
        if (before, after) in ALLOWED_SUBMISSION_MOVES:
            services.set_submission_status(
                submission=submission, status=after, curator=curator, base_url=BASE_URL
            )
        else:
            with pytest.raises(TicketStateError):
                services.set_submission_status(
                    submission=submission, status=after, curator=curator, base_url=BASE_URL
                )

    stored = ResultSubmission.objects.get(pk=submission.pk)
    if (before, after) not in ALLOWED_SUBMISSION_MOVES:
        assert (stored.status, stored.closed_at) == (before, submission.closed_at)
        assert mailed == []
        return
    assert stored.status == after
    assert (stored.closed_at is not None) == (after in SUBMISSION_FINAL)
    assert mailed == ([(submission.pk, after, BASE_URL)] if after in SUBMISSION_FINAL else [])


@pytest.mark.django_db
def test_refusals_say_why():
    curator = make_curator()
    resolved = make_data_report(status=REPORT.RESOLVED)
    accepted = make_result_submission(status=SUBMISSION.ACCEPTED)
    new = make_result_submission()

    with pytest.raises(TicketStateError, match="already resolved"):
        services.set_report_status(
            report=resolved, status=REPORT.RESOLVED, curator=curator, base_url=BASE_URL
        )
    with pytest.raises(TicketStateError, match="Reopen it"):
        services.set_report_status(
            report=resolved, status=REPORT.REJECTED, curator=curator, base_url=BASE_URL
        )
    with pytest.raises(TicketStateError, match="revert its result"):
        services.set_submission_status(
            submission=accepted, status=SUBMISSION.IN_REVIEW, curator=curator, base_url=BASE_URL
        )
    with pytest.raises(TicketStateError, match="accept_submission"):
        services.set_submission_status(
            submission=new, status=SUBMISSION.ACCEPTED, curator=curator, base_url=BASE_URL
        )


@pytest.mark.django_db
def test_reply_is_set_and_an_assigned_curator_stays(mailed):
    assignee, other = make_curator(), make_curator()
    report = make_data_report(assigned_to=assignee, public_reply="Looking.")

    services.set_report_status(
        report=report, status=REPORT.IN_REVIEW, curator=other, base_url=BASE_URL
    )
    services.set_report_status(
        report=report,
        status=REPORT.REJECTED,
        curator=other,
        base_url=BASE_URL,
        public_reply="The paper says 71.3.",
    )

    report.refresh_from_db()
    assert report.assigned_to == assignee
    assert report.public_reply == "The paper says 71.3."


@pytest.mark.django_db
def test_the_mail_goes_only_after_the_commit(mailed, django_capture_on_commit_callbacks):
    report = make_data_report()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.set_report_status(
            report=report, status=REPORT.REJECTED, curator=make_curator(), base_url=BASE_URL
        )

    assert mailed == []
    assert len(callbacks) == 1


# Accepting a submission -----------------------------------------------------------------


@pytest.mark.django_db
def test_accept_creates_the_result_with_its_history(mailed, django_capture_on_commit_callbacks):
    curator = make_curator()
    benchmark = make_benchmark(max_score=Decimal(100))
    submission = make_result_submission(
        benchmark=benchmark,
        score=Decimal("85.7"),
        analysis_method="5-shot",
        source_url="https://example.org/paper.pdf",
        recorded_on=datetime.date(2026, 3, 1),
        status=SUBMISSION.IN_REVIEW,
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = services.accept_submission(
            submission=submission,
            curator=curator,
            public_reason="Added from the model's technical report",
            base_url=BASE_URL,
        )

    result = Result.objects.get(pk=result.pk)
    assert (result.ai_model, result.benchmark) == (submission.ai_model, benchmark)
    assert result.analysis_method == "5-shot"
    assert result.score == Decimal("85.7")
    assert result.normalized_score == Decimal("0.857")
    assert result.status == Result.Status.SELF_REPORTED
    assert result.source_url == "https://example.org/paper.pdf"
    assert result.recorded_on == datetime.date(2026, 3, 1)
    record = result.history.get()
    assert record.history_type == "+"
    assert record.history_change_reason == "Added from the model's technical report"
    assert record.history_ticket == f"submission {submission.pk}"
    assert record.history_user == curator
    submission.refresh_from_db()
    assert submission.status == SUBMISSION.ACCEPTED
    assert submission.result == result
    assert submission.closed_at is not None
    assert mailed == [(submission.pk, SUBMISSION.ACCEPTED, BASE_URL)]


@pytest.mark.django_db
def test_accept_as_verified_names_the_curators_not_the_curator(mailed):
    submission = make_result_submission(score=Decimal("0.5"))

    result = services.accept_submission(
        submission=submission,
        curator=make_curator(username="alice"),
        public_reason="Re-run with the reference harness",
        verified=True,
        base_url=BASE_URL,
    )

    assert result.status == Result.Status.VERIFIED
    assert result.verified_by == services.VERIFIER
    assert "alice" not in result.verified_by
    assert result.verified_on == timezone.localdate()


@pytest.mark.django_db
def test_accept_updates_the_submissions_result_with_the_same_model_benchmark_and_method(mailed):
    """Accepted submissions are a source of their own: a second one about the same
    measurement updates theirs; another source's result of it stays as it is."""
    curator = make_curator()
    ai_model, benchmark = make_ai_model(), make_benchmark()
    imported = make_result(
        ai_model=ai_model,
        benchmark=benchmark,
        analysis_method="0-shot",
        score=Decimal("0.6"),
        status=Result.Status.VERIFIED,
        verified_by="LLM Stats",
    )
    existing = make_result(
        ai_model=ai_model,
        benchmark=benchmark,
        analysis_method="0-shot",
        score=Decimal("0.62"),
        source=standard_source(SUBMISSIONS),
    )
    other_method = make_result(
        ai_model=ai_model, benchmark=benchmark, analysis_method="5-shot", score=Decimal("0.7")
    )
    submission = make_result_submission(
        ai_model=ai_model, benchmark=benchmark, analysis_method="0-shot", score=Decimal("0.65")
    )

    result = services.accept_submission(
        submission=submission,
        curator=curator,
        public_reason="The vendor corrected its table",
        base_url=BASE_URL,
    )

    assert result.pk == existing.pk
    existing.refresh_from_db()
    assert (existing.score, existing.normalized_score) == (Decimal("0.65"), Decimal("0.65"))
    # The new score has not been verified by anyone.
    assert (existing.status, existing.verified_by) == (Result.Status.SELF_REPORTED, "")
    assert existing.recorded_on == datetime.date(2025, 1, 1), "kept: the submission has no date"
    latest = existing.history.latest()
    assert (latest.history_type, latest.history_ticket) == ("~", f"submission {submission.pk}")
    imported.refresh_from_db()
    other_method.refresh_from_db()
    assert (imported.score, other_method.score) == (Decimal("0.6"), Decimal("0.7"))
    assert Result.objects.count() == 3


@pytest.mark.django_db
def test_accept_refuses_a_score_above_the_maximum(mailed):
    submission = make_result_submission(
        benchmark=make_benchmark(max_score=Decimal(1)), score=Decimal("85.7")
    )

    with pytest.raises(CorrectionError, match=r"above .* maximum score of 1"):
        services.accept_submission(
            submission=submission,
            curator=make_curator(),
            public_reason="Added",
            base_url=BASE_URL,
        )

    assert not Result.objects.exists()
    submission.refresh_from_db()
    assert (submission.status, submission.result) == (SUBMISSION.NEW, None)
    assert mailed == []


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "x" * 101])
def test_accept_needs_a_public_reason_that_fits(reason, mailed):
    submission = make_result_submission()

    with pytest.raises(CorrectionError, match="public reason"):
        services.accept_submission(
            submission=submission, curator=make_curator(), public_reason=reason, base_url=BASE_URL
        )

    assert not Result.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [SUBMISSION.ACCEPTED, SUBMISSION.REJECTED])
def test_accept_refuses_a_closed_submission(status, mailed):
    submission = make_result_submission(status=status)

    with pytest.raises(TicketStateError):
        services.accept_submission(
            submission=submission,
            curator=make_curator(),
            public_reason="Added",
            base_url=BASE_URL,
        )

    assert not Result.objects.exists()


# Applying a report ----------------------------------------------------------------------


def wrong_value_report(score: str = "0.5", suggested: str = "0.713", **fields) -> DataReport:
    result = make_result(
        benchmark=make_benchmark(max_score=Decimal(1)), score=Decimal(score), **fields
    )
    return make_data_report(result=result, suggested_value=suggested)


@pytest.mark.django_db
def test_apply_sets_the_score_and_records_why(mailed, django_capture_on_commit_callbacks):
    curator = make_curator()
    report = wrong_value_report(suggested=" 0.713 ")

    with django_capture_on_commit_callbacks(execute=True):
        services.apply_report(
            report=report,
            curator=curator,
            public_reason="Corrected to the paper's table 2",
            base_url=BASE_URL,
            public_reply="Thank you, corrected.",
        )

    result = Result.objects.get(pk=report.result_id)
    assert (result.score, result.normalized_score) == (Decimal("0.713"), Decimal("0.713"))
    before, after = result.history.order_by("history_date", "history_id")
    assert before.score == Decimal("0.5")
    assert after.history_type == "~"
    assert after.score == Decimal("0.713")
    assert after.history_change_reason == "Corrected to the paper's table 2"
    assert after.history_ticket == f"report {report.pk}"
    assert after.history_user == curator
    report.refresh_from_db()
    assert report.status == REPORT.RESOLVED
    assert report.closed_at is not None
    assert report.public_reply == "Thank you, corrected."
    assert mailed == [(report.pk, REPORT.RESOLVED, BASE_URL)]


@pytest.mark.django_db
def test_apply_takes_an_explicit_value_over_the_suggestion(mailed):
    report = wrong_value_report(suggested="71.3%")

    result = services.apply_report(
        report=report,
        curator=make_curator(),
        public_reason="Corrected",
        value="0.713",
        base_url=BASE_URL,
    )

    assert result.score == Decimal("0.713")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("suggested", "message"),
    [
        ("", "suggests no value"),
        ("about 70%", "not a number"),
        ("71,3", "not a number"),
        ("71.3", "above .* maximum"),
        ("-0.1", "0 or more"),
        ("NaN", "0 or more"),
        ("0.1234567", "more than 6 decimal places"),
    ],
)
def test_apply_refuses_an_unusable_value_and_changes_nothing(suggested, message, mailed):
    report = wrong_value_report(suggested=suggested)
    records = history_count()

    with pytest.raises(CorrectionError, match=message):
        services.apply_report(
            report=report, curator=make_curator(), public_reason="Corrected", base_url=BASE_URL
        )

    assert Result.objects.get(pk=report.result_id).score == Decimal("0.5")
    assert history_count() == records
    report.refresh_from_db()
    assert (report.status, report.closed_at) == (REPORT.NEW, None)
    assert mailed == []


@pytest.mark.django_db
def test_apply_refuses_a_report_that_is_not_about_a_result(mailed):
    report = make_data_report(ai_model=make_ai_model(), suggested_value="0.7")

    with pytest.raises(CorrectionError, match="not about one result"):
        services.apply_report(
            report=report, curator=make_curator(), public_reason="Corrected", base_url=BASE_URL
        )

    report.refresh_from_db()
    assert report.status == REPORT.NEW


# All or nothing -------------------------------------------------------------------------


class Broken(Exception):
    pass


def break_saving(monkeypatch, model: type) -> None:
    def save(self, *args, **kwargs):
        raise Broken("the database went away")

    monkeypatch.setattr(model, "save", save)


@pytest.mark.django_db
def test_a_failed_accept_leaves_no_result_and_no_history(monkeypatch, mailed):
    submission = make_result_submission()
    curator = make_curator()
    # The result is saved first; then closing the submission fails.
    break_saving(monkeypatch, ResultSubmission)

    with pytest.raises(Broken):
        services.accept_submission(
            submission=submission, curator=curator, public_reason="Added", base_url=BASE_URL
        )

    assert not Result.objects.exists()
    assert history_count() == 0
    monkeypatch.undo()
    submission.refresh_from_db()
    assert (submission.status, submission.result) == (SUBMISSION.NEW, None)


@pytest.mark.django_db
def test_a_failed_apply_leaves_the_score_and_history_alone(monkeypatch, mailed):
    report = wrong_value_report()
    records = history_count()
    break_saving(monkeypatch, DataReport)

    with pytest.raises(Broken):
        services.apply_report(
            report=report, curator=make_curator(), public_reason="Corrected", base_url=BASE_URL
        )

    assert Result.objects.get(pk=report.result_id).score == Decimal("0.5")
    assert history_count() == records
    assert mailed == []


# Two curators at once ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_curator_acting_on_a_stale_page_sees_the_new_status(mailed):
    """Both curators loaded the same new submission; the second one's step is refused."""
    submission = make_result_submission()
    first_copy = ResultSubmission.objects.get(pk=submission.pk)
    second_copy = ResultSubmission.objects.get(pk=submission.pk)

    services.set_submission_status(
        submission=first_copy,
        status=SUBMISSION.REJECTED,
        curator=make_curator(),
        base_url=BASE_URL,
    )
    with pytest.raises(TicketStateError, match="is rejected"):
        services.accept_submission(
            submission=second_copy,
            curator=make_curator(),
            public_reason="Added",
            base_url=BASE_URL,
        )

    assert not Result.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_curators_accepting_at_once_cannot_both_succeed(mailed):
    """The first curator's transaction holds the ticket's row lock; the second waits for it,
    then reads the accepted status. Without the lock the second would read "new" and write
    the result a second time."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "the in-memory SQLite test database has no row locks: the second curator's "
            "transaction fails at once with 'database table is locked' instead of waiting "
            "for the first, so the race runs on PostgreSQL only"
        )
    submission = make_result_submission(score=Decimal("0.5"))
    first_curator, second_curator = make_curator(), make_curator()
    outcomes: dict[str, object] = {}

    def accept(name: str, curator) -> None:
        services.accept_submission(
            submission=submission, curator=curator, public_reason=f"By {name}", base_url=BASE_URL
        )
        outcomes[name] = "accepted"

    def second() -> None:
        try:
            accept("second", second_curator)
        except TicketStateError as error:
            outcomes["second"] = error

    waited = second_during_first(lambda: accept("first", first_curator), second)

    assert outcomes["first"] == "accepted"
    assert isinstance(outcomes["second"], TicketStateError)
    assert "already accepted" in str(outcomes["second"])
    assert waited >= HOLD_SECONDS, "the second waited for the lock"
    assert Result.objects.count() == 1
    assert list(Result.history.values_list("history_change_reason", flat=True)) == ["By first"]
    assert [status for _, status, _ in mailed] == [SUBMISSION.ACCEPTED]


# Reverting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_revert_brings_the_old_value_back_with_a_history_record(mailed):
    curator = make_curator()
    report = wrong_value_report(score="0.5", suggested="0.9")
    services.apply_report(
        report=report, curator=curator, public_reason="Corrected", base_url=BASE_URL
    )
    result = Result.objects.get(pk=report.result_id)
    original = result.history.earliest()

    services.revert_change(
        historical_record=original, curator=curator, public_reason="The report was mistaken"
    )

    result.refresh_from_db()
    assert (result.score, result.normalized_score) == (Decimal("0.5"), Decimal("0.5"))
    latest = result.history.latest()
    assert latest.history_type == "~"
    assert latest.history_change_reason == "Reverted: The report was mistaken"
    assert latest.history_user == curator
    assert latest.history_ticket == ""
    assert result.history.count() == 3


@pytest.mark.django_db
def test_revert_restores_a_deleted_result(mailed):
    result = make_result(score=Decimal("0.42"))
    pk = result.pk
    delete(result)
    deleted = Result.history.get(id=pk, history_type="-")

    services.revert_change(
        historical_record=deleted, curator=make_curator(), public_reason="Deleted by mistake"
    )

    assert Result.objects.get(pk=pk).score == Decimal("0.42")


@pytest.mark.django_db
def test_revert_needs_a_reason_that_fits_after_its_prefix(mailed):
    result = make_result(score=Decimal("0.42"))
    result.score = Decimal("0.5")
    save(result)

    with pytest.raises(CorrectionError, match="at most 90"):
        services.revert_change(
            historical_record=result.history.earliest(),
            curator=make_curator(),
            public_reason="x" * 91,
        )

    result.refresh_from_db()
    assert result.score == Decimal("0.5")


# Pure rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("71.3", "71.3"), (" 0.713 ", "0.713"), ("1e2", "100"), ("0", "0"), ("12.000000", "12")],
)
def test_parse_score(text, expected):
    assert services.parse_score(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "71,3", "seventy", "Infinity", "-1", "1e20", "0.0000001"])
def test_parse_score_refuses(text):
    with pytest.raises(CorrectionError):
        services.parse_score(text)


def test_normalized_score_rounds_half_up_to_six_places():
    thirds, hundred = Benchmark(max_score=Decimal(3)), Benchmark(max_score=Decimal(100))

    assert services.normalized_score(Decimal(2), thirds) == Decimal("0.666667")
    assert services.normalized_score(Decimal(100), hundred) == 1
    with pytest.raises(CorrectionError):
        services.normalized_score(Decimal("100.01"), hundred)


def test_public_reason_is_squeezed_and_prefixed():
    assert services.clean_public_reason("  Fixed \n the   typo ") == "Fixed the typo"
    assert services.clean_public_reason("Oops", prefix="Reverted: ") == "Reverted: Oops"
