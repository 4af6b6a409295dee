"""The one writer of audit rows.

Everything that happens to a ficha (created, status changed, edited, classified, published) is
a ``FichaEvent`` written by ``record_events``; changes to other objects that matter (an edition's
texts, an exercise's dates or state) are Django ``LogEntry`` rows written by ``record_change``.
No other code creates either; ``tests/test_architecture.py`` fails when some does.
See docs/workflow.md («Historial»).
"""

import datetime
from collections.abc import Iterable, Mapping

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from reporting.models import Ficha, FichaEvent, FichaEventKind, User

# {"field": {"label": str, "old": str, "new": str}}
Changes = Mapping[str, Mapping[str, str]]


def record_events(
    fichas: Iterable[Ficha | int],
    kind: FichaEventKind | str,
    *,
    by: User | None,
    note: str = "",
    changes: Changes | None = None,
    changes_by_ficha: Mapping[int, Changes] | None = None,
    from_status: str = "",
    to_status: str = "",
    at: datetime.datetime | None = None,
) -> list[FichaEvent]:
    """Write one ``FichaEvent`` per ficha (fichas or their ids) in one insert; returns them.

    ``changes_by_ficha`` gives each ficha (by id) its own field differences; ``changes`` is
    shared by all. ``at`` defaults to now.
    """
    when = at or timezone.now()
    events = []
    for ficha in fichas:
        pk = ficha if isinstance(ficha, int) else ficha.pk
        own = changes_by_ficha.get(pk) if changes_by_ficha is not None else changes
        events.append(
            FichaEvent(
                ficha_id=pk,
                kind=kind,
                by=by,
                at=when,
                note=note,
                changes=dict(own or {}),
                from_status=from_status,
                to_status=to_status,
            )
        )
    return FichaEvent.objects.bulk_create(events)


def record_event(ficha: Ficha, kind: FichaEventKind | str, **kwargs) -> FichaEvent:
    """``record_events`` for one ficha; returns its event."""
    (event,) = record_events([ficha], kind, **kwargs)
    event.ficha = ficha
    return event


def record_change(
    obj: models.Model,
    *,
    by: User | None,
    changes: Changes,
    note: str = "",
    action_flag: int = CHANGE,
) -> LogEntry | None:
    """Audit a change to a non-ficha object (edition, exercise, membership) as a ``LogEntry``.

    ``changes`` maps field names to {"label", "old", "new"}; the message is plain Spanish text
    («Fecha de cierre: «1/12/2024» → «15/12/2024».»), which the admin's history shows as is.
    Nothing is written without a user (a ``LogEntry`` needs one) or without changes or a note.
    """
    if by is None or (not changes and not note):
        return None
    lines = [f"{c['label']}: «{c['old']}» → «{c['new']}»." for c in changes.values()]
    if note:
        lines.append(note)
    return LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[obj],
        action_flag=action_flag,
        change_message="\n".join(lines),
        single_object=True,
    )


def history_of(obj: models.Model) -> list[LogEntry]:
    """The ``record_change`` rows of one object, oldest first."""
    content_type = ContentType.objects.get_for_model(obj)
    return list(
        LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("user")
        .order_by("action_time", "pk")
    )
