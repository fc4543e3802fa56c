"""A ticket keeps what it was about when that is deleted, and gets it back when it is
restored.

Deleting a result (or a model or benchmark) empties the link of the reports and
submissions about it (on_delete=SET_NULL): their status pages say "a record since
removed". Each ticket notes the deleted record's id first (Ticket.removed_links), so
that restoring the record from its history (submissions.services.revert_change, which
creates it again with its old id) links its tickets again: a deletion is undone whole.
"""

from django.db import models
from django.db.models.signals import pre_delete

from benchmarks.models import Benchmark, Result
from models_registry.models import AIModel
from submissions.models import DataReport, ResultSubmission

# The links a deletion empties, by the model they point at: (ticket model, field).
EMPTIED = {
    Result: [(DataReport, "result"), (ResultSubmission, "result")],
    Benchmark: [(DataReport, "benchmark")],
    AIModel: [(DataReport, "ai_model")],
}


def note_removed_links(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    """pre_delete: each ticket about the instance notes its id under the field's name."""
    for ticket_model, field in EMPTIED.get(sender, []):
        tickets = list(ticket_model.objects.filter(**{field: instance.pk}))
        for ticket in tickets:
            ticket.removed_links = {**ticket.removed_links, field: instance.pk}
        ticket_model.objects.bulk_update(tickets, ["removed_links"])


def relink(instance: models.Model) -> int:
    """Link again the tickets a deletion of this record emptied; how many."""
    relinked = 0
    for ticket_model, field in EMPTIED.get(type(instance), []):
        tickets = list(ticket_model.objects.filter(**{f"removed_links__{field}": instance.pk}))
        for ticket in tickets:
            setattr(ticket, f"{field}_id", instance.pk)
            ticket.removed_links = {
                name: pk for name, pk in ticket.removed_links.items() if name != field
            }
        ticket_model.objects.bulk_update(tickets, [field, "removed_links"])
        relinked += len(tickets)
    return relinked


def connect() -> None:
    for model in EMPTIED:
        pre_delete.connect(
            note_removed_links, sender=model, dispatch_uid=f"submissions.links.{model.__name__}"
        )
