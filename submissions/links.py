"""A ticket keeps what it was about when that is deleted, and gets it back when it is
restored.

Deleting a result (or a model or benchmark) empties the link of the reports and
submissions about it (on_delete=SET_NULL): their status pages say "a record since
removed". Each ticket notes the deleted record's id first (Ticket.removed_links), so
that restoring the record from its history (submissions.services.revert_change, which
creates it again with its old id) links its tickets again: a deletion is undone whole.
"""

import threading

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


# The tickets that link each record, read once for a whole deletion: a deletion sends
# pre_delete for every record it removes (a benchmark's thousands of results among
# them), and there are few tickets.
_linked = threading.local()


def note_removed_links(
    sender: type[models.Model], instance: models.Model, origin: object = None, **kwargs
) -> None:
    """pre_delete: each ticket about the instance notes its id under the field's name."""
    for ticket_model, field in EMPTIED.get(sender, []):
        tickets = _tickets_linking(ticket_model, field, origin).get(instance.pk, [])
        for ticket in tickets:
            ticket.removed_links = {**ticket.removed_links, field: instance.pk}
        if tickets:
            ticket_model.objects.bulk_update(tickets, ["removed_links"])


def _tickets_linking(
    ticket_model: type[models.Model], field: str, origin: object
) -> dict[int, list[models.Model]]:
    """The tickets of ticket_model by the record their field links, read once for the
    deletion that origin started."""
    key = (ticket_model, field)
    # Held, not only its id: another deletion's origin cannot take its place.
    if getattr(_linked, "origin", None) is not origin or origin is None:
        _linked.origin, _linked.maps = origin, {}
    if key not in _linked.maps:
        by_target: dict[int, list[models.Model]] = {}
        linked = ticket_model.objects.filter(**{f"{field}__isnull": False}).only(
            "pk", f"{field}_id", "removed_links"
        )
        for ticket in linked:
            by_target.setdefault(getattr(ticket, f"{field}_id"), []).append(ticket)
        _linked.maps[key] = by_target
    return _linked.maps[key]


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
