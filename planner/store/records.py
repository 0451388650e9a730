"""Events as plain records (the mapping ``events.yaml`` holds) and their validation.

A record is JSON-ready: times are ISO 8601 strings with their offset. The
store keeps each saved version as a record, forms and iCalendar files are read
into records, and every record is validated by the one validator of the data
files, :func:`planner.loading.event_from_record`, whose problems here name the
bare field (``end``, ``venue``) so a form can show each beside its input.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from planner.domain.errors import Problem
from planner.domain.validation import Checker, event_from_record
from planner.domain.model import TZ, Event, Place

FIELDS = ("id", "title_zh", "title_en", "description_zh", "description_en", "venue", "start", "end",
          "rrule", "exdates", "status", "price_cny", "capacity", "tags", "source", "assumption")

_PATH = "event"


class FieldChecker(Checker):
    """A :class:`Checker` whose problems name the field alone (``start``), for forms and imports."""

    def __init__(self):
        super().__init__(_PATH)

    def add(self, record: Any, path: str, message: str) -> None:
        field = path[len(_PATH) + 1:] if path.startswith(_PATH + ".") else path
        self.problems.append(Problem(field or "event", message))


def event_to_record(event: Event) -> dict:
    """The JSON-ready record of an event, with the keys of ``events.yaml``."""
    return {
        "id": event.id, "title_zh": event.title_zh, "title_en": event.title_en,
        "description_zh": event.description_zh, "description_en": event.description_en,
        "venue": event.venue_id, "start": event.start.isoformat(), "end": event.end.isoformat(),
        "rrule": event.rrule, "exdates": [d.isoformat() for d in event.exdates],
        "status": event.status, "price_cny": event.price_cny, "capacity": event.capacity,
        "tags": list(event.tags), "source": event.source, "assumption": event.assumption,
    }


def validate_record(record: Mapping, places: Mapping[str, Place]) -> tuple[Event | None, list[Problem]]:
    """The event a record describes, or None and every problem, each naming its field."""
    record = dict(record)
    checker = FieldChecker()
    if record.get("rrule") not in (None, ""):
        record["rrule"] = normalize_rrule(record["rrule"], checker)
    else:
        record["rrule"] = None
    event = event_from_record(checker, record, _PATH, places)
    return (None if checker.problems else event), checker.problems


def normalize_rrule(text: Any, checker: Checker) -> Any:
    """One RRULE in a canonical spelling, its UNTIL in UTC as RFC 5545 asks with a zoned start.

    Staff and other calendar programs write ``UNTIL=20240331`` (a date) or a
    local time; with a zoned start these are read as that local date's end or
    that local time in Asia/Shanghai. Text that is not one RRULE is returned as
    it is, for the validator to report.

    Examples
    --------
    >>> c = FieldChecker()
    >>> normalize_rrule("RRULE:FREQ=WEEKLY;BYDAY=FR;UNTIL=20240329", c)
    'FREQ=WEEKLY;UNTIL=20240329T155959Z;BYDAY=FR'
    >>> normalize_rrule("FREQ=DAILY\\nEXDATE:20240302T193000", c), c.problems[0].message[:40]
    ('FREQ=DAILY\\nEXDATE:20240302T193000', 'one RRULE only (FREQ=...;...): put exclu')
    """
    from icalendar import vRecur

    if not isinstance(text, str):
        return text
    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    if "\n" in rule or ":" in rule:
        checker.add({}, f"{_PATH}.rrule", "one RRULE only (FREQ=...;...): put excluded sessions in exdates")
        return text
    try:
        recur = vRecur.from_ical(rule)
    except (ValueError, TypeError):
        return text  # the validator says what is wrong with it
    until = recur.get("UNTIL")
    if until:
        value = until[0]
        if not isinstance(value, dt.datetime):  # a date: through the end of that local day
            value = dt.datetime.combine(value, dt.time(23, 59, 59), TZ)
        elif value.tzinfo is None:
            value = value.replace(tzinfo=TZ)
        recur["UNTIL"] = [value.astimezone(dt.timezone.utc)]
    return recur.to_ical().decode()


def record_diff(old: Mapping | None, new: Mapping) -> list[tuple[str, Any, Any]]:
    """``(field, old value, new value)`` for every field that differs, in record order."""
    old = old or {}
    return [(f, old.get(f), new.get(f)) for f in FIELDS if old.get(f) != new.get(f)]


def slug(text: str, limit: int = 48) -> str:
    """Lower-case ASCII words joined by '-', usable as (part of) an event id.

    Examples
    --------
    >>> slug('"Hello, Su Dongpo" exhibition 2024')
    'hello-su-dongpo-exhibition-2024'
    >>> slug("熊猫")
    ''
    """
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:limit].strip("-")
