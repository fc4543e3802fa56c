"""No lost updates: a curator's write overwrites only what the curator has seen.

Every page that lets a curator write a stored record (an admin change form, an inline
row, a revert, a triage confirmation) carries the record as that page showed it: a
snapshot of the fields the write sets, as text, signed so that it comes back as it was
sent (the version token). The write then reads the record again under a lock
(select_for_update) in its own transaction and compares: when someone changed one of
those fields in between (another curator, a triage step, an import), nothing is written
and the curator is told what changed, from what, to what.

A snapshot compares values, not save counters: an import's bulk update, which no
counter or timestamp would see, is caught as well as an admin save.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.core import signing
from django.db import models

from benchmarks.models import source_text

SALT = "benchboard.record-version"

# A record's fields as text, by name; {} for a record that does not exist.
type Snapshot = dict[str, str]


class StaleRecord(Exception):
    """The record changed after the curator saw it; nothing was written."""

    def __init__(self, instance: models.Model | None, changes: list["Change"]) -> None:
        self.changes = changes
        name = f"{instance._meta.verbose_name} “{instance}”" if instance else "record"
        listed = "; ".join(change.sentence() for change in changes)
        super().__init__(
            f"The {name} changed after you looked at it ({listed}). Nothing was changed: "
            "look at it again, then take the step again if it still applies."
        )


class Change:
    """One field that differs between what a curator saw and what is stored now."""

    def __init__(self, model: type[models.Model], name: str, seen: str | None, now: str | None):
        self.model, self.name, self.seen, self.now = model, name, seen, now

    @property
    def label(self) -> str:
        try:
            return str(self.model._meta.get_field(self.name).verbose_name)
        except models.FieldDoesNotExist:
            return self.name

    def sentence(self) -> str:
        if self.name == "pk":
            return "it was deleted" if self.now is None else "it was created"
        seen, now = shown(self.model, self.name, self.seen), shown(self.model, self.name, self.now)
        return f"{self.label}: {seen} then, {now} now"


def value_text(field: models.Field, value: object) -> str:
    """A field's value as a snapshot keeps it: the same text for equal values, whether
    read from the database or from a form's cleaned data: source_text's, with related
    records by key and times in UTC."""
    if field.many_to_many:
        return ",".join(sorted(str(getattr(item, "pk", item)) for item in value or ()))
    if isinstance(value, models.Model):
        value = value.pk
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return source_text(value)


def snapshot(instance: models.Model | None, names: Iterable[str]) -> Snapshot:
    """The instance's fields as text ({} when there is no instance)."""
    if instance is None:
        return {}
    fields = [instance._meta.get_field(name) for name in names]
    return {field.name: value_text(field, field.value_from_object(instance)) for field in fields}


def changes(model: type[models.Model], seen: Mapping[str, str], now: Snapshot) -> list[Change]:
    """What differs between a snapshot a curator saw and the stored one."""
    if not seen or not now:  # the record was created or deleted in between
        return [] if seen == now else [Change(model, "pk", seen.get("pk"), now.get("pk"))]
    return [
        Change(model, name, seen.get(name), text)
        for name, text in now.items()
        if seen.get(name) != text
    ]


def check_unchanged(
    model: type[models.Model], stored: models.Model | None, seen: Mapping[str, str] | None
) -> None:
    """Raise StaleRecord when the stored record (read under lock) is not what the curator
    saw. seen None asks for no check (a write that showed the curator nothing)."""
    if seen is None:
        return
    now = seen_snapshot(stored, [name for name in seen if name != "pk"])
    if found := changes(model, seen, now):
        raise StaleRecord(stored, found)


def seen_snapshot(instance: models.Model | None, names: Iterable[str]) -> Snapshot:
    """What a page shows of a record it may write, for check_unchanged: its fields and
    its key ({} for a record that does not exist)."""
    if instance is None:
        return {}
    return snapshot(instance, names) | {"pk": str(instance.pk)}


def token(value: object) -> str:
    return signing.dumps(value, salt=SALT, compress=True)


def read_token(text: str | None) -> object | None:
    """The value a token carries; None when there is none or it was altered."""
    if not text:
        return None
    try:
        return signing.loads(text, salt=SALT)
    except signing.BadSignature:
        return None


def shown(model: type[models.Model], name: str, text: str | None) -> str:
    """A snapshot's value as a curator reads it: a related record by name, a choice by
    its label, nothing as “(empty)”."""
    if text is None or text == "":
        return "(empty)"
    try:
        field = model._meta.get_field(name)
    except models.FieldDoesNotExist:
        return f"“{text}”"
    if field.many_to_one:
        related = field.related_model._default_manager.filter(pk=text).first()
        return f"“{related}”" if related else f"id {text}"
    if field.many_to_many:
        related = field.related_model._default_manager.filter(pk__in=text.split(","))
        names = sorted(str(item) for item in related)
        return "“" + ", ".join(names) + "”"
    if field.choices:
        return f"“{dict(field.flatchoices).get(field.to_python(text), text)}”"
    return f"“{text}”"
